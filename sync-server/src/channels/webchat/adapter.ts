import type { ContactDoc, ConversationDoc, WebchatServerFrame } from '@atende/protocol';
import type { ChannelAdapter, OutboundRequest, SendResult } from '../adapter.js';
import { toVisitorMessage } from './visitors.js';

/** Delivery to a visitor's open sockets on whichever node holds them (bus-backed). */
export interface VisitorDelivery {
  deliver(contactId: string, frame: WebchatServerFrame): Promise<void>;
}

/**
 * Website chat (R-CH-02): "sending" publishes to the visitor's sockets on every node; the node
 * that reaches a socket marks the message delivered. A visitor who is away reads the message
 * from the transcript on return, and the widget dedupes by message id, so a repeated send is
 * harmless.
 */
export class WebchatAdapter implements ChannelAdapter {
  readonly kind = 'webchat';
  readonly idempotentSends = true;

  constructor(private readonly visitors: VisitorDelivery) {}

  async send(request: OutboundRequest): Promise<SendResult> {
    await this.visitors.deliver(request.conversation.contactId, { type: 'message', message: toVisitorMessage(request.message) });
    return { status: 'sent', externalId: null };
  }

  async typing(conversation: ConversationDoc, _contact: ContactDoc, typing: boolean): Promise<void> {
    await this.visitors.deliver(conversation.contactId, { type: 'typing', typing });
  }
}
