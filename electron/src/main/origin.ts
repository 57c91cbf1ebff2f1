/**
 * The app's own origin. Every window loads from `app://atende/` and nothing else: navigation,
 * IPC and permissions all check against this one definition (R-DT-01).
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'atende';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export function parseUrl(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

/**
 * True for URLs (or serialised origins) of the app itself. Node reports the origin of a
 * non-special scheme as "null", so the scheme and host are compared instead of `url.origin`;
 * `host` includes any port, so `app://atende:1` is someone else.
 */
export function isAppUrl(raw: string): boolean {
  const url = parseUrl(raw);
  return url !== undefined && url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && url.username === '' && url.password === '';
}
