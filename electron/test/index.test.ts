import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
// Both imported up front: vi.resetModules() re-runs index.ts but keeps the mocked `electron`, so
// the mock must already hold this very instance of the fakes.
import 'electron';
import * as fakeElectron from './fakes/electron';

vi.mock('electron', async () => (await import('./fakes/electron')).electron);
vi.mock('electron-updater', async () => {
  // Inside the factory: vi.mock is hoisted above the file's imports.
  const { EventEmitter } = await import('node:events');
  class Updater extends EventEmitter {
    autoDownload = false;
    autoInstallOnAppQuit = false;
    setFeedURL = vi.fn();
    checkForUpdates = vi.fn(() => Promise.reject(new Error('feed unreachable')));
  }
  return { autoUpdater: new Updater() };
});

type Fakes = typeof fakeElectron;
let dir: string;
let ready: () => void;
const argv = process.argv;

/** Boots the shell as Electron would run dist/main.js, with `ready` under the test's control. */
async function boot(options: { lock?: boolean; argv?: string[]; packaged?: boolean; switches?: string[] } = {}): Promise<Fakes> {
  vi.resetModules();
  const fakes = fakeElectron;
  fakes.resetElectron();
  fakes.app.isPackaged = options.packaged ?? true;
  for (const name of options.switches ?? []) fakes.app.switches.add(name);
  fakes.app.paths.userData = path.join(dir, 'userData');
  fakes.app.getAppPath.mockReturnValue(path.join(dir, 'app.asar'));
  fakes.app.requestSingleInstanceLock.mockReturnValue(options.lock ?? true);
  fakes.app.whenReady.mockReturnValue(new Promise<void>((resolve) => (ready = resolve)));
  process.argv = options.argv ?? ['/opt/Atende/atende'];
  // Electron defines it; plain Node does not.
  Object.assign(process, { resourcesPath: path.join(dir, 'resources') });
  await import('../src/main/index');
  return fakes;
}
/** Lets `ready` run to its end: the main window exists, or the start-up was abandoned. */
async function started(): Promise<void> {
  ready();
  await vi.waitFor(() => {
    const done = fakeElectron.FakeBrowserWindow.instances.length > 0 || fakeElectron.app.quit.mock.calls.length > 0;
    if (!done) throw new Error('still starting');
  });
  await new Promise((resolve) => setTimeout(resolve, 10));
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'atende-boot-'));
  mkdirSync(path.join(dir, 'app.asar', 'renderer'), { recursive: true });
  writeFileSync(path.join(dir, 'app.asar', 'renderer', 'index.html'), '<!doctype html>');
});
afterEach(() => {
  process.argv = argv;
  rmSync(dir, { recursive: true, force: true });
});

describe('R-DT-02 single instance and deep links', () => {
  it('quits at once when another instance holds the lock (it got our argv)', async () => {
    const { app, FakeBrowserWindow } = await boot({ lock: false });
    expect(app.quit).toHaveBeenCalled();
    expect(app.whenReady).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });
  it('registers atende:// and the privileged app:// scheme before ready', async () => {
    const { app, protocol } = await boot();
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalled();
    expect(app.setAsDefaultProtocolClient).toHaveBeenCalledWith('atende');
    expect(protocol.handle).not.toHaveBeenCalled();
  });
  it('once ready: serves app://, installs permissions and IPC, opens the main window', async () => {
    const { protocol, fakeSession, ipcMain, FakeBrowserWindow } = await boot();
    await started();
    expect(protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    expect(fakeSession.setPermissionRequestHandler).toHaveBeenCalled();
    expect(ipcMain.handle).toHaveBeenCalledTimes(10);
    expect(FakeBrowserWindow.instances.map((w) => w.webContents.url)).toEqual(['app://atende/index.html']);
  });
  it('a second launch focuses the first window and forwards its deep link', async () => {
    const { app, FakeBrowserWindow } = await boot();
    await started();
    const main = FakeBrowserWindow.instances[0];
    if (!main) throw new Error('no main window');
    main.minimized = true;
    app.emit('second-instance', {}, ['/opt/Atende/atende', '--flag', 'atende://conversation/01HX'], dir);
    expect(main.minimized).toBe(false);
    expect(main.focused).toBe(true);
    expect(main.webContents.sent).toContainEqual(['atende:navigate', { kind: 'conversation', id: 'conversation:01HX' }]);
  });
  it('opens the deep link it was started with', async () => {
    const { FakeBrowserWindow } = await boot({ argv: ['/opt/Atende/atende', 'atende://contact/42'] });
    await started();
    expect(FakeBrowserWindow.instances[0]?.webContents.sent).toContainEqual(['atende:navigate', { kind: 'contact', id: 'contact:42' }]);
  });
  it('queues a macOS open-url that arrives before ready, and ignores malformed links', async () => {
    const { app, FakeBrowserWindow } = await boot();
    const early = { preventDefault: vi.fn() };
    app.emit('open-url', early, 'atende://conversation/7');
    app.emit('open-url', { preventDefault: vi.fn() }, 'atende://conversation/../../x');
    expect(early.preventDefault).toHaveBeenCalled();
    await started();
    const navigations = FakeBrowserWindow.instances[0]?.webContents.sent.filter(([channel]) => channel === 'atende:navigate');
    expect(navigations).toEqual([['atende:navigate', { kind: 'conversation', id: 'conversation:7' }]]);
  });
});

describe('R-DT-03 / R-DT-06 start-up', () => {
  it('gives a development run its own profile, unless --user-data-dir names one', async () => {
    const { app } = await boot({ packaged: false });
    expect(app.setName).toHaveBeenCalledWith('Atende');
    expect(app.setPath).toHaveBeenCalledWith('userData', path.join('/tmp/atende-test-appdata', 'Atende-dev'));
    const again = await boot({ packaged: false, switches: ['user-data-dir'] });
    expect(again.app.setPath).not.toHaveBeenCalled();
    const installed = await boot();
    expect(installed.app.setPath).not.toHaveBeenCalled();
    expect(installed.app.setName).not.toHaveBeenCalled();
  });
  it('reopens the pop-out windows of the last session', async () => {
    mkdirSync(path.join(dir, 'userData'), { recursive: true });
    writeFileSync(path.join(dir, 'userData', 'windows.json'), JSON.stringify({ bounds: {}, open: [{ kind: 'supervisor', board: 'queues' }] }));
    const { FakeBrowserWindow } = await boot();
    await started();
    expect(FakeBrowserWindow.instances.map((w) => w.webContents.url)).toEqual([
      'app://atende/index.html',
      'app://atende/index.html#/supervisor/queues',
    ]);
  });
  it('issue 17: an installed build with no feed from the policy or the build contacts none and says so', async () => {
    const { FakeBrowserWindow, dialog } = await boot();
    await started();
    const statuses = FakeBrowserWindow.instances[0]?.webContents.sent.filter(([channel]) => channel === 'atende:update-status');
    expect(statuses?.at(-1)).toEqual(['atende:update-status', { state: 'disabled', message: expect.stringMatching(/No update feed is configured/) }]);
    const { autoUpdater } = await import('electron-updater');
    expect(autoUpdater.setFeedURL).not.toHaveBeenCalled();
    expect(dialog.showErrorBox).not.toHaveBeenCalled();
  });
  it('says what is missing instead of opening a blank window when the app files are gone', async () => {
    rmSync(path.join(dir, 'app.asar'), { recursive: true });
    const { dialog, app, FakeBrowserWindow } = await boot();
    await started();
    expect(dialog.showErrorBox).toHaveBeenCalled();
    expect(app.quit).toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });
});
