import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

/**
 * A small stand-in for the `electron` module (no Electron binary exists on the build machines):
 * just the objects the main-process modules touch, recording what they were asked to do.
 * Test files install it with
 *   vi.mock('electron', async () => (await import('./fakes/electron')).electron);
 * and call `resetElectron()` before each test.
 */
export class FakeEvent {
  defaultPrevented = false;
  constructor(readonly url = '') {}
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class FakeWebContents extends EventEmitter {
  url = '';
  loading = false;
  destroyed = false;
  readonly sent: Array<[string, unknown]> = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  getURL(): string {
    return this.url;
  }
  isLoading(): boolean {
    return this.loading;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload]);
  }
  // Issue 17 (guards): the session a web contents answers permissions with, and DevTools closing.
  session: typeof fakeSession = fakeSession;
  devToolsClosed = 0;
  closeDevTools(): void {
    this.devToolsClosed += 1;
  }
  // Issue 17 (recovery, context menu): ids per web contents, reloads, a killed renderer, spelling.
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  reloads = 0;
  crashedByShell = 0;
  readonly replaced: string[] = [];
  reload(): void {
    this.reloads += 1;
  }
  forcefullyCrashRenderer(): void {
    this.crashedByShell += 1;
  }
  replaceMisspelling(word: string): void {
    this.replaced.push(word);
  }
  /** Fires a navigation event the way Electron does; true when the handler blocked it. */
  navigate(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', url: string): boolean {
    const details = new FakeEvent(url);
    this.emit(event, details);
    return details.defaultPrevented;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  bounds: Rect;
  visible = false;
  minimized = false;
  maximized = false;
  destroyed = false;
  focused = false;
  overlay: { image: unknown; description: string } | undefined;
  constructor(readonly options: Record<string, unknown> & Partial<Rect>) {
    super();
    this.bounds = { x: options.x ?? 0, y: options.y ?? 0, width: options.width ?? 800, height: options.height ?? 600 };
    FakeBrowserWindow.instances.push(this);
    // Issue 17 (guards): as in Electron, the app hears of every new web contents, windows' included.
    app.emit('web-contents-created', new FakeEvent(), this.webContents);
  }
  loadURL(url: string): Promise<void> {
    this.webContents.url = url;
    return Promise.resolve();
  }
  getNormalBounds(): Rect {
    return { ...this.bounds };
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  maximize(): void {
    this.maximized = true;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    this.focused = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setOverlayIcon(image: unknown, description: string): void {
    this.overlay = { image, description };
  }
  /** Closes as Electron does: 'close' may be prevented; otherwise 'closed' follows. */
  close(): void {
    const event = new FakeEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

export interface FakeDisplay {
  id: number;
  workArea: Rect;
  bounds: Rect;
}

const primaryDisplay: FakeDisplay = { id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1040 }, bounds: { x: 0, y: 0, width: 1920, height: 1080 } };
export const screenState: { displays: FakeDisplay[] } = { displays: [primaryDisplay] };

export class FakeNotification extends EventEmitter {
  static instances: FakeNotification[] = [];
  static supported = true;
  static isSupported(): boolean {
    return FakeNotification.supported;
  }
  shown = false;
  constructor(readonly options: { title: string; body: string }) {
    super();
    FakeNotification.instances.push(this);
  }
  show(): void {
    this.shown = true;
  }
}

export class FakeTray extends EventEmitter {
  static instances: FakeTray[] = [];
  tooltip = '';
  title = '';
  menu: unknown;
  destroyed = false;
  constructor(readonly image: unknown) {
    super();
    FakeTray.instances.push(this);
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setTitle(text: string): void {
    this.title = text;
  }
  setContextMenu(menu: unknown): void {
    this.menu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

class FakeImage {
  readonly representations: Array<{ scaleFactor: number; width: number; height: number }> = [];
  template = false;
  addRepresentation(options: { scaleFactor: number; width: number; height: number }): void {
    this.representations.push({ scaleFactor: options.scaleFactor, width: options.width, height: options.height });
  }
  setTemplateImage(value: boolean): void {
    this.template = value;
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  paths: Record<string, string> = { userData: '/tmp/atende-test-user', appData: '/tmp/atende-test-appdata' };
  requestSingleInstanceLock = vi.fn(() => true);
  quit = vi.fn();
  whenReady = vi.fn(() => Promise.resolve());
  getPath = vi.fn((name: string) => this.paths[name] ?? `/tmp/${name}`);
  setPath = vi.fn((name: string, value: string) => {
    this.paths[name] = value;
  });
  setName = vi.fn();
  getAppPath = vi.fn(() => '/app');
  getVersion = vi.fn(() => '1.2.3');
  setAsDefaultProtocolClient = vi.fn(() => true);
  setBadgeCount = vi.fn(() => true);
  setAppUserModelId = vi.fn();
  readonly switches = new Set<string>();
  commandLine = { hasSwitch: vi.fn((name: string) => this.switches.has(name)) };
  // Issue 17 (guards): the sandbox switch and a refused start.
  enableSandbox = vi.fn();
  exit = vi.fn();
}

export const app = new FakeApp();
export const protocol = { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() };
export const fakeSession = {
  setPermissionRequestHandler: vi.fn(),
  setPermissionCheckHandler: vi.fn(),
  setDevicePermissionHandler: vi.fn(),
};
// Issue 17 (spellcheck.ts): the spellchecker settings of the default session, as Chromium lists them.
export const spellcheckState: { languages: string[]; downloadUrl: string | undefined; learned: string[] } = { languages: [], downloadUrl: undefined, learned: [] };
Object.assign(fakeSession, {
  availableSpellCheckerLanguages: ['en-GB', 'en-US', 'es', 'es-419', 'es-ES', 'pt-BR', 'pt-PT'],
  setSpellCheckerDictionaryDownloadURL: vi.fn((url: string) => {
    spellcheckState.downloadUrl = url;
  }),
  setSpellCheckerLanguages: vi.fn((languages: string[]) => {
    spellcheckState.languages = [...languages];
  }),
  addWordToSpellCheckerDictionary: vi.fn((word: string) => {
    spellcheckState.learned.push(word);
    return true;
  }),
});
// Issue 17 (power.ts): suspend/resume, lock/unlock and shutdown, emitted by the tests.
export const powerMonitor = new EventEmitter();
export const shell = { openExternal: vi.fn(() => Promise.resolve()) };
export const safeStorageState = { available: true, backend: 'gnome_libsecret' };
export const safeStorage = {
  isEncryptionAvailable: vi.fn(() => safeStorageState.available),
  getSelectedStorageBackend: vi.fn(() => safeStorageState.backend),
  // A reversible stand-in for the OS cipher, visibly not the plain text.
  encryptString: vi.fn((text: string) => Buffer.from(`sealed:${Buffer.from(text).toString('base64')}`)),
  decryptString: vi.fn((sealed: Buffer) => {
    const text = sealed.toString();
    if (!text.startsWith('sealed:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return Buffer.from(text.slice('sealed:'.length), 'base64').toString();
  }),
};
export const dialog = { showMessageBox: vi.fn(() => Promise.resolve({ response: 0 })), showErrorBox: vi.fn() };
export const ipcMain = { handle: vi.fn() };
export const ipcRenderer = { invoke: vi.fn(() => Promise.resolve()), on: vi.fn(), removeListener: vi.fn() };
export const contextBridge = { exposeInMainWorld: vi.fn() };

export const electron = {
  app,
  BrowserWindow: FakeBrowserWindow,
  Notification: FakeNotification,
  Tray: FakeTray,
  Menu: { buildFromTemplate: vi.fn((template: unknown[]) => ({ template })), setApplicationMenu: vi.fn() },
  nativeImage: { createEmpty: () => new FakeImage() },
  protocol,
  session: { defaultSession: fakeSession },
  shell,
  screen: {
    getAllDisplays: () => screenState.displays,
    getPrimaryDisplay: () => screenState.displays[0] ?? primaryDisplay,
    getDisplayMatching: () => screenState.displays[0] ?? primaryDisplay,
  },
  safeStorage,
  powerMonitor,
  dialog,
  ipcMain,
  ipcRenderer,
  contextBridge,
};

export function resetElectron(): void {
  vi.clearAllMocks();
  FakeBrowserWindow.instances = [];
  FakeNotification.instances = [];
  FakeNotification.supported = true;
  FakeTray.instances = [];
  screenState.displays = [primaryDisplay];
  safeStorageState.available = true;
  safeStorageState.backend = 'gnome_libsecret';
  app.isPackaged = false;
  app.switches.clear();
  app.removeAllListeners();
  app.paths = { userData: '/tmp/atende-test-user', appData: '/tmp/atende-test-appdata' };
  // Issue 17 (recovery and comfort).
  powerMonitor.removeAllListeners();
  spellcheckState.languages = [];
  spellcheckState.downloadUrl = undefined;
  spellcheckState.learned = [];
}
