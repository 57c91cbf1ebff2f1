import { onScopeDispose, shallowRef, watch, type ShallowRef } from 'vue';
import { accessToken, onSignedOut, serverUrl } from './api';

/**
 * Stored files as something an <img>, <audio> or a download can use: `GET /api/media/:id` wants the
 * bearer token, which those elements cannot send, so the bytes are fetched and shown through a
 * blob: URL (allowed by the shell's CSP).
 *
 * The transcript is virtualised, so its rows mount and unmount while the agent scrolls. The URLs
 * are therefore shared by `mediaId:variant` and counted: a URL in use is never revoked, and once
 * its last user is gone it stays in a small least-recently-used cache, so scrolling back shows it
 * without a new fetch, and the oldest idle ones are revoked so the bytes do not pile up.
 */
export type MediaVariant = 'file' | 'thumbnail';

/** Idle URLs kept: count and bytes (an audio or video file can be megabytes). */
export const IDLE_MEDIA_MAX = 60;
export const IDLE_MEDIA_MAX_BYTES = 48 * 1024 * 1024;

interface Entry {
  url: Promise<string | undefined>;
  users: number;
  bytes: number;
}

/** Map order is the recency order: the first idle entry is the least recently used. */
const cache = new Map<string, Entry>();

async function fetchMediaBlob(mediaId: string, variant: MediaVariant): Promise<Blob | undefined> {
  const token = await accessToken();
  if (!token) return undefined;
  const query = variant === 'thumbnail' ? '?thumbnail=1' : '';
  const response = await fetch(`${serverUrl()}/api/media/${encodeURIComponent(mediaId)}${query}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return response.ok ? response.blob() : undefined;
}

function revoke(entry: Entry): void {
  void entry.url.then((url) => url && URL.revokeObjectURL(url));
}

function evictIdle(): void {
  const idle = [...cache.entries()].filter(([, entry]) => entry.users === 0);
  let bytes = idle.reduce((sum, [, entry]) => sum + entry.bytes, 0);
  let count = idle.length;
  for (const [key, entry] of idle) {
    if (count <= IDLE_MEDIA_MAX && bytes <= IDLE_MEDIA_MAX_BYTES) break;
    cache.delete(key);
    revoke(entry);
    count--;
    bytes -= entry.bytes;
  }
}

/**
 * A counted use of a file's blob: URL (undefined when it cannot be fetched: offline, gone, no
 * permission — a failure is not cached, so a later use tries again). Call `release` exactly once.
 */
export function acquireMedia(mediaId: string, variant: MediaVariant): { url: Promise<string | undefined>; release: () => void } {
  const key = `${mediaId}:${variant}`;
  let entry = cache.get(key);
  if (entry) {
    cache.delete(key);
  } else {
    const created: Entry = { users: 0, bytes: 0, url: Promise.resolve(undefined) };
    created.url = fetchMediaBlob(mediaId, variant).then(
      (blob) => {
        if (!blob) throw new Error('not available');
        created.bytes = blob.size;
        return URL.createObjectURL(blob);
      },
    ).catch(() => {
      if (cache.get(key) === created) cache.delete(key);
      return undefined;
    });
    entry = created;
  }
  cache.set(key, entry);
  entry.users++;
  const mine = entry;
  let released = false;
  return {
    url: mine.url,
    release: () => {
      if (released) return;
      released = true;
      mine.users--;
      // An entry dropped while in use (a failed fetch) is revoked by its last user.
      if (mine.users === 0 && cache.get(key) !== mine) revoke(mine);
      evictIdle();
    },
  };
}

// Another user may sign in next, with other permissions: nothing fetched for this one is kept.
onSignedOut(() => {
  for (const entry of cache.values()) revoke(entry);
  cache.clear();
});

/** How many blob: URLs are held, in use or idle (for tests and diagnostics). */
export function heldMediaCount(): number {
  return cache.size;
}

/**
 * A reactive blob: URL for the current owner (a component): follows `source`, releases the
 * previous file when it changes and the last one when the owner's scope ends.
 */
export function useMediaUrl(source: () => { mediaId: string; variant: MediaVariant } | undefined): ShallowRef<string | undefined> {
  const url = shallowRef<string>();
  let current: { release: () => void } | undefined;
  const release = () => {
    current?.release();
    current = undefined;
    url.value = undefined;
  };
  watch(() => {
    const wanted = source();
    return wanted ? `${wanted.mediaId}:${wanted.variant}` : '';
  }, async () => {
    release();
    const wanted = source();
    if (!wanted) return;
    const use = acquireMedia(wanted.mediaId, wanted.variant);
    current = use;
    const next = await use.url;
    // A newer file was asked for meanwhile (or the owner is gone): this one is not shown.
    if (current === use) url.value = next;
  }, { immediate: true });
  onScopeDispose(release);
  return url;
}

/**
 * Saves a file under its name, the way a browser download does (the desktop shell asks where);
 * false when the file could not be fetched. The URL stays in the idle cache, so a second click
 * does not fetch again, and a download still reading it is not cut short.
 */
export async function downloadMedia(mediaId: string, name: string): Promise<boolean> {
  const use = acquireMedia(mediaId, 'file');
  try {
    const url = await use.url;
    if (!url) return false;
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.click();
    return true;
  } finally {
    use.release();
  }
}

const KB = 1024;
/** "512 B", "12 KB", "3.4 MB" (the unit symbols are the same in the three languages). */
export function formatFileSize(bytes: number, locale: string): string {
  if (bytes < KB) return `${bytes} B`;
  if (bytes < KB * KB) return `${Math.round(bytes / KB)} KB`;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(bytes / KB / KB)} MB`;
}
