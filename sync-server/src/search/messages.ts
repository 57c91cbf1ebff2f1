import {
  maySeeOtherTeamsHistory, matchesAllWords, MESSAGE_SEARCH_LIMIT, overseesAll, searchWords, type ConversationDoc,
  type MessageDoc, type MessageSearchHit, type UserDoc, viewerOf,
} from '@atende/protocol';
import { mayReadConversation } from '../access/conversations.js';
import { maskedFor } from '../access/masking.js';
import type { DocStore, StoredDoc } from '../store/index.js';
import { toWire } from '../store/wire.js';
import { prefixEnd, SEARCH_DESIGN, WORDS_SCOPE_ALL } from './views.js';

/** Index rows read per scope before filtering: a bound on the work of one search. */
const ROWS_PER_SCOPE = 400;

/**
 * Message search by words (R-WS-13), newest first, scoped to what the user may read: their
 * teams' ranges of the word index, or every team's for supervisors and for agents allowed other
 * teams' history (then only finished conversations of other teams pass). Every hit is checked
 * again against the documents as they are now (a transfer may have moved a conversation).
 */
export async function searchMessages(store: DocStore, user: UserDoc, q: string): Promise<MessageSearchHit[]> {
  const words = searchWords(q);
  const longest = [...words].sort((a, b) => b.length - a.length)[0];
  if (!longest) return [];
  const scopes = overseesAll(user) || maySeeOtherTeamsHistory(user)
    ? [WORDS_SCOPE_ALL]
    : [...new Set(user.teamIds)];
  const candidates = new Map<string, StoredDoc>();
  for (const scope of scopes) {
    // Descending: for each word the newest messages come first.
    const rows = await store.queryView(SEARCH_DESIGN, {
      view: 'message_words', startkey: [scope, prefixEnd(longest)], endkey: [scope, longest], descending: true, limit: ROWS_PER_SCOPE,
    });
    for (const row of rows) if (!candidates.has(row.id)) candidates.set(row.id, row.doc);
  }
  // Issue 19 (R-PRIV-04): what a user reads masked is searched masked, or a search for a CPF would
  // tell them whose message holds it.
  const viewer = viewerOf(user);
  const matching = [...candidates.values()]
    .filter((doc) => doc.removed !== true && doc.direction !== 'internal' && typeof doc.text === 'string')
    .map((doc) => maskedFor(viewer, toWire<MessageDoc>(doc)))
    .filter((message) => matchesAllWords(searchWords(message.text), words))
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
  const hits: MessageSearchHit[] = [];
  const conversations = new Map<string, ConversationDoc | null>();
  for (const message of matching) {
    if (hits.length >= MESSAGE_SEARCH_LIMIT) break;
    let conversation = conversations.get(message.conversationId);
    if (conversation === undefined) {
      const stored = await store.get(message.conversationId);
      conversation = stored && mayReadConversation(user, stored) ? toWire<ConversationDoc>(stored) : null;
      conversations.set(message.conversationId, conversation);
    }
    // The message must still be where its conversation is (an agent's former team reads nothing).
    if (!conversation || conversation.teamId !== message.teamId) continue;
    const contact = await store.get(conversation.contactId);
    hits.push({
      message,
      conversation: {
        id: conversation.id, protocol: conversation.protocol, contactId: conversation.contactId,
        contactName: contact && contact.removed !== true && typeof contact.name === 'string' ? contact.name : '',
        status: conversation.status, teamId: conversation.teamId,
      },
    });
  }
  return hits;
}
