import type { ConversationDoc } from '@atende/protocol';
import type { DocStore } from '../store/index.js';

/** The messages index (store/indexes.ts). */
const MESSAGE_CONVERSATION_INDEX = 'idx-message-conversation';
const LOOKUP_LIMIT = 2_000;

/**
 * Conversations stored before issue 16 carry none of the figures' timestamps (`firstResponseAt`,
 * `queuedAt`, `firstTakenAt`): the server sets at least one of them on every conversation it puts
 * in a queue or hands to an agent since. For those alone, and only when the customer started them
 * (the only ones a first response is measured for), the first agent message is looked up once; the
 * answer is kept in the conversation's fact (rollups.ts), so each is looked up at most once after it
 * was answered. Their waiting and handling times stay unmeasured (no such timestamps were kept).
 */
export function isLegacy(c: ConversationDoc): boolean {
  return c.startedBy === 'customer' && c.firstResponseAt === undefined && c.queuedAt === undefined && c.firstTakenAt === undefined;
}

/** When an agent first wrote to the customer: a public message out, authored by a user (not the bot, not automatic). */
export async function firstAgentMessageAt(store: DocStore, conversationId: string): Promise<number | null> {
  const messages = await store.find({
    selector: { type: 'message', conversationId, direction: 'out' },
    fields: ['authorId', 'visibility', 'createdAt'],
    useIndex: MESSAGE_CONVERSATION_INDEX,
    limit: LOOKUP_LIMIT,
  });
  let first: number | null = null;
  for (const m of messages) {
    if (typeof m.authorId !== 'string' || !m.authorId.startsWith('user:') || m.visibility !== 'public') continue;
    if (typeof m.createdAt === 'number' && (first === null || m.createdAt < first)) first = m.createdAt;
  }
  return first;
}
