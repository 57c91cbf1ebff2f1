import { onScopeDispose, shallowRef, watch, type ShallowRef } from 'vue';
import { accessToken, serverUrl } from '../../net/api';

/**
 * A stored file as something an <img> can show: `GET /api/media/:id` wants the bearer token, which
 * an image element cannot send, so the bytes are fetched and shown through a blob: URL (allowed by
 * the shell's CSP), revoked when the owner goes away or the file changes.
 */
export async function fetchMediaUrl(mediaId: string, thumbnail: boolean): Promise<string | undefined> {
  const token = await accessToken();
  if (!token) return undefined;
  const query = thumbnail ? '?thumbnail=1' : '';
  const response = await fetch(`${serverUrl()}/api/media/${encodeURIComponent(mediaId)}${query}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  if (!response.ok) return undefined;
  return URL.createObjectURL(await response.blob());
}

export function useMediaUrl(source: () => { mediaId: string; thumbnail: boolean } | undefined): ShallowRef<string | undefined> {
  const url = shallowRef<string>();
  let generation = 0;
  const release = () => {
    if (url.value) URL.revokeObjectURL(url.value);
    url.value = undefined;
  };
  watch(() => source()?.mediaId, async () => {
    const wanted = source();
    const mine = ++generation;
    release();
    if (!wanted) return;
    const next = await fetchMediaUrl(wanted.mediaId, wanted.thumbnail).catch(() => undefined);
    // A newer file was asked for meanwhile (or the owner is gone): this one is not shown.
    if (mine !== generation) {
      if (next) URL.revokeObjectURL(next);
      return;
    }
    url.value = next;
  }, { immediate: true });
  onScopeDispose(() => {
    generation++;
    release();
  });
  return url;
}
