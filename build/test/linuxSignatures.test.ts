import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linuxSigningFromEnv, signLinuxArtifacts } from '../linuxSignatures.js';

const hasGpg = spawnSync('gpg', ['--version']).status === 0;

/** gpg in a throwaway keyring; the keyring is the system edge here, so it is real, never mocked. */
function gpg(home: string, args: string[], input?: string) {
  return spawnSync('gpg', ['--batch', ...args], { env: { ...process.env, GNUPGHOME: home }, input, encoding: 'utf8' });
}

function newHome(root: string, name: string): string {
  const home = path.join(root, name);
  spawnSync('mkdir', ['-m', '700', home]);
  return home;
}

describe('Linux detached signatures: settings (issue 17 point 6, R-DT-04)', () => {
  it('R-DT-04 issue 17 point 6: no key set → no signing; a passphrase file that does not exist is refused before building', () => {
    expect(linuxSigningFromEnv({})).toBeUndefined();
    expect(linuxSigningFromEnv({ ATENDE_LINUX_SIGNING_KEY: '  ' })).toBeUndefined();
    expect(linuxSigningFromEnv({ ATENDE_LINUX_SIGNING_KEY: 'ABCD1234' })).toMatchObject({ keyId: 'ABCD1234', passphraseFile: undefined });
    expect(() => linuxSigningFromEnv({ ATENDE_LINUX_SIGNING_KEY: 'ABCD1234', ATENDE_LINUX_SIGNING_PASSPHRASE_FILE: '/nonexistent/pass' }))
      .toThrow(/ATENDE_LINUX_SIGNING_PASSPHRASE_FILE "\/nonexistent\/pass" does not exist/);
  });
});

// Skipped only where GnuPG is not installed: the signatures cannot be made or checked without it.
describe.skipIf(!hasGpg)('Linux detached signatures with a real GnuPG keyring (issue 17 point 6, R-DT-04)', () => {
  let root: string;
  let signer: string;
  let out: string;
  const passphraseFile = () => path.join(root, 'passphrase');

  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'atende-gpg-'));
    signer = newHome(root, 'signer');
    // No passphrase caching, so each signing really uses the passphrase it is given.
    writeFileSync(path.join(signer, 'gpg-agent.conf'), 'default-cache-ttl 0\nmax-cache-ttl 0\n');
    out = path.join(root, 'out');
    spawnSync('mkdir', [out]);
    const plain = gpg(signer, ['--pinentry-mode', 'loopback', '--passphrase', '', '--quick-generate-key', 'Atende Release <release@atende.invalid>', 'ed25519', 'sign', 'never']);
    expect(plain.status, plain.stderr).toBe(0);
    writeFileSync(passphraseFile(), 'correct horse\n');
    const guarded = gpg(signer, ['--pinentry-mode', 'loopback', '--passphrase', 'correct horse', '--quick-generate-key', 'Atende Guarded <guarded@atende.invalid>', 'ed25519', 'sign', 'never']);
    expect(guarded.status, guarded.stderr).toBe(0);
  });

  afterAll(() => {
    for (const home of ['signer', 'it'].map((name) => path.join(root, name))) {
      spawnSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: home } });
    }
    rmSync(root, { recursive: true, force: true });
  });

  function artifacts(): string[] {
    const files = ['Atende-0.1.0-x86_64.AppImage', 'atende_0.1.0_amd64.deb', 'atende-0.1.0.x86_64.rpm', 'latest-linux.yml'].map((name) => path.join(out, name));
    for (const file of files) writeFileSync(file, `contents of ${path.basename(file)}\n`);
    return files;
  }
  const env = () => ({ ...process.env, GNUPGHOME: signer });

  it('R-DT-04 issue 17 point 6: signs each .deb, .rpm and .AppImage; the IT guide steps (export, import, verify) accept them', async () => {
    const files = artifacts();
    const written = await signLinuxArtifacts(files, { keyId: 'release@atende.invalid', env: env() });
    expect(written).toEqual(files.slice(0, 3).map((file) => `${file}.asc`));
    expect(existsSync(path.join(out, 'latest-linux.yml.asc'))).toBe(false);

    // What IT does: import the published public key into its own keyring, then verify.
    const exported = gpg(signer, ['--armor', '--export', 'release@atende.invalid']);
    expect(exported.stdout).toContain('BEGIN PGP PUBLIC KEY BLOCK');
    const it = newHome(root, 'it');
    expect(gpg(it, ['--import'], exported.stdout).status).toBe(0);
    for (const file of files.slice(0, 3)) {
      expect(readFileSync(`${file}.asc`, 'utf8')).toContain('BEGIN PGP SIGNATURE');
      const verified = gpg(it, ['--verify', `${file}.asc`, file]);
      expect(verified.status, verified.stderr).toBe(0);
      expect(verified.stderr).toContain('Good signature from "Atende Release <release@atende.invalid>"');
    }

    // A package changed after signing fails verification.
    writeFileSync(files[1] ?? '', 'tampered\n');
    const tampered = gpg(it, ['--verify', `${files[1]}.asc`, files[1] ?? '']);
    expect(tampered.status).not.toBe(0);
    expect(tampered.stderr).toContain('BAD signature');
  });

  it('R-DT-04 issue 17 point 6: a key with a passphrase signs with ATENDE_LINUX_SIGNING_PASSPHRASE_FILE', async () => {
    const files = artifacts();
    const signing = linuxSigningFromEnv({ ...env(), ATENDE_LINUX_SIGNING_KEY: 'guarded@atende.invalid', ATENDE_LINUX_SIGNING_PASSPHRASE_FILE: passphraseFile() });
    expect(signing).toBeDefined();
    const written = await signLinuxArtifacts(files, signing ?? { keyId: '' });
    expect(written).toHaveLength(3);
    const verified = gpg(signer, ['--verify', written[0] ?? '', files[0] ?? '']);
    expect(verified.status, verified.stderr).toBe(0);
    expect(verified.stderr).toContain('Atende Guarded');
  });

  it('R-DT-04 issue 17 point 6: an unknown key fails with gpg\'s reason and leaves no signature behind', async () => {
    const files = artifacts();
    for (const file of files) rmSync(`${file}.asc`, { force: true });
    await expect(signLinuxArtifacts(files, { keyId: 'nobody@atende.invalid', env: env() }))
      .rejects.toThrow(/gpg could not sign .*Atende-0\.1\.0-x86_64\.AppImage: .*(secret key|No such user|unusable)/is);
    expect(readdirSync(out).filter((name) => name.endsWith('.asc'))).toEqual([]);
  });

  it('R-DT-04 issue 17 point 6: a package that cannot be signed fails the run, and the signatures written before it are removed', async () => {
    const [appImage] = artifacts();
    const missing = path.join(out, 'gone_0.1.0_amd64.deb');
    await expect(signLinuxArtifacts([appImage ?? '', missing], { keyId: 'release@atende.invalid', env: env() }))
      .rejects.toThrow(/gpg could not sign .*gone_0\.1\.0_amd64\.deb/s);
    expect(readdirSync(out).filter((name) => name.endsWith('.asc'))).toEqual([]);
  });

  it('R-DT-04 issue 17 point 6: a wrong passphrase fails and leaves no signature', async () => {
    const files = artifacts();
    const wrong = path.join(root, 'wrong-passphrase');
    writeFileSync(wrong, 'not it\n');
    await expect(signLinuxArtifacts(files, { keyId: 'guarded@atende.invalid', passphraseFile: wrong, env: env() }))
      .rejects.toThrow(/gpg could not sign/);
    expect(readdirSync(out).filter((name) => name.endsWith('.asc'))).toEqual([]);
  });
});
