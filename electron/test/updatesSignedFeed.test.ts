import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { UpdateStatus } from '@atende/protocol';
import type { AppAdapter } from 'electron-updater/out/AppAdapter';
import { NsisUpdater } from 'electron-updater/out/NsisUpdater';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createUpdates, type Updates } from '../src/main/updates';
import { NodeHttpExecutor, publish, signFile, startFeed, type Feed } from './support/updateFeedServer';

vi.mock('electron', async () => (await import('./fakes/electron')).electron);

/**
 * The whole chain with electron-updater's real updater (issue 17 point 1): updates.ts points it at the
 * signed feed, a real HTTP feed serves `latest.yml` + `.sig`, real Ed25519 keys. Only Electron's app
 * object and network stack are stand-ins (an AppAdapter over a temp folder, Node's http).
 */
let feed: Feed;
let dir: string;
let updates: Updates | undefined;

beforeEach(async () => {
  feed = await startFeed();
  dir = mkdtempSync(path.join(tmpdir(), 'atende-updater-'));
  // What electron-builder writes into the app; no publisherName: Authenticode is checked elsewhere.
  writeFileSync(path.join(dir, 'app-update.yml'), 'provider: generic\nurl: https://updates.atende.invalid/\nupdaterCacheDirName: atende-updater\n');
});
afterEach(async () => {
  updates?.stop();
  updates = undefined;
  await feed.close();
  rmSync(dir, { recursive: true, force: true });
});

function realUpdater(): NsisUpdater {
  const app: AppAdapter = {
    version: '1.0.0',
    name: 'Atende',
    isPackaged: true,
    appUpdateConfigPath: path.join(dir, 'app-update.yml'),
    userDataPath: path.join(dir, 'userData'),
    baseCachePath: path.join(dir, 'cache'),
    whenReady: () => Promise.resolve(),
    relaunch: () => undefined,
    quit: () => undefined,
    onQuit: () => undefined,
  };
  const updater = new NsisUpdater(null, app);
  updater.logger = null;
  // The one stand-in: Electron's `net` does not exist outside Electron.
  // `_testOnlyOptions` is electron-updater's own hook: read `latest.yml` (Windows) on any test machine.
  Object.assign(updater, { httpExecutor: new NodeHttpExecutor(), _testOnlyOptions: { platform: 'win32' } });
  return updater;
}

async function run(): Promise<UpdateStatus[]> {
  const statuses: UpdateStatus[] = [];
  const updater = realUpdater();
  updates = createUpdates({ updater: () => updater, isPackaged: true, publicKey: feed.publicKey, installKind: 'nsis', publish: (status) => statuses.push(status) });
  updates.configure({ autoUpdate: true, updateUrl: feed.url });
  await vi.waitFor(() => {
    const state = statuses.at(-1)?.state;
    if (state !== 'downloaded' && state !== 'refused' && state !== 'error' && state !== 'not-available') throw new Error(`still ${state}`);
  }, { timeout: 10_000 });
  return statuses;
}

describe('issue 17 point 1: electron-updater only acts on verified metadata', () => {
  it('downloads the installer a correctly signed latest.yml names, checked against its sha512', async () => {
    const { file, installer } = publish(feed);
    signFile(feed, 'latest.yml');
    const statuses = await run();
    expect(statuses.at(-1)).toEqual({ state: 'downloaded', version: '2.0.0' });
    expect(statuses.map((status) => status.state)).toContain('available');
    const downloaded = path.join(dir, 'cache', 'atende-updater', 'pending', file);
    expect(readFileSync(downloaded)).toEqual(installer);
  });
  it('refuses a tampered latest.yml: status refused, the installer is never requested', async () => {
    const { yml, file } = publish(feed);
    signFile(feed, 'latest.yml');
    writeFileSync(path.join(feed.dir, 'latest.yml'), yml.replace('version: 2.0.0', 'version: 9.0.0'));
    const statuses = await run();
    expect(statuses.at(-1)).toEqual({ state: 'refused', message: expect.stringMatching(/latest\.yml does not match its signature/) });
    expect(statuses.map((status) => status.state)).not.toContain('available');
    expect(feed.requests).not.toContain(file);
  });
  it('refuses an unsigned latest.yml: status refused, the installer is never requested', async () => {
    const { file } = publish(feed);
    const statuses = await run();
    expect(statuses.at(-1)).toEqual({ state: 'refused', message: expect.stringMatching(/latest\.yml is not signed/) });
    expect(feed.requests).not.toContain(file);
  });
  it('rejects an installer swapped on the feed after signing: the signed sha512 does not match, nothing is marked downloaded', async () => {
    const { file } = publish(feed);
    signFile(feed, 'latest.yml');
    writeFileSync(path.join(feed.dir, file), 'a different installer');
    const statuses = await run();
    expect(statuses.at(-1)).toEqual({ state: 'error', message: expect.stringMatching(/sha512 checksum mismatch/) });
    expect(statuses.map((status) => status.state)).not.toContain('downloaded');
  });
});
