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
 * Baked into the main process (src/main/buildInfo.ts, issue 17), from the environment:
 *   ATENDE_UPDATE_URL         the update feed when no machine policy names one (https; http only to
 *                             this machine); unset → none, updates stay off unless IT sets one.
 *   ATENDE_UPDATE_PUBLIC_KEY  the Ed25519 public key (PEM, SPKI) update metadata must be signed
 *                             with; unset → derived from ATENDE_UPDATE_SIGNING_KEY (the private key
 *                             `npm run dist` signs with); neither → installed apps refuse updates.
 *
 * Usage: tsx build.mjs [--watch] (tsx: the feed address is checked by the shell's own rule, src/main/urlPolicy.ts)
 */
import { build, context } from 'esbuild';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { updateFeedUrl } from '../build/builder-env.mjs';
import { checkRemoteUrl } from './src/main/urlPolicy.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, 'dist');
const watch = process.argv.includes('--watch');

/**
 * The public half of a PEM key, as PEM (SPKI); only Ed25519 is accepted. (build/updateSigning.ts
 * publicKeyOf does the same for `npm run dist`; this plain-Node script cannot import TypeScript.)
 * @param {string} pem
 * @param {string} name the variable it came from, for the error
 */
function ed25519PublicKey(pem, name) {
  let key;
  try {
    key = pem.includes('PRIVATE KEY') ? createPublicKey(createPrivateKey(pem)) : createPublicKey(pem);
  } catch (error) {
    throw new Error(`${name} is not a readable PEM key: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${name} must be an Ed25519 key, got ${key.asymmetricKeyType ?? 'an unknown type'}`);
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/** @param {Record<string, string | undefined>} env */
function updatePublicKey(env) {
  const publicKey = env.ATENDE_UPDATE_PUBLIC_KEY?.trim();
  if (publicKey) return ed25519PublicKey(publicKey, 'ATENDE_UPDATE_PUBLIC_KEY');
  const signingKey = env.ATENDE_UPDATE_SIGNING_KEY?.trim();
  return signingKey ? ed25519PublicKey(signingKey, 'ATENDE_UPDATE_SIGNING_KEY') : undefined;
}

/** @param {Record<string, string | undefined>} env */
function buildUpdateUrl(env) {
  if (!env.ATENDE_UPDATE_URL) return undefined;
  // The same validation as the address baked into app-update.yml.
  const url = updateFeedUrl(env);
  // The shell's rule: an installed app would refuse any other feed.
  const verdict = checkRemoteUrl(url);
  if (!verdict.ok) throw new Error(`ATENDE_UPDATE_URL: ${verdict.reason}`);
  return url;
}

const baked = { updateUrl: buildUpdateUrl(process.env), publicKey: updatePublicKey(process.env) };

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // Electron 45 ships Node 24 and Chromium 156 (its 45.0.0 alphas reported Node 24.21, Chromium 155–156).
  target: ['node24', 'chrome150'],
  external: ['electron'],
  sourcemap: true,
  logLevel: 'info',
  legalComments: 'none',
};

const targets = [
  {
    ...common,
    entryPoints: [path.join(here, 'src/main/index.ts')],
    outfile: path.join(out, 'main.js'),
    // JSON.stringify(undefined) is not JSON: an absent value is baked as the empty string, which
    // buildInfo.ts reads as undefined.
    define: {
      __ATENDE_BUILD_UPDATE_URL__: JSON.stringify(baked.updateUrl ?? ''),
      __ATENDE_UPDATE_PUBLIC_KEY__: JSON.stringify(baked.publicKey ?? ''),
    },
  },
  { ...common, entryPoints: [path.join(here, 'src/preload/index.ts')], outfile: path.join(out, 'preload.cjs') },
];

rmSync(out, { recursive: true, force: true });
if (watch) {
  for (const options of targets) await (await context(options)).watch();
} else {
  await Promise.all(targets.map((options) => build(options)));
}
