import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserWindow } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { app, dialog, FakeBrowserWindow, powerMonitor, resetElectron } from './fakes/electron';
import { sessionEndHandler, watchPower } from '../src/main/power';
import { CRASH_PERIOD_MS, createRecovery, type Recovery } from '../src/main/recovery';
import { shellStrings } from '../src/main/strings';
import { createWindowManager } from '../src/main/windows';

vi.mock('electron', async () => (await import('./fakes/electron')).electron);

/** The crash/hang recovery of issue 17 point 5, with the clock under the test's control. */
let clock: number;
let recovery: Recovery;
const strings = () => shellStrings('en');
const asWindow = (window: FakeBrowserWindow) => window as unknown as BrowserWindow;

function watched(): FakeBrowserWindow {
  const window = new FakeBrowserWindow({});
  recovery.watch(asWindow(window));
  return window;
}
const crash = (window: FakeBrowserWindow, reason = 'crashed') => window.webContents.emit('render-process-gone', {}, { reason, exitCode: 1 });
/** Lets the dialog's promise and what follows it run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const answer = (response: number) => dialog.showMessageBox.mockImplementationOnce(() => Promise.resolve({ response }));

beforeEach(() => {
  resetElectron();
  // The shell logs each crash for IT; the tests read what it did instead.
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  clock = 1_000_000;
  recovery = createRecovery({ strings, now: () => clock });
});

describe('issue 17 point 5: a crashed window reloads from the local store and says so', () => {
  it('issue 17 a crash reloads the window, and its page gets the notice once', () => {
    const window = watched();
    crash(window);
    expect(window.webContents.reloads).toBe(1);
    expect(recovery.takeNotice(window.webContents.id)).toEqual({ reason: 'crashed', at: clock });
    expect(recovery.takeNotice(window.webContents.id)).toBeNull();
  });

  it('issue 17 the notice belongs to the window that crashed, not to the others', () => {
    const crashed = watched();
    const other = watched();
    crash(crashed, 'oom');
    expect(other.webContents.reloads).toBe(0);
    expect(recovery.takeNotice(other.webContents.id)).toBeNull();
    expect(recovery.takeNotice(crashed.webContents.id)?.reason).toBe('crashed');
  });

  it('issue 17 a clean exit of the page (the window closing) is not a crash: no reload, no notice', () => {
    const window = watched();
    crash(window, 'clean-exit');
    expect(window.webContents.reloads).toBe(0);
    expect(recovery.takeNotice(window.webContents.id)).toBeNull();
  });

  it('issue 17 a crash loop (3 within a minute) stops reloading and shows an error dialog', async () => {
    const window = watched();
    answer(1);
    crash(window);
    clock += 10_000;
    crash(window);
    clock += 10_000;
    crash(window, 'killed');
    expect(window.webContents.reloads).toBe(2);
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(1);
    expect(dialog.showMessageBox).toHaveBeenCalledWith(window, expect.objectContaining({ type: 'error', message: strings().crashLoopTitle }));
    await settle();
    // "Quit" was chosen.
    expect(app.quit).toHaveBeenCalled();
    expect(window.webContents.reloads).toBe(2);
  });

  it('issue 17 after a crash loop, "Try again" reloads once more and starts counting afresh', async () => {
    const window = watched();
    answer(0);
    for (let i = 0; i < 3; i += 1) crash(window);
    await settle();
    expect(window.webContents.reloads).toBe(3);
    expect(app.quit).not.toHaveBeenCalled();
    crash(window);
    expect(window.webContents.reloads).toBe(4);
  });

  it('issue 17 crashes further apart than a minute are not a loop', () => {
    const window = watched();
    for (let i = 0; i < 5; i += 1) {
      crash(window);
      clock += CRASH_PERIOD_MS / 2 + 1;
    }
    expect(window.webContents.reloads).toBe(5);
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
  });
});

describe('issue 17 point 5: an unresponsive window offers to wait or reload', () => {
  it('issue 17 "Wait" leaves the page alone', async () => {
    const window = watched();
    answer(0);
    window.emit('unresponsive');
    expect(dialog.showMessageBox).toHaveBeenCalledWith(window, expect.objectContaining({ type: 'warning', buttons: ['Wait', 'Reload'] }));
    await settle();
    expect(window.webContents.reloads).toBe(0);
    expect(window.webContents.crashedByShell).toBe(0);
    expect(recovery.takeNotice(window.webContents.id)).toBeNull();
  });

  it('issue 17 "Reload" kills the hung page, reloads it and leaves an "unresponsive" notice; the kill is not counted as a crash', async () => {
    const window = watched();
    answer(1);
    window.emit('unresponsive');
    await settle();
    expect(window.webContents.crashedByShell).toBe(1);
    expect(window.webContents.reloads).toBe(1);
    crash(window, 'killed');
    expect(window.webContents.reloads).toBe(1);
    expect(recovery.takeNotice(window.webContents.id)).toEqual({ reason: 'unresponsive', at: clock });
  });

  it('issue 17 asks once while the question is open, and the page coming back closes it unanswered', async () => {
    const window = watched();
    let signal: AbortSignal | undefined;
    let close: (value: { response: number }) => void = () => undefined;
    dialog.showMessageBox.mockImplementationOnce((...args: unknown[]) => {
      signal = (args[1] as { signal: AbortSignal }).signal;
      return new Promise((resolve) => (close = resolve));
    });
    window.emit('unresponsive');
    window.emit('unresponsive');
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(1);
    window.emit('responsive');
    expect(signal?.aborted).toBe(true);
    // Electron answers an aborted box as if cancelled; even a late "Reload" must not act.
    close({ response: 1 });
    await settle();
    expect(window.webContents.reloads).toBe(0);
    answer(0);
    window.emit('unresponsive');
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(2);
  });
});

describe('R-NET-02 / issue 17 point 5: sleep, lock and the end of the session', () => {
  it('R-NET-02 resume and unlock-screen tell every window at once; suspend does nothing', () => {
    const broadcast = vi.fn();
    let now = 42;
    watchPower({ broadcast, now: () => now });
    powerMonitor.emit('suspend');
    expect(broadcast).not.toHaveBeenCalled();
    powerMonitor.emit('resume');
    now = 43;
    powerMonitor.emit('unlock-screen');
    expect(broadcast.mock.calls).toEqual([[{ at: 42 }], [{ at: 43 }]]);
  });

  it('R-NET-02 the resumed event reaches every window of the window manager', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'atende-power-'));
    try {
      const manager = createWindowManager({ stateFile: path.join(dir, 'windows.json'), preload: '/app/preload.cjs' });
      manager.showMain();
      manager.open({ kind: 'supervisor', board: 'queues' });
      watchPower({ broadcast: (payload) => manager.send('all', 'atende:resumed', payload), now: () => 7 });
      powerMonitor.emit('resume');
      expect(FakeBrowserWindow.instances.map((w) => w.webContents.sent)).toEqual([[['atende:resumed', { at: 7 }]], [['atende:resumed', { at: 7 }]]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('issue 17 Windows session end saves the window state (bounds, open pop-outs) and quits', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'atende-session-end-'));
    try {
      const stateFile = path.join(dir, 'windows.json');
      const manager = createWindowManager({ stateFile, preload: '/app/preload.cjs' });
      const hook = sessionEndHandler({ prepareToQuit: () => manager.prepareToQuit(), windows: () => manager.all(), quit: () => app.quit() });
      const main = manager.showMain() as unknown as FakeBrowserWindow;
      const board = manager.open({ kind: 'supervisor', board: 'agents' }) as unknown as FakeBrowserWindow;
      for (const window of [main, board]) hook(asWindow(window));
      main.bounds = { x: 10, y: 20, width: 1000, height: 700 };

      main.emit('session-end', { reasons: ['logoff'] });
      board.emit('session-end', { reasons: ['logoff'] });

      expect(app.quit).toHaveBeenCalledTimes(1);
      expect(main.destroyed && board.destroyed).toBe(true);
      const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { bounds: Record<string, unknown>; open: unknown[] };
      expect(saved.bounds.main).toMatchObject({ x: 10, y: 20, width: 1000, height: 700 });
      expect(saved.open).toEqual([{ kind: 'supervisor', board: 'agents' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('issue 17 a Linux/macOS shutdown ends the app the same way', () => {
    const prepareToQuit = vi.fn();
    sessionEndHandler({ prepareToQuit, windows: () => [], quit: () => app.quit() });
    powerMonitor.emit('shutdown');
    expect(prepareToQuit).toHaveBeenCalled();
    expect(app.quit).toHaveBeenCalledTimes(1);
  });
});
