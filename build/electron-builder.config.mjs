// @ts-check
/**
 * electron-builder configuration of the Atende desktop app (issue 4 point 7, R-DT-04); `npm run dist`
 * uses it and build/README.md is the guide. Signing identities and notarisation credentials come
 * ONLY from environment variables that electron-builder reads itself — never put them here.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { electronDistOption, requireSigning, shouldNotarize, updateFeedUrl } from './builder-env.mjs';

const here = import.meta.dirname;
const env = process.env;
const { version: electronVersion } = /** @type {{ version: string }} */ (createRequire(import.meta.url)('electron/package.json'));

/**
 * The generic feed baked into app-update.yml; the channel names the metadata file (`<channel>.yml`).
 * @param {string} channel
 * @returns {import('builder-util-runtime').GenericServerOptions}
 */
function updateFeed(channel) {
  return { provider: 'generic', url: updateFeedUrl(env), channel };
}

/** @type {import('electron-builder').Configuration} */
const config = {
  appId: 'com.atende.desktop',
  productName: 'Atende',
  copyright: 'Copyright © Atende',
  electronVersion,
  ...electronDistOption(env),
  directories: { output: 'dist/desktop', buildResources: 'build' },
  // The repository root is the app folder; its package.json gains what the packed app needs.
  // author and homepage are required by deb/rpm: placeholders until the organisation sets its own.
  extraMetadata: {
    main: 'electron/dist/main.js',
    // electron/build.mjs bundles the main process as CommonJS in a `.js` file; the root package.json
    // says "module", which would make Electron load it as an ES module and fail.
    type: 'commonjs',
    productName: 'Atende',
    desktopName: 'atende.desktop',
    author: { name: 'Atende', email: 'desktop@atende.invalid' },
    homepage: 'https://atende.invalid/',
  },
  // Only the two bundles and the renderer build: the main process is bundled, so no node_modules.
  files: [
    'package.json',
    'electron/dist/**/*',
    '!**/*.map',
    '!**/node_modules/**',
    { from: 'renderer/dist', to: 'renderer', filter: ['**/*', '!**/*.map'] },
  ],
  asar: true,
  npmRebuild: false,
  nodeGypRebuild: false,
  afterPack: path.join(here, 'fuses.mjs'),
  forceCodeSigning: requireSigning(env),
  protocols: [{ name: 'Atende', schemes: ['atende'] }],
  // Written into app-update.yml; the app's feed is the machine policy's or the baked one (builder-env.mjs).
  publish: [updateFeed('latest')],

  // The base Windows build is the per-machine NSIS installer; `npm run dist` also builds the MSI and
  // the per-user NSIS installer with windowsInstallerConfig() below, one electron-builder run each.
  win: {
    target: [{ target: 'nsis', arch: ['x64'] }],
    icon: 'build/icon.png',
    extraResources: [installKindMarker('nsis')],
  },
  nsis: {
    // Per-machine into Program Files; `/S` is silent, `/DISABLEUPDATES` is ours (installer.nsh).
    oneClick: false,
    perMachine: true,
    allowElevation: true,
    allowToChangeInstallationDirectory: true,
    createDesktopShortcut: true,
    createStartMenuShortcut: true,
    shortcutName: 'Atende',
    deleteAppDataOnUninstall: false,
    include: 'build/installer.nsh',
    artifactName: 'Atende-Setup-${version}.${ext}',
  },
  msi: {
    oneClick: true,
    perMachine: true,
    createDesktopShortcut: true,
    createStartMenuShortcut: true,
    runAfterFinish: false,
    artifactName: 'Atende-${version}-${arch}.${ext}',
  },

  mac: {
    target: [
      { target: 'dmg', arch: ['universal'] },
      { target: 'zip', arch: ['universal'] },
    ],
    category: 'public.app-category.business',
    icon: 'build/icon.png',
    hardenedRuntime: true,
    gatekeeperAssess: false,
    // Absolute: electron-builder hands these to codesign as they are, relative to the working folder.
    entitlements: path.join(here, 'entitlements.mac.plist'),
    entitlementsInherit: path.join(here, 'entitlements.mac.inherit.plist'),
    // Notarised when Apple credentials are in the environment, skipped otherwise (development).
    notarize: shouldNotarize(env),
    artifactName: 'Atende-${version}-${arch}.${ext}',
  },
  dmg: { sign: false },

  linux: {
    target: ['AppImage', 'deb', 'rpm'],
    icon: 'build/icon.png',
    category: 'Network;InstantMessaging',
    executableName: 'atende',
    syncDesktopName: true,
    synopsis: 'Atende customer-service workstation',
    // electron-builder also derives this from `protocols`; stated so the deep-link handler is explicit.
    desktop: { entry: { MimeType: 'x-scheme-handler/atende;' } },
  },
  appImage: { artifactName: 'Atende-${version}-${arch}.${ext}' },
};

export default config;

/** @typedef {'nsis' | 'nsis-per-user' | 'msi'} WindowsInstaller */

/**
 * Every Windows installer of a release, in build order (`npm run dist` on Windows builds them all).
 * @type {readonly WindowsInstaller[]}
 */
export const WINDOWS_INSTALLERS = ['nsis', 'msi', 'nsis-per-user'];

/**
 * The update channel of per-user installs: electron-builder writes `latest-user.yml` for them, so
 * they never receive the per-machine installer (which would ask for elevation and install a second
 * copy in Program Files), and per-machine installs keep `latest.yml`.
 */
export const PER_USER_CHANNEL = 'latest-user';

/**
 * The marker electron/src/main/installKind.ts reads from the packed app's resources. It is a file
 * of the packed app, and electron-builder packs the app once per run for all of a platform's
 * targets, so each Windows installer needs its own run (windowsInstallerConfig).
 * @param {WindowsInstaller} kind
 * @returns {import('electron-builder').FileSet}
 */
function installKindMarker(kind) {
  return { from: `build/install-kind/${kind}.json`, to: 'install-kind.json' };
}

/**
 * The configuration of one Windows installer (issue 17 point 6):
 * - 'nsis': per machine, updates itself from `latest.yml` (elevation on each update);
 * - 'msi': per machine, for IT tools that deploy MSI packages; the app keeps auto-update off
 *   (IT deploys the next MSI), so it never installs the NSIS build beside itself;
 * - 'nsis-per-user': no administrator needed, into %LOCALAPPDATA%\Programs\Atende; one-click,
 *   because the assisted installer would offer an "all users" choice that elevates; updates from
 *   `latest-user.yml` without elevation.
 * @param {WindowsInstaller} kind
 * @param {import('electron-builder').Configuration} [base]
 * @returns {import('electron-builder').Configuration}
 */
export function windowsInstallerConfig(kind, base = config) {
  /** @type {import('electron-builder').WindowsConfiguration} */
  const win = { ...base.win, target: [{ target: kind === 'msi' ? 'msi' : 'nsis', arch: ['x64'] }], extraResources: [installKindMarker(kind)] };
  if (kind !== 'nsis-per-user') return { ...base, win };
  return {
    ...base,
    win,
    nsis: {
      ...base.nsis,
      oneClick: true,
      perMachine: false,
      allowElevation: false,
      allowToChangeInstallationDirectory: false,
      artifactName: 'Atende-Setup-User-${version}.${ext}',
    },
    publish: [updateFeed(PER_USER_CHANNEL)],
  };
}
