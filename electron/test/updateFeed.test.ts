import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ProviderRuntimeOptions } from 'electron-updater/out/providers/Provider';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SignedFeedProvider } from '../src/main/updateFeed';
import { UpdateRefusedError } from '../src/main/updateSignature';
import { NodeHttpExecutor, publish, signFile, startFeed, type Feed } from './support/updateFeedServer';

let feed: Feed;
beforeEach(async () => {
  feed = await startFeed();
});
afterEach(() => feed.close());

function provider(options: { platform?: ProviderRuntimeOptions['platform']; publicKey?: string; channel?: string } = {}): SignedFeedProvider {
  return new SignedFeedProvider({ url: feed.url, publicKey: options.publicKey ?? feed.publicKey, channel: options.channel }, { channel: null }, {
    platform: options.platform ?? 'win32',
    isUseMultipleRangeRequest: false,
    executor: new NodeHttpExecutor() as unknown as ProviderRuntimeOptions['executor'],
  });
}

describe('issue 17 point 1: signed update metadata', () => {
  it('passes a correctly signed latest.yml on, and the download is checked against its sha512', async () => {
    const { file, sha512 } = publish(feed);
    signFile(feed, 'latest.yml');
    const source = provider();
    const info = await source.getLatestVersion();
    expect(info.version).toBe('2.0.0');
    const [resolved, ...others] = source.resolveFiles(info);
    expect(others).toEqual([]);
    expect(resolved?.url.href).toBe(`${feed.url}${file}`);
    expect(resolved?.info.sha512).toBe(sha512);
    expect(feed.requests).toEqual(['latest.yml', 'latest.yml.sig']);
  });
  it('refuses a latest.yml altered after signing (another installer hash), fetching nothing else', async () => {
    const { yml } = publish(feed);
    signFile(feed, 'latest.yml');
    const other = publish(feed, { installer: 'something else' });
    writeFileSync(path.join(feed.dir, 'latest.yml'), yml.replaceAll(/sha512: .*/g, `sha512: ${other.sha512}`));
    const refusal = provider().getLatestVersion();
    await expect(refusal).rejects.toBeInstanceOf(UpdateRefusedError);
    await expect(refusal).rejects.toThrow(/latest\.yml does not match its signature/);
    expect(feed.requests).toEqual(['latest.yml', 'latest.yml.sig']);
  });
  it('refuses a latest.yml changed by one byte (a line ending)', async () => {
    const { yml } = publish(feed);
    signFile(feed, 'latest.yml');
    writeFileSync(path.join(feed.dir, 'latest.yml'), yml.replaceAll('\n', '\r\n'));
    await expect(provider().getLatestVersion()).rejects.toThrow(/does not match its signature/);
  });
  it('refuses an unsigned latest.yml (no .sig on the feed)', async () => {
    publish(feed);
    await expect(provider().getLatestVersion()).rejects.toThrow(/latest\.yml is not signed \(no latest\.yml\.sig on the feed\)/);
  });
  it('refuses metadata signed with a key other than the one built into the app', async () => {
    publish(feed);
    const stranger = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    signFile(feed, 'latest.yml', stranger);
    await expect(provider().getLatestVersion()).rejects.toThrow(/does not match its signature/);
  });
  it('refuses a .sig that is not an Ed25519 signature', async () => {
    publish(feed);
    writeFileSync(path.join(feed.dir, 'latest.yml.sig'), 'not base64 at all!');
    await expect(provider().getLatestVersion()).rejects.toThrow(/latest\.yml\.sig is not an Ed25519 signature/);
  });
  it('refuses everything when the built-in key is not an Ed25519 public key', async () => {
    publish(feed);
    signFile(feed, 'latest.yml');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await expect(provider({ publicKey: rsa }).getLatestVersion()).rejects.toThrow(/is rsa, not Ed25519/);
    await expect(provider({ publicKey: 'garbage' }).getLatestVersion()).rejects.toThrow(/not a valid public key/);
  });
  it('refuses signed metadata that gives no sha512 for its files', async () => {
    writeFileSync(path.join(feed.dir, 'latest.yml'), "version: 2.0.0\nfiles:\n  - url: a.exe\n    size: 1\nreleaseDate: '2026-11-29'\n");
    signFile(feed, 'latest.yml');
    await expect(provider().getLatestVersion()).rejects.toThrow(/does not give a sha512 for every file/);
  });
  it("reads the platform's metadata file (latest-mac.yml on macOS) and its own signature", async () => {
    publish(feed, { channelFile: 'latest-mac.yml' });
    signFile(feed, 'latest-mac.yml');
    expect((await provider({ platform: 'darwin' }).getLatestVersion()).version).toBe('2.0.0');
    expect(feed.requests).toEqual(['latest-mac.yml', 'latest-mac.yml.sig']);
  });
  it("issue 17 point 6: a per-user install reads latest-user.yml, never the per-machine installer's latest.yml", async () => {
    publish(feed, { version: '3.0.0' });
    signFile(feed, 'latest.yml');
    publish(feed, { channelFile: 'latest-user.yml', version: '2.5.0' });
    signFile(feed, 'latest-user.yml');
    expect((await provider({ channel: 'latest-user' }).getLatestVersion()).version).toBe('2.5.0');
    expect(feed.requests).toEqual(['latest-user.yml', 'latest-user.yml.sig']);
  });
  it('asks past caches for the metadata and its signature, as electron-updater does (?noCache=)', async () => {
    publish(feed);
    signFile(feed, 'latest.yml');
    await provider().getLatestVersion();
    const [yml, sig] = feed.queries;
    expect(yml).toMatch(/^noCache=[0-9a-v]+$/);
    expect(sig).toBe(yml);
  });
});
