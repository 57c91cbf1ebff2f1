// @ts-check
/**
 * electron-builder `afterPack` hook: flips Electron's fuses in the packed binary, before it is
 * signed, so the shipped app cannot be turned into a Node runtime, debugged through CLI switches or
 * made to load code from outside its checked app.asar (issue 4 point 2, issue 17 point 3, R-DT-01).
 * One script, as in Signal's ts/scripts/fuse-electron.node.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** @typedef {typeof import('../electron/node_modules/@electron/fuses/dist/index.js')} ElectronFuses */
/** @typedef {keyof typeof import('../electron/node_modules/@electron/fuses/dist/index.js').FuseV1Options} FuseName */
/** @typedef {import('electron-builder').AfterPackContext} AfterPackContext */

// @electron/fuses 2.x (it knows Electron 45's fuses) lives in the electron workspace and is ESM
// only; the root node_modules holds 1.8 for electron-builder's own use, which knows one fuse less.
// Resolving from electron/package.json picks the workspace's copy whatever the hoisting.
const electronWorkspace = createRequire(fileURLToPath(new URL('../electron/package.json', import.meta.url)));

/** @type {Promise<ElectronFuses> | undefined} */
let fuses;
/** The @electron/fuses the electron workspace depends on. @returns {Promise<ElectronFuses>} */
export function loadFuses() {
  fuses ??= import(pathToFileURL(electronWorkspace.resolve('@electron/fuses')).href);
  return fuses;
}

/**
 * The version of an installed package, from the package.json above its entry point (ESM-only
 * packages like @electron/fuses do not export their package.json). Never `require('electron')`:
 * since Electron 42 that downloads the binary.
 * @param {string} name
 * @returns {string}
 */
function installedVersion(name) {
  let dir = path.dirname(electronWorkspace.resolve(name));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = /** @type {{ name?: string; version?: string }} */ (JSON.parse(readFileSync(file, 'utf8')));
      if (manifest.name === name && manifest.version) return manifest.version;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`fuses: cannot find the version of ${name}`);
    dir = parent;
  }
}

/** The version of that @electron/fuses, and of the Electron it packs. */
export function installedVersions() {
  return { fuses: installedVersion('@electron/fuses'), electron: installedVersion('electron') };
}

/**
 * How many fuses each Electron major's binary has (the fuse wire's length byte), read off the
 * binaries or Electron's build/fuses/fuses.json5. A fuse is never removed (only marked 'r'), so
 * the wire only grows. The fuses test fails when the installed Electron's major is missing here:
 * whoever upgrades Electron reads the new binary's wire (`npx @electron/fuses read --app …`) and
 * decides any new fuse below.
 * - 9: WasmTrapHandlers joined the 8 earlier fuses; the stock wire of 43–45 is "101100011".
 * @type {Readonly<Record<number, number>>}
 */
export const FUSE_WIRE_LENGTH = { 42: 9, 43: 9, 44: 9, 45: 9 };

/**
 * The fuse settings, by @electron/fuses name, as data a test can check.
 * @param {string} platform electron-builder's electronPlatformName: darwin, mas, win32 or linux
 * @returns {Record<FuseName, boolean>}
 */
export function fuseSettings(platform) {
  return {
    // ELECTRON_RUN_AS_NODE would turn the signed app into a general-purpose Node runtime.
    RunAsNode: false,
    // Cookies on disk are encrypted with an OS-protected key.
    EnableCookieEncryption: true,
    // NODE_OPTIONS and --inspect* would let anyone inject code into the main process (guards.ts
    // also refuses the debugging switches at start; this makes the binary itself ignore them).
    EnableNodeOptionsEnvironmentVariable: false,
    EnableNodeCliInspectArguments: false,
    // Electron checks app.asar against the hash electron-builder embeds; Electron supports this on
    // macOS and Windows only, so Linux keeps it off like Signal does.
    EnableEmbeddedAsarIntegrityValidation: platform !== 'linux',
    // Only app.asar is loaded, never a loose resources/app folder dropped next to it.
    OnlyLoadAppFromAsar: true,
    // The renderer comes through app://, so file:// needs none of its legacy powers.
    GrantFileProtocolExtraPrivileges: false,
    // Electron's default, written down so every fuse this version knows has a decided value.
    LoadBrowserProcessSpecificV8Snapshot: false,
    // Kept ON (Electron's default). With it, V8 bounds-checks WebAssembly memory with guard regions
    // and a signal handler; off, V8 compiles explicit bounds checks into the code instead. Both
    // are safe (an out-of-bounds access traps either way), so turning it off buys no security and
    // costs WebAssembly speed. It only matters in a process whose address space is capped below
    // V8's WebAssembly reservation (e.g. a ulimit -v), which is not a desktop agent's machine.
    // The app ships no WebAssembly of its own today (RxDB's storage is IndexedDB).
    WasmTrapHandlers: true,
  };
}

/**
 * The packed Electron binary (the .app bundle on macOS) for an afterPack context.
 * @param {Pick<AfterPackContext, 'appOutDir' | 'electronPlatformName' | 'packager'>} context
 * @returns {string}
 */
export function electronBinary({ appOutDir, electronPlatformName, packager }) {
  const { productFilename } = packager.appInfo;
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return path.join(appOutDir, `${productFilename}.app`);
    case 'win32':
      return path.join(appOutDir, `${productFilename}.exe`);
    case 'linux':
      // LinuxPackager's executableName is not in the public types (Signal casts the same way).
      return path.join(appOutDir, /** @type {{ executableName: string }} */ (/** @type {unknown} */ (packager)).executableName);
    default:
      throw new Error(`fuses: unsupported platform "${electronPlatformName}"`);
  }
}

/**
 * @param {AfterPackContext} context
 * @returns {Promise<void>}
 */
export async function afterPack(context) {
  const { flipFuses, FuseV1Options, FuseVersion } = await loadFuses();
  const binary = electronBinary(context);
  const settings = fuseSettings(context.electronPlatformName);
  // fuseSettings names every fuse (its return type is the whole FuseV1Options), so this is complete.
  const wire = /** @type {Record<import('../electron/node_modules/@electron/fuses/dist/index.js').FuseV1Options, boolean>} */ (
    Object.fromEntries(Object.entries(settings).map(([name, enabled]) => [FuseV1Options[/** @type {FuseName} */ (name)], enabled]))
  );
  /** @type {import('../electron/node_modules/@electron/fuses/dist/index.js').FuseV1Config} */
  const config = {
    version: FuseVersion.V1,
    // The packed binary decides: a fuse in its wire that this config does not set (a newer
    // Electron than @electron/fuses knows) fails the build instead of shipping Electron's default.
    strictlyRequireAllFuses: true,
    // Flipping breaks Electron's ad-hoc signature; restore it so unsigned macOS builds still start
    // (a real signature, when configured, replaces it right after this hook).
    resetAdHocDarwinSignature: context.electronPlatformName === 'darwin',
    ...wire,
  };
  console.log(`  • flipping Electron fuses  binary=${binary}`);
  await flipFuses(binary, config);
}

export default afterPack;
