import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PER_USER_UPDATE_CHANNEL } from '../../electron/src/main/updates';
import { verifyUpdateMetadata } from '../../electron/src/main/updateSignature';
import { PER_USER_CHANNEL } from '../electron-builder.config.mjs';
import { publicKeyOf, signUpdateMetadata } from '../updateSigning';

const pem = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }).toString();
const ed25519 = (): string => pem(generateKeyPairSync('ed25519').privateKey);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'atende-release-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** What electron-builder leaves in its output folder, metadata among installers and blockmaps. */
function release(): void {
  for (const name of ['latest.yml', 'latest-user.yml', 'latest-mac.yml', 'latest-linux.yml', 'latest-linux-arm64.yml']) {
    writeFileSync(path.join(dir, name), `version: 2.0.0\nfiles:\n  - url: ${name}.bin\n    sha512: abc==\n`);
  }
  for (const name of ['Atende-Setup-2.0.0.exe', 'Atende-Setup-2.0.0.exe.blockmap', 'builder-debug.yml', 'builder-effective-config.yaml', 'stable.yml']) {
    writeFileSync(path.join(dir, name), 'x');
  }
  mkdirSync(path.join(dir, 'win-unpacked'));
  writeFileSync(path.join(dir, 'win-unpacked', 'latest.yml'), 'not release metadata');
}

describe('issue 17 point 1: update metadata signed at npm run dist', () => {
  it("signs each latest*.yml, and the app's verifier accepts every signature with the derived public key", () => {
    release();
    const privateKey = ed25519();
    const signed = signUpdateMetadata(dir, privateKey);
    expect(signed.map((file) => path.basename(file))).toEqual(['latest-linux-arm64.yml', 'latest-linux.yml', 'latest-mac.yml', 'latest-user.yml', 'latest.yml']);
    const publicKey = publicKeyOf(privateKey);
    expect(publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
    for (const file of signed) {
      const signature = readFileSync(`${file}.sig`, 'utf8');
      expect(() => verifyUpdateMetadata(path.basename(file), readFileSync(file), signature, publicKey)).not.toThrow();
    }
    // Nothing else is signed: installers, blockmaps, electron-builder's own files, the unpacked app.
    expect(readdirSync(dir).filter((name) => name.endsWith('.sig')).sort()).toEqual(signed.map((file) => `${path.basename(file)}.sig`));
    expect(readdirSync(path.join(dir, 'win-unpacked'))).toEqual(['latest.yml']);
  });
  it('a signature does not verify for an edited file or with another key', () => {
    release();
    const privateKey = ed25519();
    const [file] = signUpdateMetadata(dir, privateKey);
    if (file === undefined) throw new Error('nothing signed');
    const signature = readFileSync(`${file}.sig`, 'utf8');
    const edited = Buffer.from(readFileSync(file, 'utf8').replace('2.0.0', '9.0.0'));
    expect(() => verifyUpdateMetadata('latest.yml', edited, signature, publicKeyOf(privateKey))).toThrow(/does not match its signature/);
    expect(() => verifyUpdateMetadata('latest.yml', readFileSync(file), signature, publicKeyOf(ed25519()))).toThrow(/does not match its signature/);
  });
  it('refuses a key that is not an Ed25519 private key, writing no signature', () => {
    release();
    expect(() => signUpdateMetadata(dir, 'not a key')).toThrow(/not a readable private key/);
    expect(() => signUpdateMetadata(dir, pem(generateKeyPairSync('ed448').privateKey))).toThrow(/must be Ed25519, got ed448/);
    expect(readdirSync(dir).filter((name) => name.endsWith('.sig'))).toEqual([]);
  });
  it('issue 17 point 6: the app reads the per-user channel the build writes', () => {
    expect(PER_USER_UPDATE_CHANNEL).toBe(PER_USER_CHANNEL);
  });
});
