import type { MessageDoc, UserDoc } from '@atende/protocol';
import { readableConversation } from '../access/conversations.js';
import type { DocStore } from '../store/index.js';
import { toWire } from '../store/wire.js';

/** More than any conversation holds in practice; the rest stays a later page's concern. */
export const TRANSCRIPT_LIMIT = 2_000;

/**
 * A conversation's messages for someone who may read it (issue 8 point 3: history outside the
 * replica, or not replicated yet, is a server query on demand; issue 9: another team's finished
 * conversation for whoever may see other teams' history), in the server's order — the message's
 * own timestamp, then id — never the store's.
 */
export async function conversationMessages(store: DocStore, user: UserDoc, conversationId: string): Promise<MessageDoc[]> {
  await readableConversation(store, user, conversationId);
  const found = await store.find({ selector: { type: 'message', conversationId }, limit: TRANSCRIPT_LIMIT });
  return found
    .filter((doc) => doc._deleted !== true)
    .map((doc) => toWire<MessageDoc>(doc))
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
