/**
 * `npm run dist`: builds the renderer and the Electron bundles, then the installers for the
 * current OS with electron-builder (build/README.md). `--dir` stops at the unpacked app (quick
 * check, no installer); `--skip-build` reuses the bundles already built.
 * On Windows it builds every installer of WINDOWS_INSTALLERS, one electron-builder run each (each
 * packs its own install-kind marker). Then it signs: the update metadata with
 * ATENDE_UPDATE_SIGNING_KEY, the Linux packages with ATENDE_LINUX_SIGNING_KEY (releaseSigning.ts).
 * Exit codes: 0 built; 1 a step failed; 2 electron-builder could not download what it needs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Configuration } from 'electron-builder';
import baseConfig, { WINDOWS_INSTALLERS, windowsInstallerConfig } from './electron-builder.config.mjs';
import { releaseSigning, signRelease, type ReleaseSigning, type SignUpdateMetadata } from './releaseSigning.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = path.join(ROOT, 'dist', 'desktop');
const REQUIRED = ['electron/dist/main.js', 'electron/dist/preload.cjs', 'renderer/dist/index.html'];

const NETWORK_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
const NETWORK_TEXT = /getaddrinfo|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|socket hang up|fetch failed|unable to download|cannot download|download failed|status code (403|404|407|5\d\d)/i;

/** The messages and codes of an error and its causes. */
function describe(error: unknown, depth = 0): string[] {
  if (depth > 5 || error === null || error === undefined) return [];
  if (!(error instanceof Error)) return [String(error)];
  const code = (error as Error & { code?: unknown }).code;
  return [typeof code === 'string' ? `${code} ${error.message}` : error.message, ...describe(error.cause, depth + 1)];
}

/** Whether electron-builder failed because a download (Electron, NSIS, WiX, fpm…) was impossible. */
export function isDownloadFailure(error: unknown): boolean {
  return describe(error).some((line) => NETWORK_TEXT.test(line) || NETWORK_CODES.has(line.split(' ', 1)[0] ?? ''));
}

export function offlineMessage(electronVersion: string, cause: string): string {
  return [
    '',
    `✖ The installers were not built: electron-builder could not download Electron ${electronVersion} or one of its`,
    '  packaging tools (NSIS, WiX, AppImage, fpm). This machine is offline or cannot reach the download hosts.',
    '  It needs them once per version; then they come from its cache (ELECTRON_BUILDER_CACHE, by default',
    '  ~/.cache/electron-builder, ~/Library/Caches/electron-builder or %LOCALAPPDATA%\\electron-builder\\Cache).',
    '  To build anyway:',
    '    • run `npm run dist` once on a machine with internet access and copy that cache here, or',
    '    • set ELECTRON_MIRROR and ELECTRON_BUILDER_BINARIES_MIRROR to an internal mirror, or',
    '    • set ATENDE_ELECTRON_DIST to a local Electron release zip or unpacked Electron folder.',
    '  See build/README.md, "Building without internet access".',
    `  (cause: ${cause})`,
  ].join('\n');
}

function run(what: string, args: string[]): void {
  console.log(`\n▶ ${what}: npm ${args.join(' ')}`);
  // npm is npm.cmd on Windows, which Node only starts through a shell; the arguments are ours.
  const result = spawnSync('npm', args, { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) throw new Error(`${what} failed (npm ${args.join(' ')})`);
}

function hasElectronBuildScript(): boolean {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'electron', 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  return typeof manifest.scripts?.build === 'string';
}

export interface BuilderRun {
  /** What the run makes, for the log. */
  label: string;
  config: Configuration;
}

/**
 * The electron-builder runs of a build. electron-builder packs the app once per run for all the
 * targets of a platform, and the install-kind marker is a file of the packed app, so each Windows
 * installer is its own run; `--dir` makes only the unpacked app of the base (per-machine NSIS) configuration.
 */
export function builderRuns(platform: NodeJS.Platform, dirOnly: boolean, outDir: string): BuilderRun[] {
  const into = (config: Configuration): Configuration => ({ ...config, directories: { ...config.directories, output: outDir } });
  if (platform !== 'win32' || dirOnly) return [{ label: dirOnly ? 'unpacked app' : 'installers', config: into(baseConfig) }];
  return WINDOWS_INSTALLERS.map((kind) => ({ label: `${kind} installer`, config: into(windowsInstallerConfig(kind)) }));
}

export interface PackageOptions {
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  outDir: string;
  electronVersion: string;
  /** build/updateSigning.ts's signUpdateMetadata unless given (tests give one that signs nothing). */
  signUpdateMetadata?: SignUpdateMetadata;
  log?: (line: string) => void;
}

/**
 * From the unpacked bundles to signed installers. The signing settings are checked first, so a
 * release that would come out unsigned fails before a long build, not after it.
 */
export async function packageApp(options: PackageOptions): Promise<number> {
  const log = options.log ?? console.log;
  const dirOnly = options.args.includes('--dir');
  const signing: ReleaseSigning = releaseSigning(options.env, options.platform, dirOnly);
  const { build } = await import('electron-builder');
  const artifacts: string[] = [];
  try {
    for (const run of builderRuns(options.platform, dirOnly, options.outDir)) {
      log(`\n▶ ${run.label} for ${options.platform} with Electron ${options.electronVersion}`);
      artifacts.push(...(await build({ projectDir: ROOT, config: run.config, publish: 'never', dir: dirOnly })));
    }
  } catch (error) {
    if (!isDownloadFailure(error)) throw error;
    console.error(offlineMessage(options.electronVersion, describe(error)[0] ?? 'unknown'));
    return 2;
  }
  const signatures = await signRelease(signing, options.outDir, artifacts, options.signUpdateMetadata);
  const made = [...artifacts, ...signatures];
  log(`\n✔ built into ${path.relative(ROOT, options.outDir) || options.outDir}/:\n${made.map((file) => `  ${path.relative(ROOT, file)}`).join('\n')}`);
  return 0;
}

async function main(args: string[]): Promise<number> {
  // Refused before the bundles are built: a key that is missing or unusable must not cost a build.
  releaseSigning(process.env, process.platform, args.includes('--dir'));
  if (!args.includes('--skip-build')) {
    run('renderer', ['run', 'build']);
    if (!hasElectronBuildScript()) throw new Error('electron/package.json has no "build" script to bundle the main process');
    run('main process and preload', ['run', 'build', '-w', '@atende/electron']);
  }
  const missing = REQUIRED.filter((file) => !existsSync(path.join(ROOT, file)));
  if (missing.length) throw new Error(`missing ${missing.join(', ')}: build them first (run without --skip-build)`);
  const { version } = JSON.parse(readFileSync(path.join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string };
  return packageApp({ args, env: process.env, platform: process.platform, outDir: OUT_DIR, electronVersion: version });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`\n✖ npm run dist: ${error instanceof Error ? error.message : String(error)}`);
      if (process.env.DEBUG) console.error(error);
      process.exit(1);
    },
  );
}
