/**
 * What crosses nodes (ARCHITECTURE §6): presence, typing, delivery to a visitor socket held by
 * another node, sign-out and session revocation. Messages are plain JSON; a handler receives
 * `unknown` and must validate it (see topics.ts), because another node — possibly running
 * another version — wrote it.
 */
export interface Bus {
  /** This node's id (ATENDE_NODE_ID or generated), unique among the nodes sharing one Redis. */
  readonly nodeId: string;
  /**
   * Hands the message to every node, this one included, always asynchronously. Rejects when the
   * message could not be handed over (Redis unreachable): the caller retries, e.g. from the outbox.
   */
  publish(topic: string, message: unknown): Promise<void>;
  /** Returns the unsubscribe function. Handlers run one at a time, in publication order. */
  subscribe(topic: string, handler: (message: unknown) => void): () => void;
  /** Resolves when the bus answers (readiness, R-OPS-05): the memory bus lives in this process; Redis is asked. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface BusOptions {
  nodeId?: string;
  log?: (message: string) => void;
}

/** Handlers by topic, as every bus driver keeps them. */
export class Subscriptions {
  private readonly handlers = new Map<string, Set<(message: unknown) => void>>();

  constructor(private readonly log: (message: string) => void) {}

  has(topic: string): boolean {
    return this.handlers.has(topic);
  }

  /** Returns the unsubscribe function. */
  add(topic: string, handler: (message: unknown) => void): () => void {
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

  /** Runs each handler of the topic on `messageFor()`; one that throws neither stops the others nor the bus. */
  deliver(topic: string, messageFor: () => unknown): void {
    for (const handler of [...(this.handlers.get(topic) ?? [])]) {
      try {
        handler(messageFor());
      } catch (error) {
        this.log(`bus: a ${topic} handler failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  clear(): void {
    this.handlers.clear();
  }
}
