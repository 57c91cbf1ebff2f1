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
  close(): Promise<void>;
}

export interface BusOptions {
  nodeId?: string;
  log?: (message: string) => void;
}

/** Runs a handler so that one failing subscriber neither stops the others nor the bus. */
export function deliver(handler: (message: unknown) => void, message: unknown, log: (m: string) => void, topic: string): void {
  try {
    handler(message);
  } catch (error) {
    log(`bus: a ${topic} handler failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
