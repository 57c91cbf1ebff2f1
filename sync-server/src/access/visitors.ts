import type { DocStore, Selector } from '../store/index.js';

/**
 * What a website-chat visitor may see: the public customer and agent messages of its own
 * conversations on that account and the lifecycle events (never internal notes). Undefined when the
 * visitor has no conversation yet.
 */
export async function visitorMessagesSelector(store: DocStore, contactId: string, channelAccountId: string): Promise<Selector | undefined> {
  const conversations = await store.find({ selector: { type: 'conversation', contactId, channelAccountId }, limit: 200 });
  if (conversations.length === 0) return undefined;
  return {
    type: 'message',
    conversationId: { $in: conversations.map((c) => c._id) },
    visibility: 'public',
    // 'system': lifecycle events (queued, joined, transferred, finished), shown as notices (issue 9).
    direction: { $in: ['in', 'out', 'system'] },
  };
}
