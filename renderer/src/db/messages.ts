import { watch, type Ref, type ShallowRef } from 'vue';
import { API, type MessageDoc } from '@atende/protocol';
import { call } from '../net/client';
import type { AtendeDatabase } from './database';
import { liveQuery } from './live';

/**
 * A conversation's messages in the server's order: its own timestamp, then id (issue 8 point 5).
 * Never by arrival: a sharded CouchDB feed, a stream and a catch-up pull deliver in any order.
 */
export function messagesQuery(db: AtendeDatabase, conversationId: string) {
  return db.messages.find({ selector: { conversationId }, sort: [{ createdAt: 'asc' }, { id: 'asc' }] });
}

/**
 * Messages replicate after the conversations (first sync, issue 8 point 6): a conversation opened
 * before its messages arrived gets them from the server at once. They are inserted, never
 * overwritten, so a newer copy the replication already wrote wins; later changes replicate.
 */
export async function fetchMessagesOnDemand(db: AtendeDatabase, conversationId: string): Promise<number> {
  const local = await db.messages.count({ selector: { conversationId } }).exec();
  if (local > 0) return 0;
  let page: { messages: MessageDoc[] };
  try {
    // In the server's order; 404 outside the user's teams.
    page = await call(API.conversationMessages, { params: { id: conversationId } });
  } catch {
    return 0; // offline or not allowed: the replication brings them when it can
  }
  const result = await db.messages.bulkInsert(page.messages);
  return result.success.length;
}

/** The open conversation's messages, live from the replica, fetched on demand when not there yet. */
export function useConversationMessages(db: Ref<AtendeDatabase | undefined>, conversationId: Ref<string>): ShallowRef<MessageDoc[]> {
  const messages = liveQuery<MessageDoc>(
    () => (db.value ? messagesQuery(db.value, conversationId.value).$ : undefined),
    () => [db.value, conversationId.value],
  );
  watch(
    () => [db.value, conversationId.value] as const,
    ([database, id]) => {
      if (database) void fetchMessagesOnDemand(database, id);
    },
    { immediate: true },
  );
  return messages;
}
