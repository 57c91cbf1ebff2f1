import { EventEmitter } from 'node:events';
import type { UpdateStatus } from '@atende/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createUpdates, type Updater } from '../src/main/updates';

class FakeUpdater extends EventEmitter {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  setFeedURL = vi.fn();
  checkForUpdates = vi.fn((): Promise<unknown> => Promise.resolve(null));
}

function setup(options: { isPackaged?: boolean } = {}) {
  const fake = new FakeUpdater();
  const statuses: UpdateStatus[] = [];
  const lookUp = vi.fn(() => fake as unknown as Updater);
  const updates = createUpdates({ updater: lookUp, isPackaged: options.isPackaged ?? true, publish: (status) => statuses.push(status), intervalMs: 60_000 });
  return { fake, statuses, lookUp, updates };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
let active: ReturnType<typeof setup>['updates'] | undefined;
afterEach(() => active?.stop());

describe('R-DT-06 updates', () => {
  it('does not check at all when IT turned updates off', () => {
    const { fake, lookUp, updates, statuses } = setup();
    updates.configure({ autoUpdate: false, updateUrl: 'http://s/updates/' });
    expect(lookUp).not.toHaveBeenCalled();
    expect(fake.checkForUpdates).not.toHaveBeenCalled();
    expect(updates.status().state).toBe('disabled');
    expect(statuses.at(-1)?.state).toBe('disabled');
  });
  it('does not check in a development run', () => {
    const { fake, updates } = setup({ isPackaged: false });
    updates.configure({ autoUpdate: true, updateUrl: 'http://s/updates/' });
    expect(fake.checkForUpdates).not.toHaveBeenCalled();
    expect(updates.status().state).toBe('disabled');
  });
  it('uses a generic feed at the configured URL (default <serverUrl>/updates/) and checks', () => {
    const { fake, updates } = setup();
    active = updates;
    updates.configure({ autoUpdate: true, updateUrl: 'http://127.0.0.1:8080/updates/' });
    expect(fake.setFeedURL).toHaveBeenCalledWith({ provider: 'generic', url: 'http://127.0.0.1:8080/updates/' });
    expect(fake.checkForUpdates).toHaveBeenCalledTimes(1);
    expect(fake.autoDownload).toBe(true);
    expect(fake.autoInstallOnAppQuit).toBe(true);
  });
  it('turns an unreachable feed into an error status, never an unhandled rejection', async () => {
    const { fake, updates, statuses } = setup();
    active = updates;
    fake.checkForUpdates.mockImplementationOnce(() => Promise.reject(new Error('net::ERR_CONNECTION_REFUSED\n<html>…</html>')));
    updates.configure({ autoUpdate: true, updateUrl: 'http://127.0.0.1:9/updates/' });
    await flush();
    expect(updates.status()).toEqual({ state: 'error', message: 'net::ERR_CONNECTION_REFUSED' });
    expect(statuses.at(-1)?.state).toBe('error');
  });
  it('catches a check that throws synchronously and a failing download', async () => {
    const { fake, updates } = setup();
    active = updates;
    fake.checkForUpdates.mockImplementationOnce(() => {
      throw new Error('boom');
    });
    updates.configure({ autoUpdate: true, updateUrl: 'http://s/updates/' });
    expect(updates.status()).toEqual({ state: 'error', message: 'boom' });

    fake.checkForUpdates.mockImplementationOnce(() => Promise.resolve({ downloadPromise: Promise.reject(new Error('disk full')) }));
    updates.configure({ autoUpdate: true, updateUrl: 'http://other/updates/' });
    await flush();
    expect(updates.status()).toEqual({ state: 'error', message: 'disk full' });
  });
  it("reports the updater's events as statuses", () => {
    const { fake, updates, statuses } = setup();
    active = updates;
    updates.configure({ autoUpdate: true, updateUrl: 'http://s/updates/' });
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
  it('ignores a configuration change that does not touch update settings', () => {
    const { fake, updates } = setup();
    active = updates;
    updates.configure({ autoUpdate: true, updateUrl: 'http://s/updates/' });
    updates.configure({ autoUpdate: true, updateUrl: 'http://s/updates/' });
    expect(fake.checkForUpdates).toHaveBeenCalledTimes(1);
    expect(fake.setFeedURL).toHaveBeenCalledTimes(1);
  });
  it('re-checks periodically and stops when turned off', () => {
    vi.useFakeTimers();
    try {
      const { fake, updates } = setup();
      updates.configure({ autoUpdate: true, updateUrl: 'http://s/updates/' });
      vi.advanceTimersByTime(60_000);
      expect(fake.checkForUpdates).toHaveBeenCalledTimes(2);
      updates.configure({ autoUpdate: false, updateUrl: 'http://s/updates/' });
      vi.advanceTimersByTime(180_000);
      expect(fake.checkForUpdates).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
