import { advanceStatus, DELETED, docId, withEdit, type ConversationDoc, type MessageDoc } from '@atende/protocol';
import type { DocStore } from '../store/index.js';
import { updateWire } from '../store/wire.js';
import { previewOf } from './summary.js';

/**
 * What upstreams change on messages after they were stored (issue 11): delivery/read watermarks
 * on our messages (Messenger, Instagram) and the customer's edits of theirs (Telegram).
 */

/** Bounds of one watermark: a contact's conversations on an account, and our unread messages in each. */
const WATERMARK_CONVERSATIONS_MAX = 200;
const WATERMARK_MESSAGES_MAX = 1_000;

/**
 * A watermark (Messenger/Instagram `delivery`/`read`): our messages of the contact's
 * conversations on this account, created up to `at`, that reached the upstream (sent, or
 * delivered for a read) move up to `status`; never backwards, and never a message not yet sent.
 */
export async function applyStatusUpTo(store: DocStore, channelAccountId: string, contactId: string, status: 'delivered' | 'read', at: number): Promise<number> {
  const conversations = await store.find({ selector: { type: 'conversation', contactId }, limit: WATERMARK_CONVERSATIONS_MAX });
  let moved = 0;
  for (const conversation of conversations) {
    if (conversation.channelAccountId !== channelAccountId || conversation._deleted) continue;
    const candidates = await store.find({
      selector: { type: 'message', conversationId: conversation._id, direction: 'out', status: { $in: ['sent', 'delivered'] } },
      limit: WATERMARK_MESSAGES_MAX,
    });
    for (const candidate of candidates) {
      if (Number(candidate.createdAt) > at) continue;
      const { written } = await updateWire<MessageDoc>(store, candidate._id, (m) => {
        if (!m || (m.status !== 'sent' && m.status !== 'delivered') || m.createdAt > at) return undefined;
        const next = advanceStatus(m.status, status);
        return next === m.status ? undefined : { ...m, status: next, error: null, updatedAt: Math.max(Date.now(), m.updatedAt + 1) };
      });
      if (written) moved += 1;
    }
  }
  return moved;
}

/**
 * The customer edited an inbound message (Telegram `edited_message`): the new text, the old one
 * kept in the payload's history (`withEdit`), written through the store so it replicates. Answers
 * false when no such message is stored; a redelivered edit changes nothing and answers true.
 * `deleted` (an unsend): the payload says so too, the old text still in the history.
 */
export async function applyEdit(store: DocStore, messageKey: string, text: string, at: number, deleted = false): Promise<boolean> {
  const id = docId('message', messageKey);
  let found = false;
  const { doc, written } = await updateWire<MessageDoc>(store, id, (m) => {
    if (!m || m.direction !== 'in') return undefined;
    found = true;
    const edited = withEdit(m, text, at);
    if (!edited) return undefined;
    return { ...m, ...edited, ...(deleted ? { payload: { ...edited.payload, [DELETED]: true } } : {}), updatedAt: Math.max(Date.now(), m.updatedAt + 1) };
  });
  // The card shows the latest message's text: the edited one when it is that message.
  if (written && doc) {
    await updateWire<ConversationDoc>(store, doc.conversationId, (c) =>
      c && c.lastMessageAt === doc.createdAt && c.lastPreview !== previewOf(doc)
        ? { ...c, lastPreview: previewOf(doc), updatedAt: Math.max(Date.now(), c.updatedAt + 1) }
        : undefined,
    );
  }
  return found;
}
