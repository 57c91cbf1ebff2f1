import { checkMedia, notFound, type Attachment, type ChannelKind } from '@atende/protocol';
import type { DocStore } from '../store/index.js';

/**
 * Uploaded files (`media:` documents) turned into message attachments: only the uploader may
 * attach a file, and only what the conversation's channel accepts (R-WS-04).
 */
export async function attachmentsOf(store: DocStore, mediaIds: readonly string[], uploadedBy: string, channel: ChannelKind): Promise<Attachment[]> {
  const found: Attachment[] = [];
  for (const mediaId of new Set(mediaIds)) {
    const media = mediaId.startsWith('media:') ? await store.get(mediaId) : undefined;
    if (!media || media._deleted || media.type !== 'media' || media.uploadedBy !== uploadedBy) throw notFound('media');
    const refusal = checkMedia(channel, String(media.mimeType), Number(media.size));
    if (refusal) throw refusal;
    found.push({
      mediaId, name: String(media.name), mimeType: String(media.mimeType), size: Number(media.size),
      kind: media.kind as Attachment['kind'], thumbnail: media.thumbnail === true,
    });
  }
  return found;
}
