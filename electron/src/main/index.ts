import path from 'node:path';
import { app, dialog, ipcMain, session } from 'electron';
import { installAppMenu } from './appMenu';
import { autoUpdater } from 'electron-updater';
import type { DeepLinkTarget } from '@atende/protocol';
import { findRendererDir, registerAppScheme, rendererDirCandidates, serveAppScheme } from './appScheme';
import { bridgeHandlers } from './bridgeHandlers';
import { attachContextMenu } from './contextMenu';
import { createConfigStore, currentUserName, machineSources, reportConfigProblems, userConfigPath } from './config';
import { DEEP_LINK_SCHEME, findDeepLink, parseDeepLink } from './deepLinks';
import { installAppGuards } from './guards';
import { registerIpcHandlers } from './ipc';
import { createNotifier } from './notifications';
import { installPermissionHandlers } from './permissions';
import { sessionEndHandler, watchPower } from './power';
import { createRecovery } from './recovery';
import { applySpellcheck } from './spellcheck';
import { shellStrings } from './strings';
import { loadRefreshToken, refreshTokenPath, storeRefreshToken } from './tokens';
import { createTray, type AppTray } from './tray';
import { BUILD_UPDATE_URL, UPDATE_PUBLIC_KEY } from './buildInfo';
import { readInstallKind } from './installKind';
import { createUpdates } from './updates';
import { createWindowManager, type WindowManager } from './windows';

/**
 * Bootstrap of the desktop shell. It wires modules together and talks to the OS; the rules of the
 * product live in the renderer and the server. Order matters where Chromium demands it: userData
 * and the privileged scheme before `ready`, the single-instance lock before anything visible.
 */

/** Windows ties notifications and taskbar grouping to this id; it must equal the installer's appId. */
export const APP_USER_MODEL_ID = 'com.atende.desktop';

// Issue 17 (guards.ts), before anything else: an installed build started with a debugging switch
// exits here (no window, no IPC); every renderer is sandboxed and every web contents guarded.
const guardsInstalled = installAppGuards();

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
  // Issue 17: IT's policies (Group Policy, managed preferences) and machine file at fixed paths, the
  // user's hand-edited file for unlocked keys; read once per start (nothing in the app changes them).
  const config = createConfigStore({
    machineSources: machineSources(process.platform, currentUserName()),
    userFile: userConfigPath(userData),
    isPackaged: app.isPackaged,
    env: process.env,
    buildUpdateUrl: BUILD_UPDATE_URL,
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
  // Issue 17 (spellcheck.ts): dictionaries from our server, never Google's CDN; before any window.
  applySpellcheck(session.defaultSession, config.current().serverUrl);

  const manager = createWindowManager({ stateFile: path.join(userData, 'windows.json'), preload: path.join(__dirname, 'preload.cjs') });
  windows = manager;
  // Issue 17 (recovery.ts, power.ts, contextMenu.ts): every app window is reloaded after a crash or
  // on request when hung, ends with the Windows session, and has a context menu; waking the
  // machine or unlocking the session makes every window reconnect at once (R-NET-02).
  const recovery = createRecovery({ strings });
  const onSessionEnd = sessionEndHandler({ prepareToQuit: () => manager.prepareToQuit(), windows: () => manager.all(), quit: () => app.quit() });
  app.on('browser-window-created', (_event, window) => {
    recovery.watch(window);
    onSessionEnd(window);
    attachContextMenu(window, strings);
  });
  watchPower({ broadcast: (payload) => manager.send('all', 'atende:resumed', payload) });
  const appTray = createTray({
    strings,
    windows: () => manager.all(),
    onOpen: () => manager.showMain(),
    onQuit: () => app.quit(),
  });
  tray = appTray;
  const notifier = createNotifier({ showMain: () => manager.showMain(), navigate: (target) => manager.send('main', 'atende:navigate', target) });
  // Issue 17: the feed comes from the machine policy or the build (config.updateUrl), its metadata
  // must be signed with the key built in, and MSI installs leave updates to IT.
  const updates = createUpdates({
    updater: () => autoUpdater,
    isPackaged: app.isPackaged,
    publicKey: UPDATE_PUBLIC_KEY,
    installKind: readInstallKind(process.resourcesPath, process.platform),
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
      // Issue 17 (recovery.ts): why this window was reloaded, told once.
      takeRecoveryNotice: (webContentsId) => recovery.takeNotice(webContentsId),
    }),
  );
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

// Issue 17 (guards.ts): a refused start is already exiting.
if (guardsInstalled) start();
