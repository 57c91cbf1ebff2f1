import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliOptions, Configuration, FileSet } from 'electron-builder';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readInstallKind } from '../../electron/src/main/installKind.js';
import { verifyUpdateMetadata } from '../../electron/src/main/updateSignature.js';
import { builderRuns, packageApp } from '../dist.js';
import type { SignUpdateMetadata } from '../releaseSigning.js';
import { publicKeyOf } from '../updateSigning.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * electron-builder is the system edge (it needs the Electron binary and NSIS/WiX/fpm): its build()
 * is replaced by one that does, on disk, what matters here — packs the extraResources into the
 * unpacked app, writes the installers under their configured names and `<channel>.yml` for NSIS
 * and Linux — and records what each run packed.
 */
const edge = vi.hoisted(() => ({
  platform: 'win32' as NodeJS.Platform,
  runs: [] as Array<{ dir: boolean; packedKind: string }>,
  failWith: undefined as Error | undefined,
}));
vi.mock('electron-builder', () => ({ build: (options: CliOptions) => Promise.resolve(fakeBuild(options)) }));

function fakeBuild(options: CliOptions): string[] {
  if (edge.failWith) throw edge.failWith;
  const config = options.config as Configuration;
  const out = config.directories?.output ?? 'missing';
  const resources = path.join(out, edge.platform === 'win32' ? 'win-unpacked' : 'linux-unpacked', 'resources');
  rmSync(resources, { recursive: true, force: true });
  mkdirSync(resources, { recursive: true });
  for (const extra of (config.win?.extraResources ?? []) as FileSet[]) {
    if (edge.platform === 'win32') copyFileSync(path.join(ROOT, extra.from ?? ''), path.join(resources, extra.to ?? ''));
  }
  edge.runs.push({ dir: options.dir === true, packedKind: readInstallKind(resources, edge.platform) });
  if (options.dir) return [];
  const named = (pattern: string | null | undefined, ext: string) => path.join(out, (pattern ?? '').replace('${version}', '0.1.0').replace('${arch}', 'x64').replace('${ext}', ext));
  const write = (file: string) => (writeFileSync(file, `${path.basename(file)} bytes\n`), file);
  const channel = (config.publish as Array<{ channel: string }>)[0]?.channel ?? 'latest';
  if (edge.platform === 'linux') {
    write(path.join(out, `${channel}-linux.yml`));
    return ['Atende-0.1.0-x86_64.AppImage', 'atende_0.1.0_amd64.deb', 'atende-0.1.0.x86_64.rpm'].map((name) => write(path.join(out, name)));
  }
  const target = [config.win?.target].flat()[0];
  if ((typeof target === 'string' ? target : target?.target) === 'msi') return [write(named(config.msi?.artifactName, 'msi'))];
  const installer = write(named(config.nsis?.artifactName, 'exe'));
  write(path.join(out, `${channel}.yml`));
  return [installer, write(`${installer}.blockmap`)];
}

const { privateKey } = generateKeyPairSync('ed25519');
const PRIVATE_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const PUBLIC_PEM = publicKeyOf(PRIVATE_PEM);

let out: string;
const lines: string[] = [];
beforeEach(() => {
  out = mkdtempSync(path.join(tmpdir(), 'atende-dist-'));
  edge.runs = [];
  edge.failWith = undefined;
  lines.length = 0;
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

function dist(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, args: string[] = []) {
  edge.platform = platform;
  return packageApp({ args, env, platform, outDir: out, electronVersion: '45.5.0', log: (line) => lines.push(line) });
}

/** What the installed app does with the metadata it fetches (slice U's verifier, the public key it carries). */
function verifies(file: string): boolean {
  try {
    verifyUpdateMetadata(path.basename(file), readFileSync(file), readFileSync(`${file}.sig`, 'utf8'), PUBLIC_PEM);
    return true;
  } catch {
    return false;
  }
}

describe('npm run dist: installers and signatures (issue 17 point 6, R-DT-04, R-DT-06)', () => {
  it('R-DT-06 issue 17 point 6: on Windows one run per installer, each app packed with its own install kind, names and feeds apart', async () => {
    expect(await dist('win32', { ATENDE_UPDATE_SIGNING_KEY: PRIVATE_PEM })).toBe(0);
    expect(edge.runs).toEqual([
      { dir: false, packedKind: 'nsis' },
      { dir: false, packedKind: 'msi' },
      { dir: false, packedKind: 'nsis-per-user' },
    ]);
    expect(readdirSync(out).filter((name) => !name.endsWith('-unpacked')).sort()).toEqual([
      'Atende-0.1.0-x64.msi',
      'Atende-Setup-0.1.0.exe',
      'Atende-Setup-0.1.0.exe.blockmap',
      'Atende-Setup-User-0.1.0.exe',
      'Atende-Setup-User-0.1.0.exe.blockmap',
      'latest-user.yml',
      'latest-user.yml.sig',
      'latest.yml',
      'latest.yml.sig',
    ]);
    // Per-machine and per-user installs read separate metadata, each signed.
    expect(verifies(path.join(out, 'latest.yml'))).toBe(true);
    expect(verifies(path.join(out, 'latest-user.yml'))).toBe(true);
    writeFileSync(path.join(out, 'latest.yml'), 'path: somewhere-else.exe\n');
    expect(verifies(path.join(out, 'latest.yml'))).toBe(false);
    expect(lines.join('\n')).toContain('latest-user.yml.sig');
  });

  it('R-DT-04 issue 17 point 6: --dir makes one unpacked app (the per-machine NSIS one) and signs nothing, even in a release pipeline', async () => {
    expect(await dist('win32', { ATENDE_REQUIRE_SIGNING: '1' }, ['--dir'])).toBe(0);
    expect(edge.runs).toEqual([{ dir: true, packedKind: 'nsis' }]);
    expect(builderRuns('win32', true, out)).toHaveLength(1);
    expect(readdirSync(out).some((name) => name.endsWith('.sig') || name.endsWith('.asc'))).toBe(false);
  });

  it('R-DT-04 issue 17 point 1: without ATENDE_UPDATE_SIGNING_KEY the metadata stays unsigned; with ATENDE_REQUIRE_SIGNING=1 the build is refused before it starts', async () => {
    expect(await dist('win32', {})).toBe(0);
    expect(readdirSync(out).filter((name) => name.endsWith('.sig'))).toEqual([]);
    edge.runs = [];
    await expect(dist('win32', { ATENDE_REQUIRE_SIGNING: '1' })).rejects.toThrow(/ATENDE_REQUIRE_SIGNING is set but ATENDE_UPDATE_SIGNING_KEY is not/);
    await expect(dist('linux', { ATENDE_REQUIRE_SIGNING: 'true', ATENDE_UPDATE_SIGNING_KEY: PRIVATE_PEM })).rejects.toThrow(/ATENDE_LINUX_SIGNING_KEY is not/);
    expect(edge.runs).toEqual([]);
  });

  it('R-DT-04 issue 17 point 1: a signing key that is not an Ed25519 private key is refused before building', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await expect(dist('win32', { ATENDE_UPDATE_SIGNING_KEY: rsa })).rejects.toThrow(/ATENDE_UPDATE_SIGNING_KEY: .*must be Ed25519, got rsa/);
    await expect(dist('win32', { ATENDE_UPDATE_SIGNING_KEY: 'not a key' })).rejects.toThrow(/ATENDE_UPDATE_SIGNING_KEY: .*not a readable private key/);
    expect(edge.runs).toEqual([]);
  });

  it('R-DT-04 issue 17 point 1: a key that finds no metadata to sign fails the build instead of shipping unsigned', async () => {
    const signsNothing: SignUpdateMetadata = () => [];
    edge.platform = 'darwin';
    await expect(packageApp({ args: [], env: { ATENDE_UPDATE_SIGNING_KEY: PRIVATE_PEM }, platform: 'darwin', outDir: out, electronVersion: '45.5.0', signUpdateMetadata: signsNothing, log: () => undefined }))
      .rejects.toThrow(/holds no update metadata to sign/);
  });

  it('R-DT-04: electron-builder unable to download what it needs exits with code 2 and the offline advice', async () => {
    edge.failWith = Object.assign(new Error('getaddrinfo ENOTFOUND github.com'), { code: 'ENOTFOUND' });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await dist('linux', {})).toBe(2);
      expect(String(errors.mock.calls[0]?.[0])).toContain('Electron 45.5.0');
    } finally {
      errors.mockRestore();
    }
  });

  // Skipped only where GnuPG is not installed (the signatures are made by the real gpg).
  it.skipIf(spawnSync('gpg', ['--version']).status !== 0)('R-DT-04 issue 17 point 6: on Linux with ATENDE_LINUX_SIGNING_KEY each package gets a .asc that gpg verifies, next to the signed metadata', async () => {
    const home = path.join(out, 'gnupg');
    mkdirSync(home, { mode: 0o700 });
    const env = { ...process.env, GNUPGHOME: home };
    const key = spawnSync('gpg', ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', '--quick-generate-key', 'Atende Release <release@atende.invalid>', 'ed25519', 'sign', 'never'], { env, encoding: 'utf8' });
    expect(key.status, key.stderr).toBe(0);
    const release = path.join(out, 'release');
    mkdirSync(release);
    try {
      edge.platform = 'linux';
      const code = await packageApp({ args: [], env: { ...env, ATENDE_LINUX_SIGNING_KEY: 'release@atende.invalid', ATENDE_UPDATE_SIGNING_KEY: PRIVATE_PEM }, platform: 'linux', outDir: release, electronVersion: '45.5.0', log: () => undefined });
      expect(code).toBe(0);
      for (const name of ['Atende-0.1.0-x86_64.AppImage', 'atende_0.1.0_amd64.deb', 'atende-0.1.0.x86_64.rpm']) {
        const file = path.join(release, name);
        const checked = spawnSync('gpg', ['--batch', '--verify', `${file}.asc`, file], { env, encoding: 'utf8' });
        expect(checked.status, checked.stderr).toBe(0);
      }
      expect(verifies(path.join(release, 'latest-linux.yml'))).toBe(true);
      expect(existsSync(path.join(release, 'latest-linux.yml.asc'))).toBe(false);
    } finally {
      spawnSync('gpgconf', ['--kill', 'gpg-agent'], { env });
    }
  });
});
