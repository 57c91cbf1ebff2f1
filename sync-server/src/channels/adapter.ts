import type { ChannelKind, ConversationDoc, MessageDoc, MessageStatus } from '@atende/protocol';
import type { StoredDoc } from '../store/index.js';

/**
 * The one interface every channel goes through (R-CH-01). Inbound traffic arrives through each
 * adapter's own routes and is handed to `ConversationService.receiveInbound` normalised;
 * outbound messages are stored first and then handed to `send`.
 */
export interface OutboundResult {
  status: MessageStatus;
  externalId: string | null;
  error: string | null;
}

export interface ChannelAdapter {
  readonly kind: ChannelKind;
  send(conversation: ConversationDoc, message: MessageDoc): Promise<OutboundResult>;
  /** Shows or hides the agent's typing indicator to the customer, where the channel supports it. */
  typing(conversation: ConversationDoc, typing: boolean): void;
}

/** A configured channel account (a WhatsApp number, a widget site…); never replicated. */
export interface ChannelAccountDoc extends StoredDoc {
  type: 'channel';
  kind: ChannelKind;
  name: string;
  entryTeamId: string;
}

export class ChannelRegistry {
  private readonly adapters = new Map<ChannelKind, ChannelAdapter>();

  register(adapter: ChannelAdapter): void {
    this.adapters.set(adapter.kind, adapter);
  }

  get(kind: ChannelKind): ChannelAdapter | undefined {
    return this.adapters.get(kind);
  }
}
