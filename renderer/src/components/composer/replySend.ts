import { ref } from 'vue';
import type { AnswerVisibility, ChannelKind } from '@atende/protocol';
import { useWorkspaceStore } from '../../stores/workspace';
import { replyParts } from './oneFilePerMessage';

/**
 * Sending the composer's reply: stored in the outbox first, so from there on the text is never lost
 * nor sent twice. WhatsApp, Telegram, Messenger and Instagram take one file per message: several
 * go as several messages, in the order attached (`replyParts`). `failed` says the local store
 * refused it (the reply stays in the composer).
 */
export function useReplySend(conversationId: () => string, channel: () => ChannelKind | undefined) {
  const workspace = useWorkspaceStore();
  const sending = ref(false);
  const failed = ref(false);

  /**
   * True once every part is in the outbox; false when a send is already under way or it failed.
   * `visibility`: a Reclame Aqui answer's (R-CH-07), the same for every part.
   */
  async function send(text: string, mediaIds: readonly string[], visibility?: AnswerVisibility): Promise<boolean> {
    if (sending.value) return false;
    sending.value = true;
    failed.value = false;
    try {
      for (const part of replyParts(channel(), text, mediaIds)) {
        await workspace.sendMessage(conversationId(), part.text, part.mediaIds, visibility);
      }
      return true;
    } catch {
      failed.value = true;
      return false;
    } finally {
      sending.value = false;
    }
  }

  return { sending, failed, send };
}
