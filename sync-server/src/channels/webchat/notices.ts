import type { ConversationDoc, MessageDoc } from '@atende/protocol';
import type { JobHandler } from '../../jobs/types.js';
import type { DocStore } from '../../store/index.js';
import { getWire } from '../../store/wire.js';
import type { VisitorDelivery } from './adapter.js';
import { CustomerNames } from '../customerNames.js';
import { asVisitorSeesIt, toVisitorMessage } from './visitors.js';

/**
 * The `visitor-notice` job (issue 9, R-CH-02): a lifecycle event (in the queue, an agent joined,
 * transferred, finished) pushed to the visitor's open widget. A visitor who is away reads it from
 * the transcript on return, and the widget dedupes by id, so a repeated push is harmless.
 */
export function visitorNoticeJob(store: DocStore, delivery: VisitorDelivery): JobHandler {
  return async (job) => {
    const message = await getWire<MessageDoc>(store, String(job.payload.messageId));
    const conversation = message && (await getWire<ConversationDoc>(store, message.conversationId));
    if (!message || !conversation) return;
    // "<alias> entrou na conversa": the visitor reads the agent's alias, never their name (R-WS-11).
    const shown = await asVisitorSeesIt(message, new CustomerNames(store));
    await delivery.deliver(conversation.contactId, { type: 'message', message: toVisitorMessage(shown) });
  };
}
