import type { WebContents } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { app, FakeEvent, FakeWebContents, resetElectron, shell, type FakeBrowserWindow, type fakeSession } from './fakes/electron';
import { DEBUGGING_SWITCHES, debuggingSwitches, guardWebContents, installAppGuards } from '../src/main/guards';
import { createHardenedWindow, secureWebPreferences } from '../src/main/security';

vi.mock('electron', async () => (await import('./fakes/electron')).electron);

beforeEach(resetElectron);

/** A web contents made by something other than createHardenedWindow, announced as Electron does. */
function strayContents(session = freshSession()): FakeWebContents {
  const contents = new FakeWebContents();
  contents.session = session as unknown as typeof fakeSession;
  app.emit('web-contents-created', new FakeEvent(), contents);
  return contents;
}
function freshSession() {
  return { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn(), setDevicePermissionHandler: vi.fn() };
}
function start(options: { packaged?: boolean; argv?: string[]; switches?: string[]; platform?: NodeJS.Platform } = {}) {
  app.isPackaged = options.packaged ?? true;
  for (const name of options.switches ?? []) app.switches.add(name);
  const errors: string[] = [];
  const allowed = installAppGuards({ argv: options.argv ?? ['/opt/Atende/atende'], platform: options.platform ?? 'linux', writeError: (text) => errors.push(text) });
  return { allowed, errors };
}

describe('R-DT-01 issue 17: debugging switches in an installed build', () => {
  it.each(DEBUGGING_SWITCHES)('--%s on the command line: the start is refused with code 1, on stderr', (name) => {
    const { allowed, errors } = start({ argv: ['/opt/Atende/atende', `--${name}=9229`] });
    expect(allowed).toBe(false);
    expect(app.exit).toHaveBeenCalledWith(1);
    expect(errors.join('')).toContain(`--${name}`);
    // Nothing else was armed: the caller creates no window and no IPC.
    expect(app.enableSandbox).not.toHaveBeenCalled();
    expect(app.listenerCount('web-contents-created')).toBe(0);
  });
  it.each(DEBUGGING_SWITCHES)('--%s seen only by Chromium (app.commandLine.hasSwitch) is refused too', (name) => {
    expect(start({ switches: [name] }).allowed).toBe(false);
    expect(app.exit).toHaveBeenCalledWith(1);
  });
  it('recognises the spellings Chromium accepts: bare, -single-dash, /slash on Windows, any case there', () => {
    const seen = (argv: string[], platform: NodeJS.Platform = 'linux') => debuggingSwitches(argv, () => false, platform);
    expect(seen(['--inspect'])).toEqual(['inspect']);
    expect(seen(['-remote-debugging-port=9222'])).toEqual(['remote-debugging-port']);
    expect(seen(['--js-flags=--expose-gc --allow-natives-syntax'])).toEqual(['js-flags']);
    expect(seen(['/Remote-Debugging-Port=9222'], 'win32')).toEqual(['remote-debugging-port']);
    // Not switches: a path on Linux, a deep link, look-alike names.
    expect(seen(['/inspect', 'atende://conversation/1', '--inspector', '--no-inspect', '--lang=pt-BR'])).toEqual([]);
  });
  it('lets an installed build without such switches start', () => {
    const { allowed, errors } = start({ argv: ['/opt/Atende/atende', '--lang=pt-BR', 'atende://conversation/7'] });
    expect(allowed).toBe(true);
    expect(app.exit).not.toHaveBeenCalled();
    expect(errors).toEqual([]);
  });
  it.each(DEBUGGING_SWITCHES)('a development run keeps --%s (developers debug)', (name) => {
    const { allowed } = start({ packaged: false, argv: ['electron', 'dist/main.js', `--${name}`], switches: [name] });
    expect(allowed).toBe(true);
    expect(app.exit).not.toHaveBeenCalled();
  });
});

describe('R-DT-01 issue 17: the sandbox for every renderer', () => {
  it('calls app.enableSandbox once the start is allowed', () => {
    start();
    expect(app.enableSandbox).toHaveBeenCalledTimes(1);
  });
});

describe('R-DT-01 issue 17: every web contents is guarded, not only our windows', () => {
  it('a web contents made by anything else keeps navigation in the app', () => {
    start();
    const contents = strayContents();
    expect(contents.navigate('will-navigate', 'app://atende/index.html#/queue')).toBe(false);
    expect(contents.navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(shell.openExternal).toHaveBeenCalledWith('https://evil.example/');
    expect(contents.navigate('will-redirect', 'https://evil.example/')).toBe(true);
    expect(contents.navigate('will-frame-navigate', 'file:///etc/passwd')).toBe(true);
  });
  it('…cannot open windows, and hands only http(s) to the browser', () => {
    start();
    const contents = strayContents();
    expect(contents.windowOpenHandler?.({ url: 'app://atende/index.html' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'smb://host/share' })).toEqual({ action: 'deny' });
    expect(shell.openExternal).not.toHaveBeenCalled();
  });
  it('…cannot attach a <webview>', () => {
    start();
    const event = new FakeEvent();
    strayContents().emit('will-attach-webview', event);
    expect(event.defaultPrevented).toBe(true);
  });
  it('…answers permissions in its own session with the allow-list (notifications for the app only)', () => {
    start();
    const session = freshSession();
    strayContents(session);
    const check = session.setPermissionCheckHandler.mock.calls[0]?.[0] as ((c: unknown, p: string, origin: string) => boolean) | undefined;
    expect(check?.(null, 'notifications', 'app://atende')).toBe(true);
    expect(check?.(null, 'notifications', 'https://evil.example')).toBe(false);
    expect(check?.(null, 'media', 'app://atende')).toBe(false);
    const device = session.setDevicePermissionHandler.mock.calls[0]?.[0] as (() => boolean) | undefined;
    expect(device?.()).toBe(false);
  });
  it('a window from createHardenedWindow gets the rules once, so a link opens in the browser once', () => {
    start();
    const window = createHardenedWindow({ width: 800, height: 600 }, '/p.cjs') as unknown as FakeBrowserWindow;
    expect(window.webContents.listenerCount('will-navigate')).toBe(1);
    window.webContents.navigate('will-navigate', 'https://example.com/help');
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
  });
  it('without the app-wide guard, a stray web contents would have had no rules (the test can fail)', () => {
    const contents = new FakeWebContents();
    app.emit('web-contents-created', new FakeEvent(), contents);
    expect(contents.navigate('will-navigate', 'https://evil.example/')).toBe(false);
  });
});

describe('R-DT-01 issue 17: DevTools only in development', () => {
  it('installed builds: devTools false in the web preferences of every window', () => {
    expect(secureWebPreferences('/p.cjs', true).devTools).toBe(false);
    app.isPackaged = true;
    const window = createHardenedWindow({}, '/p.cjs') as unknown as FakeBrowserWindow;
    expect((window.options.webPreferences as { devTools?: boolean }).devTools).toBe(false);
  });
  it('development runs keep DevTools', () => {
    expect(secureWebPreferences('/p.cjs', false).devTools).toBe(true);
    app.isPackaged = false;
    const window = createHardenedWindow({}, '/p.cjs') as unknown as FakeBrowserWindow;
    expect((window.options.webPreferences as { devTools?: boolean }).devTools).toBe(true);
  });
  it('an installed build closes DevTools opened on any web contents; a development run leaves them', () => {
    const packaged = new FakeWebContents();
    guardWebContents(packaged as unknown as WebContents, true);
    packaged.emit('devtools-opened');
    expect(packaged.devToolsClosed).toBe(1);
    const dev = new FakeWebContents();
    guardWebContents(dev as unknown as WebContents, false);
    dev.emit('devtools-opened');
    expect(dev.devToolsClosed).toBe(0);
  });
});
