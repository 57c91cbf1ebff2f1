import { app as electronApp, type App, type WebContents } from 'electron';
import { guardPermissionsOf } from './permissions';
import { handleCommonWindowEvents } from './security';

/**
 * App-wide guards (R-DT-01, issue 17 point 4), installed by `index.ts` before anything else runs:
 * - an installed build refuses to start with a switch that opens a debugger: with one, anyone who
 *   can start the app could read `window.atende.loadRefreshToken()` or drive the main process;
 * - every renderer is sandboxed (`app.enableSandbox()`), not only the ones we create;
 * - EVERY web contents, however it was created, gets the navigation, window-open, <webview> and
 *   permission rules of security.ts and permissions.ts — the same code `createHardenedWindow` uses.
 */

/**
 * Switches that open or configure a debugger, from Electron's command-line-switches doc (Electron
 * and Node.js flags, with Node's `--debug*` aliases) plus Chromium's `--remote-debugging-pipe`.
 * The fuse EnableNodeCliInspectArguments already makes an installed binary ignore `--inspect*`;
 * refusing them here too also covers `--remote-debugging-*` and `--js-flags`, which no fuse covers.
 */
export const DEBUGGING_SWITCHES: readonly string[] = [
  'remote-debugging-port',
  'remote-debugging-pipe',
  'remote-debugging-address',
  'inspect',
  'inspect-brk',
  'inspect-brk-node',
  'inspect-port',
  'inspect-publish-uid',
  'debug',
  'debug-brk',
  'debug-port',
  'js-flags',
];

/** The switch an argument names, or undefined. Chromium also accepts `-switch`, and `/switch` on Windows. */
function switchName(arg: string, platform: NodeJS.Platform): string | undefined {
  const prefix = /^--?/.exec(arg) ?? (platform === 'win32' ? /^\//.exec(arg) : null);
  if (!prefix) return undefined;
  // Chromium compares switch names in lower case on Windows; refusing more is the safe side.
  return arg.slice(prefix[0].length).split('=', 1)[0]?.toLowerCase();
}

/** The debugging switches this start was given, through argv or Chromium's parsed command line. */
export function debuggingSwitches(argv: readonly string[], hasSwitch: (name: string) => boolean, platform: NodeJS.Platform): string[] {
  const named = new Set(argv.map((arg) => switchName(arg, platform)));
  return DEBUGGING_SWITCHES.filter((name) => named.has(name) || hasSwitch(name));
}

type GuardedApp = Pick<App, 'isPackaged' | 'enableSandbox' | 'exit' | 'on'> & { commandLine: Pick<App['commandLine'], 'hasSwitch'> };

export interface AppGuardOptions {
  app?: GuardedApp;
  argv?: readonly string[];
  platform?: NodeJS.Platform;
  /** Where the refusal is written: stderr, which IT's launch scripts and logs capture. */
  writeError?: (text: string) => void;
}

/** Applies the security.ts and permissions.ts rules to one web contents; safe to call again. */
export function guardWebContents(contents: WebContents, isPackaged: boolean): void {
  handleCommonWindowEvents(contents);
  guardPermissionsOf(contents);
  // `devTools: false` covers our windows; a web contents made with other preferences still
  // cannot keep DevTools open in an installed build.
  if (isPackaged) contents.on('devtools-opened', () => contents.closeDevTools());
}

/**
 * Installs the guards. Returns false when the start was refused (the app is exiting with code 1):
 * the caller must then create no window and register no IPC.
 */
export function installAppGuards(options: AppGuardOptions = {}): boolean {
  const app = options.app ?? electronApp;
  const platform = options.platform ?? process.platform;
  const writeError = options.writeError ?? ((text: string) => process.stderr.write(text));
  if (app.isPackaged) {
    const refused = debuggingSwitches(options.argv ?? process.argv, (name) => app.commandLine.hasSwitch(name), platform);
    if (refused.length > 0) {
      writeError(
        `Atende: refusing to start with debugging switches (${refused.map((name) => `--${name}`).join(', ')}). ` +
          'Installed builds cannot be debugged; remove the switch from the shortcut or command line.\n',
      );
      app.exit(1);
      return false;
    }
  }
  // Before `ready`, or Chromium ignores it.
  app.enableSandbox();
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, app.isPackaged));
  return true;
}
