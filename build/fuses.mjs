// @ts-check
/**
 * electron-builder `afterPack` hook: flips Electron's fuses in the packed binary, before it is
 * signed, so the shipped app cannot be turned into a Node runtime, debugged through CLI switches or
 * made to load code from outside its checked app.asar (issue 4 point 2, R-DT-01). One script, as in
 * Signal's ts/scripts/fuse-electron.node.ts.
 */
import path from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';

/** @typedef {keyof typeof FuseV1Options} FuseName */
/** @typedef {import('electron-builder').AfterPackContext} AfterPackContext */

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
    // NODE_OPTIONS and --inspect* would let anyone inject code into the main process.
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
  const binary = electronBinary(context);
  const settings = fuseSettings(context.electronPlatformName);
  /** @type {import('@electron/fuses').FuseV1Config} */
  const config = {
    version: FuseVersion.V1,
    // Flipping breaks Electron's ad-hoc signature; restore it so unsigned macOS builds still start
    // (a real signature, when configured, replaces it right after this hook).
    resetAdHocDarwinSignature: context.electronPlatformName === 'darwin',
  };
  for (const name of /** @type {FuseName[]} */ (Object.keys(settings))) config[FuseV1Options[name]] = settings[name];
  console.log(`  • flipping Electron fuses  binary=${binary}`);
  await flipFuses(binary, config);
}

export default afterPack;
