import { parseUrl } from './origin';

/**
 * Which server and update addresses the shell accepts (issue 17): https everywhere; plain http only
 * to this machine (a server on the same workstation, development), where nothing crosses a network
 * to be read or altered. One rule for the server URL (config.ts) and the update feed (updates.ts).
 */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export type RemoteUrlVerdict = { ok: true } | { ok: false; reason: string };

export function checkRemoteUrl(raw: string): RemoteUrlVerdict {
  const url = parseUrl(raw);
  if (!url) return { ok: false, reason: `"${raw}" is not a URL` };
  if (url.username !== '' || url.password !== '') return { ok: false, reason: `"${url.origin}" must not carry credentials` };
  if (url.protocol === 'https:') return { ok: true };
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return { ok: true };
  if (url.protocol === 'http:') return { ok: false, reason: `"${url.origin}" uses plain http: only https is accepted (http only to this machine)` };
  return { ok: false, reason: `"${raw}" is not an https URL` };
}
