import { EventEmitter } from 'node:events';
import type { UpdateStatus } from '@atende/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { InstallKind } from '../src/main/installKind';
import { SignedFeedProvider, type SignedFeedOptions } from '../src/main/updateFeed';
import { createUpdates, type Updater } from '../src/main/updates';

class FakeUpdater extends EventEmitter {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  setFeedURL = vi.fn();
  checkForUpdates = vi.fn((): Promise<unknown> => Promise.resolve(null));
}

const KEY = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n';

function setup(options: { isPackaged?: boolean; publicKey?: string | undefined; installKind?: InstallKind } = {}) {
  const fake = new FakeUpdater();
  const statuses: UpdateStatus[] = [];
  const lookUp = vi.fn(() => fake as unknown as Updater);
  const updates = createUpdates({
    updater: lookUp,
    isPackaged: options.isPackaged ?? true,
    publicKey: 'publicKey' in options ? options.publicKey : KEY,
    installKind: options.installKind ?? 'nsis',
    publish: (status) => statuses.push(status),
    intervalMs: 60_000,
  });
  return { fake, statuses, lookUp, updates };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
let active: ReturnType<typeof setup>['updates'] | undefined;
afterEach(() => active?.stop());

describe('R-DT-06 updates', () => {
  it('R-DT-06 does not check at all when IT turned updates off', () => {
    const { fake, lookUp, updates, statuses } = setup();
    updates.configure({ autoUpdate: false, updateUrl: 'https://s.example/updates/' });
    expect(lookUp).not.toHaveBeenCalled();
    expect(fake.checkForUpdates).not.toHaveBeenCalled();
    expect(updates.status().state).toBe('disabled');
    expect(statuses.at(-1)?.state).toBe('disabled');
  });
  it('R-DT-06 does not check in a development run', () => {
    const { fake, updates } = setup({ isPackaged: false });
    updates.configure({ autoUpdate: true, updateUrl: 'https://s.example/updates/' });
    expect(fake.checkForUpdates).not.toHaveBeenCalled();
    expect(updates.status().state).toBe('disabled');
  });
  it('issue 17: points electron-updater at the signed feed (custom provider with the built-in key) and checks', () => {
    const { fake, updates } = setup();
    active = updates;
    updates.configure({ autoUpdate: true, updateUrl: 'https://updates.example/atende/' });
    const expected: SignedFeedOptions = { provider: 'custom', updateProvider: SignedFeedProvider, url: 'https://updates.example/atende/', publicKey: KEY };
    expect(fake.setFeedURL).toHaveBeenCalledWith(expected);
    expect(fake.checkForUpdates).toHaveBeenCalledTimes(1);
    expect(fake.autoDownload).toBe(true);
    expect(fake.autoInstallOnAppQuit).toBe(true);
  });
  it('R-DT-06 turns an unreachable feed into an error status, never an unhandled rejection', async () => {
    const { fake, updates, statuses } = setup();
    active = updates;
    fake.checkForUpdates.mockImplementationOnce(() => Promise.reject(new Error('net::ERR_CONNECTION_REFUSED\n<html>…</html>')));
    updates.configure({ autoUpdate: true, updateUrl: 'http://127.0.0.1:9/updates/' });
    await flush();
    expect(updates.status()).toEqual({ state: 'error', message: 'net::ERR_CONNECTION_REFUSED' });
    expect(statuses.at(-1)?.state).toBe('error');
  });
  it('R-DT-06 catches a check that throws synchronously and a failing download', async () => {
    const { fake, updates } = setup();
    active = updates;
    fake.checkForUpdates.mockImplementationOnce(() => {
      throw new Error('boom');
    });
    updates.configure({ autoUpdate: true, updateUrl: 'https://s.example/updates/' });
    expect(updates.status()).toEqual({ state: 'error', message: 'boom' });

    fake.checkForUpdates.mockImplementationOnce(() => Promise.resolve({ downloadPromise: Promise.reject(new Error('disk full')) }));
    updates.configure({ autoUpdate: true, updateUrl: 'https://other.example/updates/' });
    await flush();
    expect(updates.status()).toEqual({ state: 'error', message: 'disk full' });
  });
  it("R-DT-06 reports the updater's events as statuses", () => {
    const { fake, updates, statuses } = setup();
    active = updates;
    updates.configure({ autoUpdate: true, updateUrl: 'https://s.example/updates/' });
    fake.emit('checking-for-update');
    fake.emit('update-available', { version: '2.0.0' });
    fake.emit('download-progress', { percent: 41.6 });
    fake.emit('update-downloaded', { version: '2.0.0' });
    fake.emit('error', new Error('signature mismatch'));
    expect(statuses.slice(-5)).toEqual([
      { state: 'checking' },
      { state: 'available', version: '2.0.0' },
      { state: 'downloading', percent: 42 },
      { state: 'downloaded', version: '2.0.0' },
      { state: 'error', message: 'signature mismatch' },
    ]);
  });
  it('R-DT-06 ignores a configuration change that does not touch update settings', () => {
    const { fake, updates } = setup();
    active = updates;
    updates.configure({ autoUpdate: true, updateUrl: 'https://s.example/updates/' });
    updates.configure({ autoUpdate: true, updateUrl: 'https://s.example/updates/' });
    expect(fake.checkForUpdates).toHaveBeenCalledTimes(1);
    expect(fake.setFeedURL).toHaveBeenCalledTimes(1);
  });
  it('R-DT-06 re-checks periodically and stops when turned off', () => {
    vi.useFakeTimers();
    try {
      const { fake, updates } = setup();
      updates.configure({ autoUpdate: true, updateUrl: 'https://s.example/updates/' });
      vi.advanceTimersByTime(60_000);
      expect(fake.checkForUpdates).toHaveBeenCalledTimes(2);
      updates.configure({ autoUpdate: false, updateUrl: 'https://s.example/updates/' });
      vi.advanceTimersByTime(180_000);
      expect(fake.checkForUpdates).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('issue 17 point 1: which feeds the app may contact', () => {
  const cases: Array<[string, Parameters<typeof setup>[0], string | undefined, UpdateStatus]> = [
    ['no feed from the policy or the build', {}, undefined, { state: 'disabled', message: expect.stringMatching(/No update feed is configured/) as unknown as string }],
    ['a plain http feed on another machine', {}, 'http://updates.example/atende/', { state: 'refused', message: expect.stringMatching(/The update feed was refused: "http:\/\/updates\.example" uses plain http/) as unknown as string }],
    ['a feed address with credentials', {}, 'https://user:secret@updates.example/', { state: 'refused', message: expect.stringMatching(/must not carry credentials/) as unknown as string }],
    ['a feed that is not http(s)', {}, 'file:///tmp/feed/', { state: 'refused', message: expect.stringMatching(/is not an https URL/) as unknown as string }],
    ['a build without an update key', { publicKey: undefined }, 'https://updates.example/atende/', { state: 'refused', message: expect.stringMatching(/This build has no update key/) as unknown as string }],
    ['an MSI install (IT deploys new MSIs)', { installKind: 'msi' }, 'https://updates.example/atende/', { state: 'disabled', message: expect.stringMatching(/installed from an MSI package: IT deploys new versions/) as unknown as string }],
  ];
  it.each(cases)('%s: nothing is fetched and the status says why', (_name, options, updateUrl, status) => {
    const { fake, lookUp, updates, statuses } = setup(options);
    active = updates;
    updates.configure({ autoUpdate: true, updateUrl });
    expect(lookUp).not.toHaveBeenCalled();
    expect(fake.setFeedURL).not.toHaveBeenCalled();
    expect(fake.checkForUpdates).not.toHaveBeenCalled();
    expect(updates.status()).toEqual(status);
    expect(statuses).toEqual([status]);
  });
  it('issue 17 point 6: a per-user install follows its own channel (latest-user)', () => {
    const { fake, updates } = setup({ installKind: 'nsis-per-user' });
    active = updates;
    updates.configure({ autoUpdate: true, updateUrl: 'https://updates.example/atende/' });
    expect(fake.setFeedURL).toHaveBeenCalledWith(expect.objectContaining({ provider: 'custom', channel: 'latest-user', url: 'https://updates.example/atende/' }));
  });
  it('accepts http to this machine (a feed on the same workstation, development)', () => {
    const { fake, updates } = setup();
    active = updates;
    updates.configure({ autoUpdate: true, updateUrl: 'http://127.0.0.1:8080/updates/' });
    expect(fake.checkForUpdates).toHaveBeenCalledTimes(1);
  });
  it("a refusal from the signature check becomes the 'refused' status, not 'error'", async () => {
    const { fake, updates } = setup();
    active = updates;
    const { UpdateRefusedError } = await import('../src/main/updateSignature');
    fake.checkForUpdates.mockImplementationOnce(() => Promise.reject(new UpdateRefusedError('latest.yml does not match its signature')));
    updates.configure({ autoUpdate: true, updateUrl: 'https://s.example/updates/' });
    await flush();
    expect(updates.status()).toEqual({ state: 'refused', message: 'latest.yml does not match its signature' });
  });
});
