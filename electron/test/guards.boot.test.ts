import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
// Imported up front: vi.resetModules() re-runs index.ts but keeps the mocked `electron` (see index.test.ts).
import 'electron';
import * as fakes from './fakes/electron';
import { DEBUGGING_SWITCHES } from '../src/main/guards';

vi.mock('electron', async () => (await import('./fakes/electron')).electron);
vi.mock('electron-updater', async () => {
  const { EventEmitter } = await import('node:events');
  class Updater extends EventEmitter {
    setFeedURL = vi.fn();
    checkForUpdates = vi.fn(() => Promise.reject(new Error('feed unreachable')));
  }
  return { autoUpdater: new Updater() };
});

let dir: string;
const argv = process.argv;
const stderrWrite = process.stderr.write.bind(process.stderr);
let stderr = '';

/** Runs index.ts as Electron would run dist/main.js; `ready` never comes unless the test says so. */
async function boot(options: { packaged: boolean; argv?: string[] }): Promise<void> {
  vi.resetModules();
  fakes.resetElectron();
  fakes.app.isPackaged = options.packaged;
  fakes.app.paths.userData = path.join(dir, 'userData');
  fakes.app.whenReady.mockReturnValue(new Promise<void>(() => undefined));
  process.argv = options.argv ?? ['/opt/Atende/atende'];
  Object.assign(process, { resourcesPath: path.join(dir, 'resources') });
  await import('../src/main/index');
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'atende-guards-'));
  stderr = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
});
afterEach(() => {
  process.stderr.write = stderrWrite;
  process.argv = argv;
  rmSync(dir, { recursive: true, force: true });
});

describe('R-DT-01 issue 17: the shell installs its guards first', () => {
  it.each(DEBUGGING_SWITCHES)('an installed build started with --%s exits with code 1 before any lock, window or IPC', async (name) => {
    await boot({ packaged: true, argv: ['/opt/Atende/atende', `--${name}=1`] });
    expect(fakes.app.exit).toHaveBeenCalledWith(1);
    expect(stderr).toContain(`--${name}`);
    expect(fakes.app.requestSingleInstanceLock).not.toHaveBeenCalled();
    expect(fakes.app.whenReady).not.toHaveBeenCalled();
    expect(fakes.ipcMain.handle).not.toHaveBeenCalled();
    expect(fakes.FakeBrowserWindow.instances).toHaveLength(0);
  });
  it('a development run with --inspect and --remote-debugging-port starts as usual', async () => {
    await boot({ packaged: false, argv: ['electron', 'dist/main.js', '--inspect', '--remote-debugging-port=9222'] });
    expect(fakes.app.exit).not.toHaveBeenCalled();
    expect(fakes.app.whenReady).toHaveBeenCalled();
  });
  it('enables the sandbox and the web-contents guard before waiting for ready', async () => {
    await boot({ packaged: true });
    expect(fakes.app.exit).not.toHaveBeenCalled();
    const sandbox = fakes.app.enableSandbox.mock.invocationCallOrder[0];
    const ready = fakes.app.whenReady.mock.invocationCallOrder[0];
    expect(sandbox).toBeDefined();
    expect(ready).toBeDefined();
    expect(sandbox ?? Infinity).toBeLessThan(ready ?? -Infinity);
    expect(fakes.app.listenerCount('web-contents-created')).toBe(1);
  });
});
