import { computed } from 'vue';
import type { ChannelKind, ConversationDoc } from '@atende/protocol';
import { liveQuery } from '../../db/live';
import { useSessionStore } from '../../stores/session';

/**
 * The channel a message came through, for the few notices that name it ("grande demais para o
 * Telegram"): a message does not carry it, its conversation does (local store). Asked only while
 * `needed`, so the transcript's plain messages run no query.
 */
export function useMessageChannel(conversationId: () => string, needed: () => boolean) {
  const session = useSessionStore();
  const found = liveQuery<ConversationDoc>(
    () => (needed() ? session.db?.conversations.find({ selector: { id: conversationId() } }).$ : undefined),
    () => [session.db, conversationId(), needed()],
  );
  return computed<ChannelKind | undefined>(() => found.value[0]?.channel);
}
