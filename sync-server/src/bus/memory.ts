import { randomUUID } from 'node:crypto';
import { type Bus, type BusOptions, Subscriptions } from './types.js';

/**
 * The bus of a single node. Delivery is asynchronous and goes through JSON, as with Redis, so
 * code written against it does not come to rely on synchronous delivery or shared objects.
 */
export class MemoryBus implements Bus {
  readonly nodeId: string;
  private readonly subscriptions: Subscriptions;
  private closed = false;

  constructor(options: BusOptions = {}) {
    this.nodeId = options.nodeId ?? randomUUID();
    this.subscriptions = new Subscriptions(options.log ?? (() => {}));
  }

  async publish(topic: string, message: unknown): Promise<void> {
    if (this.closed) throw new Error('bus closed');
    const json = JSON.stringify(message);
    setImmediate(() => {
      if (this.closed) return;
      this.subscriptions.deliver(topic, () => JSON.parse(json));
    });
  }

  subscribe(topic: string, handler: (message: unknown) => void): () => void {
    return this.subscriptions.add(topic, handler);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
    this.subscriptions.clear();
  }
}
