import type { WebchatServerFrame } from '@atende/protocol';
import type { WebSocket } from 'ws';
import { type Bus, publishTopic, subscribeTopic } from '../../bus/index.js';
import { sendFrame } from '../../realtime/socket.js';
import type { VisitorDelivery } from './adapter.js';

export type DeliveredListener = (contactId: string, frame: WebchatServerFrame) => void;

export interface VisitorSocketsOptions {
  /** Tabs one visitor may keep open on one node; the oldest is closed past it. */
  maxSocketsPerContact?: number;
  log?: (message: string) => void;
}

/**
 * The website visitors' open sockets on this node, reached from any node: a frame is published
 * on the bus and every node pushes it to its own sockets of that contact. The node that wrote
 * to a socket tells its listeners, so it can mark the message delivered (several nodes may;
 * statuses only move forward).
 */
export class VisitorSockets implements VisitorDelivery {
  private readonly sockets = new Map<string, Set<WebSocket>>();
  private readonly listeners = new Set<DeliveredListener>();
  private readonly unsubscribe: () => void;
  private readonly maxPerContact: number;

  constructor(
    private readonly bus: Bus,
    options: VisitorSocketsOptions = {},
  ) {
    this.maxPerContact = options.maxSocketsPerContact ?? 10;
    this.unsubscribe = subscribeTopic(bus, 'visitor.deliver', (m) => this.push(m.contactId, m.frame), options.log);
  }

  attach(contactId: string, ws: WebSocket): void {
    let set = this.sockets.get(contactId);
    if (!set) this.sockets.set(contactId, (set = new Set()));
    set.add(ws);
    ws.on('close', () => {
      set.delete(ws);
      if (set.size === 0 && this.sockets.get(contactId) === set) this.sockets.delete(contactId);
    });
    for (const oldest of set) {
      if (set.size <= this.maxPerContact) break;
      set.delete(oldest);
      oldest.close(1008, 'too many connections');
    }
  }

  /** Rejects when the bus cannot take the frame; the caller (a send job) retries. */
  deliver(contactId: string, frame: WebchatServerFrame): Promise<void> {
    return publishTopic(this.bus, 'visitor.deliver', { contactId, frame });
  }

  onDelivered(listener: DeliveredListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sockets of this contact open on this node. */
  countOf(contactId: string): number {
    return this.sockets.get(contactId)?.size ?? 0;
  }

  stop(): void {
    this.unsubscribe();
    for (const set of this.sockets.values()) for (const ws of set) ws.terminate();
    this.sockets.clear();
  }

  private push(contactId: string, frame: WebchatServerFrame): void {
    let reached = 0;
    for (const ws of this.sockets.get(contactId) ?? []) {
      if (ws.readyState !== ws.OPEN) continue;
      sendFrame(ws, frame); // drops a reader too far behind; it reads the transcript on return
      if (ws.readyState === ws.OPEN) reached += 1;
    }
    if (reached === 0) return;
    for (const listener of this.listeners) listener(contactId, frame);
  }
}
