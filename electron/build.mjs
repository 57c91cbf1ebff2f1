/**
 * Bundles the desktop shell for Electron:
 *   dist/main.js     the main process, CommonJS. Electron runs an ES-module entry asynchronously,
 *                    after `ready` may already have fired, which is too late for the privileged
 *                    `app://` scheme; a CommonJS entry runs synchronously before it. (This package
 *                    has no "type": "module", so `.js` here is CommonJS.)
 *   dist/preload.cjs the preload. Sandboxed preloads must be one CommonJS file: they cannot
 *                    `require` anything but `electron` and a few Node built-ins.
 * Everything (protocol, zod, electron-updater) is bundled, so the packaged app needs no
 * node_modules; only `electron` itself stays external.
 *
 * Usage: node build.mjs [--watch]
 */
import { build, context } from 'esbuild';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, 'dist');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // Electron 41 ships Node 24 and Chromium 146.
  target: ['node22', 'chrome130'],
  external: ['electron'],
  sourcemap: true,
  logLevel: 'info',
  legalComments: 'none',
};

const targets = [
  { ...common, entryPoints: [path.join(here, 'src/main/index.ts')], outfile: path.join(out, 'main.js') },
  { ...common, entryPoints: [path.join(here, 'src/preload/index.ts')], outfile: path.join(out, 'preload.cjs') },
];

rmSync(out, { recursive: true, force: true });
if (watch) {
  for (const options of targets) await (await context(options)).watch();
} else {
  await Promise.all(targets.map((options) => build(options)));
}
