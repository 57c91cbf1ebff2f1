import { computed, onScopeDispose, ref } from 'vue';
import {
  ATTACHMENTS_MAX, checkFileForChannel, megabytes, ulid, type Attachment, type ChannelKind, type MediaResponse,
} from '@atende/protocol';
import { ApiError } from '../../net/api';
import { uploadMedia } from './upload';

/**
 * One file on its way into the next message: uploading (with progress), ready (stored on the
 * server, its id goes with the message) or failed (kept on screen with the reason until removed).
 */
export interface PendingAttachment {
  key: string;
  name: string;
  size: number;
  mimeType: string;
  state: 'uploading' | 'ready' | 'failed';
  progress: number;
  mediaId?: string;
  /** An i18n key under `composer.refusal.` and its values. */
  error?: { key: string; values: Record<string, string | number> };
}

export type Refusal = NonNullable<PendingAttachment['error']>;

/** What to tell the agent when a file may not go (before any byte is sent) or its upload failed. */
function refusalOf(error: unknown, name: string): Refusal {
  if (error instanceof ApiError) {
    if (error.isNetwork) return { key: 'offline', values: { name } };
    if (error.status === 413 || error.code === 'too_large') return { key: 'tooLargeServer', values: { name } };
    if (error.status === 415 || error.code === 'unsupported_type') return { key: 'unsupported', values: { name } };
  }
  return { key: 'failed', values: { name } };
}

/**
 * The composer's files (R-WS-04): each is checked against the conversation's channel limits
 * (protocol `checkFileForChannel`) before uploading, then uploaded at once so sending is quick.
 * Files need the server: while offline none is taken, and the composer says so.
 */
export function useAttachments(channel: () => ChannelKind | undefined, online: () => boolean) {
  const items = ref<PendingAttachment[]>([]);
  /** The last refusal of a file that never became a chip (too large, wrong type, offline). */
  const refusal = ref<Refusal>();
  const uploads = new Map<string, AbortController>();

  const uploading = computed(() => items.value.some((i) => i.state === 'uploading'));
  /** A failed file is not sent silently without it: the agent removes it (or tries it again) first. */
  const blocked = computed(() => items.value.some((i) => i.state !== 'ready'));
  const mediaIds = computed(() => items.value.flatMap((i) => (i.state === 'ready' && i.mediaId ? [i.mediaId] : [])));

  function update(key: string, change: Partial<PendingAttachment>): void {
    items.value = items.value.map((i) => (i.key === key ? { ...i, ...change } : i));
  }

  function add(files: Iterable<File>): void {
    refusal.value = undefined;
    const kind = channel();
    for (const file of files) {
      if (!online()) {
        refusal.value = { key: 'offline', values: { name: file.name } };
        return;
      }
      if (!kind) return;
      if (items.value.length >= ATTACHMENTS_MAX) {
        refusal.value = { key: 'tooMany', values: { max: ATTACHMENTS_MAX } };
        return;
      }
      const refused = checkFileForChannel(kind, file);
      if (refused) {
        const maxBytes = typeof refused.extra.maxBytes === 'number' ? refused.extra.maxBytes : 0;
        refusal.value = refused.kind === 'too_large'
          ? { key: 'tooLarge', values: { name: file.name, max: megabytes(maxBytes) } }
          : { key: 'unsupported', values: { name: file.name } };
        continue;
      }
      const key = ulid();
      items.value = [...items.value, {
        key, name: file.name || 'arquivo', size: file.size, mimeType: file.type, state: 'uploading', progress: 0,
      }];
      const abort = new AbortController();
      uploads.set(key, abort);
      uploadMedia(file, kind, (progress) => update(key, { progress }), abort.signal)
        .then((media: MediaResponse) => update(key, { state: 'ready', progress: 1, mediaId: media.id, name: media.name }))
        .catch((error: unknown) => {
          if (!abort.signal.aborted) update(key, { state: 'failed', error: refusalOf(error, file.name) });
        })
        .finally(() => uploads.delete(key));
    }
  }

  /** Files already on the server (a predefined message's): attached without uploading again. */
  function attachStored(attachments: readonly Attachment[]): void {
    const fresh = attachments.filter((a) => !items.value.some((i) => i.mediaId === a.mediaId));
    items.value = [...items.value, ...fresh.map((a) => ({
      key: ulid(), name: a.name, size: a.size, mimeType: a.mimeType, state: 'ready' as const, progress: 1, mediaId: a.mediaId,
    }))].slice(0, ATTACHMENTS_MAX);
  }

  function remove(key: string): void {
    uploads.get(key)?.abort();
    items.value = items.value.filter((i) => i.key !== key);
  }

  function clear(): void {
    for (const abort of uploads.values()) abort.abort();
    items.value = [];
    refusal.value = undefined;
  }

  onScopeDispose(() => {
    for (const abort of uploads.values()) abort.abort();
  });

  return { items, refusal, uploading, blocked, mediaIds, add, attachStored, remove, clear };
}

/** Pictures pasted from the clipboard (screenshots have no name: they get one from the time). */
export function pastedFiles(data: DataTransfer | null): File[] {
  if (!data) return [];
  return [...data.files].map((file, index) => {
    if (file.name && file.name !== 'image.png') return file;
    const ext = file.type.split('/')[1] ?? 'png';
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    return new File([file], `imagem-${stamp}${index ? `-${index}` : ''}.${ext}`, { type: file.type });
  });
}
