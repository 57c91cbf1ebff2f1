import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow, resetElectron, screenState } from './fakes/electron';
import { secureWebPreferences } from '../src/main/security';
import { createWindowManager, windowUrl } from '../src/main/windows';

vi.mock('electron', async () => (await import('./fakes/electron')).electron);

let dir: string;
let stateFile: string;
const manager = () => createWindowManager({ stateFile, preload: '/app/preload.cjs' });
const fake = (window: unknown) => window as FakeBrowserWindow;

beforeEach(() => {
  resetElectron();
  dir = mkdtempSync(path.join(tmpdir(), 'atende-windows-'));
  stateFile = path.join(dir, 'windows.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('R-DT-03 windows', () => {
  it('opens the main window on the app origin with the hardened preferences', () => {
    const main = fake(manager().showMain());
    expect(main.webContents.url).toBe('app://atende/index.html');
    expect(main.options.webPreferences).toEqual(secureWebPreferences('/app/preload.cjs'));
    main.emit('ready-to-show');
    expect(main.visible).toBe(true);
  });
  it('routes supervisor boards and pop-out conversations by the renderer hashes', () => {
    expect(windowUrl({ kind: 'supervisor', board: 'queues' })).toBe('app://atende/index.html#/supervisor/queues');
    expect(windowUrl({ kind: 'conversation', id: 'conversation:01H' })).toBe('app://atende/index.html#/conversation/conversation%3A01H');
  });
  it('brings back the window already showing a board instead of opening another', () => {
    const windows = manager();
    const first = fake(windows.open({ kind: 'supervisor', board: 'agents' }));
    first.minimized = true;
    const second = fake(windows.open({ kind: 'supervisor', board: 'agents' }));
    expect(second).toBe(first);
    expect(first.minimized).toBe(false);
    expect(first.focused).toBe(true);
    expect(FakeBrowserWindow.instances).toHaveLength(1);
  });
  it('cascades a second window of the same kind', () => {
    const windows = manager();
    const a = fake(windows.open({ kind: 'conversation', id: 'conversation:a' }));
    const b = fake(windows.open({ kind: 'conversation', id: 'conversation:b' }));
    expect(b.bounds.x - a.bounds.x).toBe(24);
  });
  it('hides the main window to the tray on close, and really closes it when quitting', () => {
    const windows = manager();
    const main = fake(windows.showMain());
    main.visible = true;
    main.close();
    expect(main.destroyed).toBe(false);
    expect(main.visible).toBe(false);
    windows.prepareToQuit();
    main.close();
    expect(main.destroyed).toBe(true);
  });
  it('reopens the supervisor and conversation windows that were open at quit', () => {
    const before = manager();
    before.showMain();
    before.open({ kind: 'supervisor', board: 'queues' });
    before.open({ kind: 'conversation', id: 'conversation:01HX' });
    fake(before.open({ kind: 'supervisor', board: 'agents' })).close(); // closed by the user: forgotten
    before.prepareToQuit();
    for (const window of [...FakeBrowserWindow.instances]) if (!window.destroyed) window.close();

    FakeBrowserWindow.instances = [];
    manager().restorePopOuts();
    expect(FakeBrowserWindow.instances.map((w) => w.webContents.url)).toEqual([
      'app://atende/index.html#/supervisor/queues',
      'app://atende/index.html#/conversation/conversation%3A01HX',
    ]);
  });
  it('remembers bounds per window kind', () => {
    const before = manager();
    const main = fake(before.showMain());
    main.bounds = { x: 40, y: 30, width: 1000, height: 700 };
    const board = fake(before.open({ kind: 'supervisor', board: 'agents' }));
    board.bounds = { x: 300, y: 200, width: 900, height: 600 };
    before.prepareToQuit();
    main.close();
    board.close();

    const after = manager();
    expect(fake(after.showMain()).bounds).toEqual({ x: 40, y: 30, width: 1000, height: 700 });
    expect(fake(after.open({ kind: 'supervisor', board: 'queues' })).bounds).toEqual({ x: 300, y: 200, width: 900, height: 600 });
  });
  it('clamps remembered bounds that are off every screen', () => {
    writeFileSync(stateFile, JSON.stringify({ bounds: { main: { x: 5000, y: 3000, width: 1000, height: 700, displayId: 9 } }, open: [] }));
    screenState.displays = [{ id: 1, workArea: { x: 0, y: 0, width: 1366, height: 728 }, bounds: { x: 0, y: 0, width: 1366, height: 768 } }];
    const main = fake(manager().showMain());
    expect(main.bounds.x).toBeGreaterThanOrEqual(0);
    expect(main.bounds.x + main.bounds.width).toBeLessThanOrEqual(1366);
    expect(main.bounds.y + main.bounds.height).toBeLessThanOrEqual(728);
  });
  it('survives a corrupt or tampered state file', () => {
    writeFileSync(stateFile, '{ nope');
    expect(() => manager().restorePopOuts()).not.toThrow();
    writeFileSync(stateFile, JSON.stringify({ open: [{ kind: 'conversation', id: '../../x' }, { kind: 'devtools' }, { kind: 'supervisor', board: 'agents' }] }));
    manager().restorePopOuts();
    expect(FakeBrowserWindow.instances.map((w) => w.webContents.url)).toEqual(['app://atende/index.html#/supervisor/agents']);
  });
  it('delivers events only once the page has loaded', () => {
    const windows = manager();
    const main = fake(windows.showMain());
    main.webContents.loading = true;
    windows.send('main', 'atende:navigate', { kind: 'conversation', id: 'conversation:1' });
    expect(main.webContents.sent).toEqual([]);
    main.webContents.loading = false;
    main.webContents.emit('did-finish-load');
    expect(main.webContents.sent).toEqual([['atende:navigate', { kind: 'conversation', id: 'conversation:1' }]]);
    windows.open({ kind: 'supervisor', board: 'agents' });
    windows.send('all', 'atende:update-status', { state: 'idle' });
    expect(FakeBrowserWindow.instances.map((w) => w.webContents.sent.at(-1))).toEqual([
      ['atende:update-status', { state: 'idle' }],
      ['atende:update-status', { state: 'idle' }],
    ]);
  });
});
