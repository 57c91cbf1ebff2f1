// @ts-check
/**
 * The build settings that come from the environment (build/README.md lists them). Nothing secret is
 * read here: electron-builder itself reads the signing variables (CSC_LINK, CSC_KEY_PASSWORD,
 * WIN_CSC_LINK, WIN_CSC_KEY_PASSWORD, CSC_NAME…) and the notarisation ones (APPLE_ID…), so their
 * values never pass through this repository's code.
 */

/**
 * Written into `app-update.yml` when ATENDE_UPDATE_URL is unset. The app never fetches from
 * `app-update.yml`'s address: its feed is the machine policy's `updateUrl`, else the one
 * electron/build.mjs bakes from ATENDE_UPDATE_URL, and none means no updates (issue 17 point 1).
 * `.invalid` is a reserved top-level domain, so a mistake can only fail, never reach a stranger.
 */
export const PLACEHOLDER_UPDATE_URL = 'https://updates.atende.invalid/';

/** One complete set of these is what electron-builder needs to notarise (see MacTargetHelper). */
export const NOTARY_VARIABLES = [
  'APPLE_ID',
  'APPLE_APP_SPECIFIC_PASSWORD',
  'APPLE_TEAM_ID',
  'APPLE_API_KEY',
  'APPLE_API_KEY_ID',
  'APPLE_API_ISSUER',
  'APPLE_KEYCHAIN_PROFILE',
];

/** @typedef {Record<string, string | undefined>} Env */

/**
 * The generic-provider feed URL, always ending in `/` (electron-updater appends `latest.yml`).
 * @param {Env} env
 * @returns {string}
 */
export function updateFeedUrl(env) {
  const raw = env.ATENDE_UPDATE_URL;
  if (!raw) return PLACEHOLDER_UPDATE_URL;
  /** @type {URL} */
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`ATENDE_UPDATE_URL "${raw}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`ATENDE_UPDATE_URL must be an http(s) URL, got "${raw}"`);
  }
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

/**
 * Notarise as soon as any Apple credential variable is set — electron-builder then insists on a
 * complete set and fails loudly on a partial one — and skip it quietly when none is (development).
 * @param {Env} env
 * @returns {boolean}
 */
export function shouldNotarize(env) {
  return NOTARY_VARIABLES.some((name) => Boolean(env[name]));
}

/**
 * A local Electron (zip, folder holding the release zip, or unpacked build) for machines that
 * cannot download it; electron-builder's own cache (ELECTRON_CACHE) works too.
 * @param {Env} env
 * @returns {{ electronDist: string } | Record<string, never>}
 */
export function electronDistOption(env) {
  return env.ATENDE_ELECTRON_DIST ? { electronDist: env.ATENDE_ELECTRON_DIST } : {};
}

/**
 * Release pipelines set ATENDE_REQUIRE_SIGNING=1 so an unsigned build fails instead of shipping.
 * @param {Env} env
 * @returns {boolean}
 */
export function requireSigning(env) {
  return env.ATENDE_REQUIRE_SIGNING === '1' || env.ATENDE_REQUIRE_SIGNING === 'true';
}
