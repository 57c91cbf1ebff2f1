import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WebContents } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeWebContents, resetElectron, shell, type FakeBrowserWindow } from './fakes/electron';
import {
  createHardenedWindow,
  handleCommonWindowEvents,
  isSafeExternalUrl,
  secureWebPreferences,
} from '../src/main/security';

vi.mock('electron', async () => (await import('./fakes/electron')).electron);

function hardened(): FakeWebContents {
  const contents = new FakeWebContents();
  handleCommonWindowEvents(contents as unknown as WebContents);
  return contents;
}

beforeEach(resetElectron);

describe('R-DT-01 web preferences of every window', () => {
  const preferences = secureWebPreferences('/app/dist/preload.cjs');

  it('isolates the page from the preload (contextIsolation)', () => {
    expect(preferences.contextIsolation).toBe(true);
  });
  it('sandboxes the renderer', () => {
    expect(preferences.sandbox).toBe(true);
  });
  it('gives the page no Node, not in workers nor in frames', () => {
    expect(preferences.nodeIntegration).toBe(false);
    expect(preferences.nodeIntegrationInWorker).toBe(false);
    expect(preferences.nodeIntegrationInSubFrames).toBe(false);
  });
  it('keeps web security (same-origin policy) on and refuses insecure content', () => {
    expect(preferences.webSecurity).toBe(true);
    expect(preferences.allowRunningInsecureContent).toBe(false);
  });
  it('allows no <webview>', () => {
    expect(preferences.webviewTag).toBe(false);
  });
  it('loads the bundled preload', () => {
    expect(preferences.preload).toBe('/app/dist/preload.cjs');
  });
  it('createHardenedWindow always applies them and cannot be given others', () => {
    const window = createHardenedWindow({ width: 800, height: 600 }, '/p.cjs') as unknown as FakeBrowserWindow;
    expect(window.options.webPreferences).toEqual(secureWebPreferences('/p.cjs'));
    // …and the navigation guards are installed on it.
    expect(window.webContents.windowOpenHandler).toBeTypeOf('function');
    expect(window.webContents.listenerCount('will-navigate')).toBe(1);
  });
  it('is the only BrowserWindow constructor call in the main process', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const dir = new URL('../src/main/', import.meta.url);
    const offenders: string[] = [];
    // Sub-folders too (policy/ and whatever comes next).
    for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const name = path.relative(fileURLToPath(dir), path.join(entry.parentPath, entry.name));
      const text = await readFile(path.join(entry.parentPath, entry.name), 'utf8');
      if (/new BrowserWindow\(/.test(text) && name !== 'security.ts') offenders.push(name);
    }
    expect(offenders).toEqual([]);
  });
});

describe('R-DT-01 navigation stays in the app', () => {
  it('allows navigation inside app://atende', () => {
    const contents = hardened();
    expect(contents.navigate('will-navigate', 'app://atende/index.html#/supervisor/agents')).toBe(false);
    expect(contents.navigate('will-redirect', 'app://atende/index.html')).toBe(false);
  });
  it('blocks navigation to the web and opens http(s) pages in the browser instead', () => {
    const contents = hardened();
    expect(contents.navigate('will-navigate', 'https://example.com/help')).toBe(true);
    expect(shell.openExternal).toHaveBeenCalledWith('https://example.com/help');
  });
  it('blocks other origins that look like the app', () => {
    const contents = hardened();
    for (const url of ['app://evil/index.html', 'app://atende:81/index.html', 'app://user@atende/', 'file:///etc/passwd']) {
      expect(contents.navigate('will-navigate', url)).toBe(true);
    }
    expect(shell.openExternal).not.toHaveBeenCalled();
  });
  it('blocks redirects and frame navigations away from the app without opening anything', () => {
    const contents = hardened();
    expect(contents.navigate('will-redirect', 'https://example.com/')).toBe(true);
    expect(contents.navigate('will-frame-navigate', 'https://example.com/')).toBe(true);
    expect(shell.openExternal).not.toHaveBeenCalled();
  });
  it('refuses <webview> attachment', () => {
    const contents = hardened();
    const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    contents.emit('will-attach-webview', event);
    expect(event.defaultPrevented).toBe(true);
  });
});

describe('R-DT-01 new windows are denied', () => {
  it('denies window.open of the app itself', () => {
    const contents = hardened();
    expect(contents.windowOpenHandler?.({ url: 'app://atende/index.html' })).toEqual({ action: 'deny' });
    expect(shell.openExternal).not.toHaveBeenCalled();
  });
  it('denies an http(s) link but opens it in the browser', () => {
    const contents = hardened();
    expect(contents.windowOpenHandler?.({ url: 'http://example.com/a?b=1' })).toEqual({ action: 'deny' });
    expect(shell.openExternal).toHaveBeenCalledWith('http://example.com/a?b=1');
  });
  it('never hands non-http schemes to the OS', () => {
    const contents = hardened();
    for (const url of ['file:///C:/Windows/System32/calc.exe', 'smb://host/share', 'javascript:alert(1)', 'ms-msdt:/id', 'mailto:a@b.c', 'data:text/html,x']) {
      expect(contents.windowOpenHandler?.({ url })).toEqual({ action: 'deny' });
    }
    expect(shell.openExternal).not.toHaveBeenCalled();
  });
});

describe('R-DT-01 isSafeExternalUrl', () => {
  it.each(['https://example.com', 'http://example.com:8080/path?q=1#x'])('accepts %s', (url) => {
    expect(isSafeExternalUrl(url)).toBe(true);
  });
  it.each(['file:///etc/passwd', 'ftp://example.com', 'not a url', 'https://user:pw@example.com/', 'app://atende/', `https://example.com/${'a'.repeat(3000)}`])(
    'refuses %s',
    (url) => {
      expect(isSafeExternalUrl(url)).toBe(false);
    },
  );
  it('is not tricked by letter case or spaces in the scheme', () => {
    expect(isSafeExternalUrl('HTTPS://example.com')).toBe(true);
    expect(isSafeExternalUrl(' javascript:alert(1)')).toBe(false);
  });
});
