import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
// Imported up front: vi.resetModules() re-runs index.ts but keeps the mocked `electron` (see index.test.ts).
import 'electron';
import * as fakes from './fakes/electron';

vi.mock('electron', async () => (await import('./fakes/electron')).electron);
vi.mock('electron-updater', async () => {
  const { EventEmitter } = await import('node:events');
  class Updater extends EventEmitter {
    autoDownload = false;
    autoInstallOnAppQuit = false;
    setFeedURL = vi.fn();
    checkForUpdates = vi.fn(() => Promise.reject(new Error('feed unreachable')));
  }
  return { autoUpdater: new Updater() };
});

/**
 * Issue 17 point 5 as the shell really starts: index.ts wires recovery, power, the context menu
 * and spelling to every window it creates (Electron announces each with 'browser-window-created').
 */
let dir: string;
const argv = process.argv;

async function started(): Promise<fakes.FakeBrowserWindow> {
  vi.resetModules();
  fakes.resetElectron();
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  fakes.app.isPackaged = true;
  fakes.app.paths.userData = path.join(dir, 'userData');
  fakes.app.getAppPath.mockReturnValue(path.join(dir, 'app.asar'));
  process.argv = ['/opt/Atende/atende'];
  Object.assign(process, { resourcesPath: path.join(dir, 'resources') });
  // As Electron does: every new BrowserWindow is announced on the app.
  const created = fakes.FakeBrowserWindow.instances;
  await import('../src/main/index');
  await vi.waitFor(() => {
    if (created.length === 0) throw new Error('no window yet');
  });
  const main = fakes.FakeBrowserWindow.instances[0];
  if (!main) throw new Error('no main window');
  fakes.app.emit('browser-window-created', {}, main);
  return main;
}

/** Calls the IPC handler the way the preload would, from the window's own app page. */
async function takeNotice(window: fakes.FakeBrowserWindow): Promise<unknown> {
  const call = fakes.ipcMain.handle.mock.calls.find(([channel]) => channel === 'atende:recovery-notice') as unknown as
    | [string, (event: unknown) => Promise<unknown>]
    | undefined;
  if (!call) throw new Error('atende:recovery-notice is not handled');
  return call[1]({ sender: window.webContents, senderFrame: { parent: null, url: 'app://atende/index.html' } });
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'atende-issue17-wiring-'));
  mkdirSync(path.join(dir, 'app.asar', 'renderer'), { recursive: true });
  writeFileSync(path.join(dir, 'app.asar', 'renderer', 'index.html'), '<!doctype html>');
});
afterEach(() => {
  process.argv = argv;
  rmSync(dir, { recursive: true, force: true });
});

describe('issue 17 point 5: the shell wires recovery and comfort to its windows', () => {
  it('issue 17 a crashed main window is reloaded and its page gets the notice through IPC, once', async () => {
    const main = await started();
    expect(await takeNotice(main)).toBeNull();
    main.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    expect(main.webContents.reloads).toBe(1);
    expect(await takeNotice(main)).toMatchObject({ reason: 'crashed' });
    expect(await takeNotice(main)).toBeNull();
  });

  it('R-NET-02 waking the machine sends atende:resumed to the open windows', async () => {
    const main = await started();
    fakes.powerMonitor.emit('resume');
    expect(main.webContents.sent.some(([channel]) => channel === 'atende:resumed')).toBe(true);
  });

  it('issue 17 dictionaries are set to come from the configured server, never from Google', async () => {
    await started();
    expect(fakes.spellcheckState.downloadUrl).toMatch(/^https?:\/\/[^/]+(\/.*)?\/dictionaries\/$/);
    expect(fakes.spellcheckState.downloadUrl).not.toMatch(/google|gstatic/);
    expect(fakes.spellcheckState.languages).toEqual(['pt-BR', 'en-US', 'es']);
  });

  it('issue 17 a right-click in a text field opens the context menu', async () => {
    const main = await started();
    const popup = vi.fn();
    vi.mocked(fakes.electron.Menu.buildFromTemplate).mockImplementationOnce((template: unknown[]) => ({ template, popup }) as never);
    const flags = { canCut: false, canCopy: false, canPaste: true, canSelectAll: true };
    main.webContents.emit('context-menu', {}, { isEditable: true, editFlags: flags, selectionText: '', misspelledWord: '', dictionarySuggestions: [] });
    expect(popup).toHaveBeenCalledWith({ window: main });
  });
});
