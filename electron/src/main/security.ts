import { app, BrowserWindow, shell, type BrowserWindowConstructorOptions, type WebContents, type WebPreferences } from 'electron';
import { isAppUrl, parseUrl } from './origin';

/**
 * Window hardening in one place (R-DT-01, STYLE: Signal's handleCommonWindowEvents). Every window
 * of the app is created by `createHardenedWindow`, so none can be made with weaker settings.
 */

/**
 * The renderer is web content: no Node, isolated from the preload, sandboxed like a browser tab.
 * Installed builds have no DevTools (issue 17): from DevTools anyone at the keyboard could call
 * `window.atende.loadRefreshToken()`. Development keeps them.
 */
export function secureWebPreferences(preload: string, isPackaged: boolean = app.isPackaged): WebPreferences {
  return {
    preload,
    devTools: !isPackaged,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    // A page that loops on alert() cannot lock the agent out of the window.
    safeDialogs: true,
  };
}

const MAX_EXTERNAL_URL = 2048;

/**
 * Only web pages leave the app, and only to the user's browser: `file:`, `smb:`, custom protocol
 * handlers and the like could run programs, and credentials in a URL are a phishing trick.
 */
export function isSafeExternalUrl(raw: string): boolean {
  if (raw.length > MAX_EXTERNAL_URL) return false;
  const url = parseUrl(raw);
  if (!url) return false;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return url.hostname !== '' && url.username === '' && url.password === '';
}

/** Opens a validated http(s) link in the default browser; anything else is dropped. */
export function openExternalSafely(raw: string): boolean {
  if (!isSafeExternalUrl(raw)) return false;
  // The normalised form, not the raw string the page gave us.
  const href = new URL(raw).href;
  shell.openExternal(href).catch(() => undefined);
  return true;
}

/** Web contents already guarded: the window path and the app-wide path may both reach one. */
const guarded = new WeakSet<WebContents>();

/**
 * Navigation stays inside the app; a link to a web page opens in the browser; new windows are
 * never created by the page (the app opens its own windows through the bridge); no <webview>.
 * The one implementation for every web contents: `createHardenedWindow` calls it for its window
 * and `guards.ts` for any other (issue 17). Installing twice is a no-op, so a link is never
 * opened twice.
 */
export function handleCommonWindowEvents(contents: WebContents): void {
  if (guarded.has(contents)) return;
  guarded.add(contents);
  contents.on('will-navigate', (event) => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
    openExternalSafely(event.url);
  });
  // Frames and redirects are never user clicks: block them without opening anything.
  contents.on('will-frame-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url);
    return { action: 'deny' };
  });
}

export type WindowOptions = Omit<BrowserWindowConstructorOptions, 'webPreferences'>;

/** The only way the app creates a window. */
export function createHardenedWindow(options: WindowOptions, preload: string): BrowserWindow {
  const window = new BrowserWindow({ ...options, webPreferences: secureWebPreferences(preload) });
  handleCommonWindowEvents(window.webContents);
  return window;
}
