import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as MediaModule from '../src/net/media';

vi.mock('../src/net/api', () => ({
  accessToken: async () => 'token',
  serverUrl: () => 'http://server',
  onSignedOut: () => () => undefined,
}));

/**
 * The transcript's files (R-WS-04): the virtual list mounts and unmounts rows while scrolling,
 * so blob: URLs are shared, kept for a while when idle, and revoked past a bound.
 */
let fetched: string[] = [];
let revoked: string[] = [];
let failing = new Set<string>();
let media: typeof MediaModule;

beforeEach(async () => {
  vi.resetModules();
  fetched = [];
  revoked = [];
  failing = new Set();
  let next = 0;
  vi.stubGlobal('fetch', async (url: string) => {
    fetched.push(url);
    const ok = !failing.has(url);
    return { ok, blob: async () => new Blob(['x']) };
  });
  vi.spyOn(URL, 'createObjectURL').mockImplementation(() => `blob:${++next}`);
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation((url: string) => void revoked.push(url));
  media = await import('../src/net/media');
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('R-WS-04 transcript files: blob URLs shared, bounded and freed', () => {
  it('two rows showing one file share one fetch; a row that comes back after scrolling does not refetch', async () => {
    const a = media.acquireMedia('m1', 'thumbnail');
    const b = media.acquireMedia('m1', 'thumbnail');
    expect(await a.url).toBe(await b.url);
    a.release();
    b.release();
    const again = media.acquireMedia('m1', 'thumbnail');
    expect(await again.url).toBe('blob:1');
    expect(fetched).toEqual(['http://server/api/media/m1?thumbnail=1']);
    again.release();
    await flush();
    expect(revoked).toEqual([]);
  });

  it('idle URLs past the bound are revoked, least recently used first; URLs in use never are', async () => {
    const kept = media.acquireMedia('in-use', 'file');
    await kept.url;
    for (let i = 0; i < media.IDLE_MEDIA_MAX + 5; i++) {
      const use = media.acquireMedia(`m${i}`, 'thumbnail');
      await use.url;
      use.release();
    }
    await flush();
    expect(media.heldMediaCount()).toBe(media.IDLE_MEDIA_MAX + 1);
    // blob:1 is the one in use; blob:2… are m0… in order.
    expect(revoked).toEqual(['blob:2', 'blob:3', 'blob:4', 'blob:5', 'blob:6']);
    kept.release();
    await flush();
    expect(revoked).toHaveLength(6);
  });

  it('a file that could not be fetched is not cached: the next use tries again', async () => {
    failing.add('http://server/api/media/gone');
    const first = media.acquireMedia('gone', 'file');
    expect(await first.url).toBeUndefined();
    first.release();
    failing.clear();
    const second = media.acquireMedia('gone', 'file');
    expect(await second.url).toBe('blob:1');
    expect(fetched).toHaveLength(2);
    second.release();
  });
});
