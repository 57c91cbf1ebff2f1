import { createHash } from 'node:crypto';
import { AUDIT_PREFIX } from './log.js';

/**
 * Entry ids are `audit:<ulid>`: ten characters of time (Crockford base 32, milliseconds) then
 * sixteen of randomness, so ids sort by time and a time range is an id range — the listing reads
 * the primary index between two ids and needs no Mango index of its own.
 */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function timePart(at: number): string {
  let text = '';
  let t = Math.max(0, Math.floor(at));
  for (let i = 0; i < 10; i++) {
    text = CROCKFORD[t % 32] + text;
    t = Math.floor(t / 32);
  }
  return text;
}

/**
 * The longest window of an entry recorded once per window (audit/once.ts): its id's time is the
 * window's start, at most this much before its `at`, so a period's listing reads this much earlier.
 */
export const ONCE_WINDOW_MS = 60 * 60 * 1000;

/** The smallest entry id of the millisecond `at`: every entry of `at` or later sorts at or after it. */
export const firstIdAt = (at: number): string => `${AUDIT_PREFIX}${timePart(at)}`;

/**
 * An id the same for one `key` within one window of `windowMs` (the window's start as its time,
 * a digest of key and window as its randomness): the second write of it in that window is the
 * store's conflict, so "at most once per window" is arbitrated by the store, not checked then written.
 */
export function onceId(key: string, at: number, windowMs: number): string {
  if (windowMs > ONCE_WINDOW_MS) throw new Error(`a once-window is at most ${ONCE_WINDOW_MS} ms (the listing's look-back)`);
  const start = Math.floor(at / windowMs) * windowMs;
  const digest = createHash('sha256').update(`${key}\n${start}`).digest();
  let random = '';
  for (let i = 0; i < 16; i++) random += CROCKFORD[(digest[i] ?? 0) % 32];
  return `${firstIdAt(start)}${random}`;
}
