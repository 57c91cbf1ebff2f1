import { randomUUID } from 'node:crypto';
import { type Bus, type BusOptions, deliver } from './types.js';

/**
 * The bus of a single node. Delivery is asynchronous and goes through JSON, as with Redis, so
 * code written against it does not come to rely on synchronous delivery or shared objects.
 */
export class MemoryBus implements Bus {
  readonly nodeId: string;
  private readonly handlers = new Map<string, Set<(message: unknown) => void>>();
  private readonly log: (message: string) => void;
  private closed = false;

  constructor(options: BusOptions = {}) {
    this.nodeId = options.nodeId ?? randomUUID();
    this.log = options.log ?? (() => {});
  }

  async publish(topic: string, message: unknown): Promise<void> {
    if (this.closed) throw new Error('bus closed');
    const json = JSON.stringify(message);
    setImmediate(() => {
      if (this.closed) return;
      for (const handler of [...(this.handlers.get(topic) ?? [])]) deliver(handler, JSON.parse(json), this.log, topic);
    });
  }

  subscribe(topic: string, handler: (message: unknown) => void): () => void {
    let set = this.handlers.get(topic);
    if (!set) this.handlers.set(topic, (set = new Set()));
    // A wrapper, so subscribing the same function twice gives two independent subscriptions.
    const entry = (message: unknown) => handler(message);
    set.add(entry);
    return () => {
      set.delete(entry);
      if (set.size === 0 && this.handlers.get(topic) === set) this.handlers.delete(topic);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
  }
}
