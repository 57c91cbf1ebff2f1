import type { ConversationDoc, MessageDoc, WebchatServerFrame } from '@atende/protocol';
import type { WebSocket } from 'ws';
import { sendFrame } from '../../realtime/socket.js';
import type { ChannelAdapter, OutboundResult } from '../adapter.js';
import { toVisitorMessage } from './visitors.js';

/**
 * Website chat: "delivery" is a push to the visitor's open sockets. The message is already
 * stored, so a visitor who was not connected reads it from the transcript on return.
 */
export class WebchatAdapter implements ChannelAdapter {
  readonly kind = 'webchat';
  private readonly sockets = new Map<string, Set<WebSocket>>();

  attach(contactId: string, ws: WebSocket): void {
    let set = this.sockets.get(contactId);
    if (!set) this.sockets.set(contactId, (set = new Set()));
    set.add(ws);
    ws.on('close', () => {
      set.delete(ws);
      if (set.size === 0) this.sockets.delete(contactId);
    });
  }

  /** Sends to the visitor's open sockets; answers how many were open. */
  private push(contactId: string, frame: WebchatServerFrame): number {
    let reached = 0;
    for (const ws of this.sockets.get(contactId) ?? []) {
      if (ws.readyState !== ws.OPEN) continue;
      sendFrame(ws, frame);
      reached += 1;
    }
    return reached;
  }

  async send(conversation: ConversationDoc, message: MessageDoc): Promise<OutboundResult> {
    const reached = this.push(conversation.contactId, { type: 'message', message: toVisitorMessage(message) });
    return { status: reached > 0 ? 'delivered' : 'sent', externalId: null, error: null };
  }

  typing(conversation: ConversationDoc, typing: boolean): void {
    this.push(conversation.contactId, { type: 'typing', typing });
  }

  stop(): void {
    for (const set of this.sockets.values()) for (const ws of set) ws.terminate();
  }
}
