import { computed } from 'vue';
import { agentMessageId, type MessageDoc } from '@atende/protocol';
import { liveQuery } from '../../db/live';
import type { OutboxDoc } from '../../db/outboxSchema';
import { useSessionStore } from '../../stores/session';

/**
 * The conversation's replies still in the outbox, oldest first. A reply is shown until its message
 * is in the local store: then the server has it (even if its answer was lost and the outbox still
 * confirms it) and the history shows it, once. Refused ones stay until the agent takes them back.
 */
export function useUnsentReplies(conversationId: () => string) {
  const session = useSessionStore();
  const replies = liveQuery<OutboxDoc>(
    () => session.db?.outbox.find({ selector: { conversationId: conversationId(), kind: 'reply' } }).$,
    () => [session.db, conversationId()],
  );
  // The server stores a reply under its author's namespaced id (issue 14); the outbox is this user's.
  const messageIdOf = (reply: OutboxDoc) => agentMessageId(session.user?.id ?? '', reply.id);
  const messageIds = computed(() => replies.value.filter((r) => r.state !== 'rejected').map(messageIdOf));
  const arrived = liveQuery<MessageDoc>(
    () => (messageIds.value.length ? session.db?.messages.find({ selector: { id: { $in: messageIds.value } } }).$ : undefined),
    () => messageIds.value.join(),
  );
  return computed(() => {
    const here = new Set(arrived.value.map((m) => m.id));
    return replies.value
      .filter((r) => !here.has(messageIdOf(r)))
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  });
}

export const replyText = (reply: OutboxDoc): string => String(reply.body.text ?? '');
export const replyFiles = (reply: OutboxDoc): number => (Array.isArray(reply.body.mediaIds) ? reply.body.mediaIds.length : 0);
