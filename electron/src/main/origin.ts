import { DESKTOP_APP_HOST, DESKTOP_APP_ORIGIN, DESKTOP_APP_SCHEME } from '@atende/protocol';

/**
 * The app's own origin (defined in protocol, which the server's CORS reads too). Every window loads
 * from `app://atende/` and nothing else: navigation, IPC and permissions all check against it (R-DT-01).
 */
export const APP_SCHEME = DESKTOP_APP_SCHEME;
export const APP_HOST = DESKTOP_APP_HOST;
export const APP_ORIGIN = DESKTOP_APP_ORIGIN;
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
