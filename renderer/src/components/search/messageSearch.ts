import { API, MESSAGE_SEARCH_LIMIT, searchWords, type ConversationDoc, type MessageDoc, type MessageSearchHit } from '@atende/protocol';
import type { AtendeDatabase } from '../../db/database';
import { call } from '../../net/client';
import { messageMatches } from './highlight';

/**
 * Message search by words (R-WS-13): first the local replica, read in pages with a pause between
 * them so typing stays smooth and bounded so a huge replica never stalls; then the server, for
 * what lies beyond the replica (older or other teams' finished conversations, with permission).
 */
export type SearchHit = MessageSearchHit & { source: 'local' | 'server' };

/** Messages read per page, pages at most: a bound on the local work of one search. */
const PAGE = 500;
const PAGES_MAX = 40;

const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * The replica's matching messages, newest ids first (ids grow with time), at most
 * MESSAGE_SEARCH_LIMIT; `cancelled` stops between pages when a newer search started.
 */
export async function searchLocal(
  db: AtendeDatabase,
  q: string,
  describe: (conversation: ConversationDoc | undefined) => string,
  cancelled: () => boolean,
): Promise<SearchHit[]> {
  const words = searchWords(q);
  if (words.length === 0) return [];
  const found: MessageDoc[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < PAGES_MAX && found.length < MESSAGE_SEARCH_LIMIT; page++) {
    const docs = await db.messages
      .find({ selector: cursor ? { id: { $lt: cursor } } : {}, sort: [{ id: 'desc' }], limit: PAGE })
      .exec();
    if (cancelled()) return [];
    for (const doc of docs) {
      const message = doc.toMutableJSON() as MessageDoc;
      // Agents' internal chat (R-WS-12) is no customer message: it must not crowd the hits out either.
      if (message.direction !== 'internal' && messageMatches(message, words)) found.push(message);
    }
    if (docs.length < PAGE) break;
    cursor = docs[docs.length - 1]?.id;
    await pause();
  }
  const ids = [...new Set(found.map((m) => m.conversationId))];
  const conversations = new Map((await db.conversations.findByIds(ids).exec()).entries());
  return found.slice(0, MESSAGE_SEARCH_LIMIT).flatMap((message) => {
    const conversation = conversations.get(message.conversationId)?.toMutableJSON() as ConversationDoc | undefined;
    if (!conversation) return [];
    return [{
      source: 'local' as const,
      message,
      conversation: {
        id: conversation.id, protocol: conversation.protocol, contactId: conversation.contactId,
        contactName: describe(conversation), status: conversation.status, teamId: conversation.teamId,
      },
    }];
  });
}

/** The server's hits the replica did not have, after the local ones. */
export async function searchServer(q: string, local: readonly SearchHit[]): Promise<SearchHit[]> {
  const { hits } = await call(API.searchMessages, { query: { q } });
  const known = new Set(local.map((hit) => hit.message.id));
  return hits.filter((hit) => !known.has(hit.message.id)).map((hit) => ({ ...hit, source: 'server' as const }));
}
