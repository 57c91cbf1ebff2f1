import path from 'node:path';
import { app, dialog, ipcMain, session } from 'electron';
import { installAppMenu } from './appMenu';
import { autoUpdater } from 'electron-updater';
import type { DeepLinkTarget } from '@atende/protocol';
import { findRendererDir, registerAppScheme, rendererDirCandidates, serveAppScheme } from './appScheme';
import { bridgeHandlers } from './bridgeHandlers';
import { createConfigStore, machineConfigPath, reportConfigProblems, userConfigPath } from './config';
import { DEEP_LINK_SCHEME, findDeepLink, parseDeepLink } from './deepLinks';
import { registerIpcHandlers } from './ipc';
import { createNotifier } from './notifications';
import { installPermissionHandlers } from './permissions';
import { shellStrings } from './strings';
import { loadRefreshToken, refreshTokenPath, storeRefreshToken } from './tokens';
import { createTray, type AppTray } from './tray';
import { createUpdates } from './updates';
import { createWindowManager, type WindowManager } from './windows';

/**
 * Bootstrap of the desktop shell. It wires modules together and talks to the OS; the rules of the
 * product live in the renderer and the server. Order matters where Chromium demands it: userData
 * and the privileged scheme before `ready`, the single-instance lock before anything visible.
 */

/** Windows ties notifications and taskbar grouping to this id; it must equal the installer's appId. */
export const APP_USER_MODEL_ID = 'com.atende.desktop';

// A development run (`electron electron/dist/main.js`) would otherwise be called "Electron" and share
// its profile; it also must not share the installed app's profile, where the single-instance lock
// lives, or starting one would only focus the other. An explicit --user-data-dir (tests, a second
// developer instance) wins.
if (!app.isPackaged) {
  app.setName('Atende');
  if (!app.commandLine.hasSwitch('user-data-dir')) app.setPath('userData', path.join(app.getPath('appData'), 'Atende-dev'));
}
registerAppScheme();

let windows: WindowManager | undefined;
let tray: AppTray | undefined;
let pendingLink: DeepLinkTarget | undefined;

/** Shows the conversation or contact a deep link names (queued until the main window exists). */
function openLink(target: DeepLinkTarget): void {
  if (!windows) {
    pendingLink = target;
    return;
  }
  windows.showMain();
  windows.send('main', 'atende:navigate', target);
}

function registerProtocolClient(): void {
  // Unpackaged, the OS must start Electron with our script as its argument.
  if (process.defaultApp && process.argv[1] !== undefined) {
    app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, process.execPath, [path.resolve(process.argv[1])]);
  } else {
    app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  }
}

async function ready(): Promise<void> {
  if (app.isPackaged) installAppMenu(process.platform);
  const userData = app.getPath('userData');
  const config = createConfigStore({
    machineFile: machineConfigPath(process.platform, process.env),
    userFile: userConfigPath(userData),
    isPackaged: app.isPackaged,
    env: process.env,
  });
  const initial = await config.load();
  const strings = () => shellStrings(config.current().language);

  const rendererDir = findRendererDir(
    rendererDirCandidates({ isPackaged: app.isPackaged, appPath: app.getAppPath(), resourcesPath: process.resourcesPath, mainDir: __dirname }),
  );
  if (!rendererDir) {
    dialog.showErrorBox('Atende', app.isPackaged ? 'The application files are missing: reinstall Atende.' : 'renderer/dist is missing: run `npm run build` first.');
    app.quit();
    return;
  }
  serveAppScheme({ root: rendererDir, serverUrl: () => config.current().serverUrl });
  installPermissionHandlers(session.defaultSession);

  const manager = createWindowManager({ stateFile: path.join(userData, 'windows.json'), preload: path.join(__dirname, 'preload.cjs') });
  windows = manager;
  const appTray = createTray({
    strings,
    windows: () => manager.all(),
    onOpen: () => manager.showMain(),
    onQuit: () => app.quit(),
  });
  tray = appTray;
  const notifier = createNotifier({ showMain: () => manager.showMain(), navigate: (target) => manager.send('main', 'atende:navigate', target) });
  const updates = createUpdates({
    updater: () => autoUpdater,
    isPackaged: app.isPackaged,
    publish: (status) => manager.send('all', 'atende:update-status', status),
  });
  const tokenFile = refreshTokenPath(userData);

  registerIpcHandlers(
    ipcMain,
    bridgeHandlers({
      notify: (request) => notifier.show(request),
      setWaitingCount: (count) => appTray.setWaitingCount(count),
      openSupervisor: (board) => void manager.open({ kind: 'supervisor', board }),
      openConversation: (id) => void manager.open({ kind: 'conversation', id }),
      config: () => config.current(),
      version: () => app.getVersion(),
      updateStatus: () => updates.status(),
      storeRefreshToken: (token) => storeRefreshToken(tokenFile, token),
      loadRefreshToken: () => loadRefreshToken(tokenFile),
      // Issue 17 (recovery.ts): filled in by the crash/unresponsive recovery.
      takeRecoveryNotice: () => null,
    }),
  );
  config.onChange((next) => {
    updates.configure(next);
    appTray.refresh();
  });

  manager.showMain();
  manager.restorePopOuts();
  if (pendingLink) openLink(pendingLink);
  pendingLink = undefined;
  updates.configure(initial);
  reportConfigProblems(initial.problems, { title: strings().configProblemTitle, message: strings().configProblemMessage }).catch(() => undefined);
}

function start(): void {
  if (!app.requestSingleInstanceLock()) {
    // The first instance has received our argv (and deep link) through 'second-instance'.
    app.quit();
    return;
  }
  if (process.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);
  pendingLink = findDeepLink(process.argv);
  registerProtocolClient();

  app.on('second-instance', (_event, argv) => {
    windows?.showMain();
    const target = findDeepLink(argv);
    if (target) openLink(target);
  });
  // macOS delivers links as events, possibly before `ready`.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    const target = parseDeepLink(url);
    if (target) openLink(target);
  });
  app.on('activate', () => windows?.showMain());
  app.on('browser-window-created', () => tray?.refresh());
  app.on('before-quit', () => windows?.prepareToQuit());
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app
    .whenReady()
    .then(ready)
    .catch((error: unknown) => {
      dialog.showErrorBox('Atende', `The app could not start: ${error instanceof Error ? error.message : String(error)}`);
      app.quit();
    });
}

start();
