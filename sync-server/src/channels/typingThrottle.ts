/**
 * A Map that keeps at most `capacity` entries, dropping the oldest-inserted first: per-node memos
 * of channel adapters (typing last sent, a file already sent) that must not grow with every
 * conversation a long-running server ever saw.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly capacity = 1_000) {
    super();
  }

  override set(key: K, value: V): this {
    if (!this.has(key) && this.size >= this.capacity) {
      const oldest = this.keys().next();
      if (!oldest.done) this.delete(oldest.value);
    }
    return super.set(key, value);
  }
}

/**
 * How often a conversation's typing indicator goes upstream: at most once per `refreshMs` while the
 * agent keeps typing (each upstream shows it for a while by itself). One per adapter and node.
 */
export class TypingThrottle {
  private readonly sentAt: BoundedMap<string, number>;

  constructor(private readonly refreshMs: number, private readonly now: () => number = Date.now, capacity?: number) {
    this.sentAt = new BoundedMap(capacity);
  }

  /** True (and remembered as sent now) when the indicator for this conversation is due again. */
  due(conversationId: string): boolean {
    const now = this.now();
    const last = this.sentAt.get(conversationId);
    if (last !== undefined && now - last < this.refreshMs) return false;
    // Re-inserted, so a conversation typed in often is not the first to be dropped.
    this.sentAt.delete(conversationId);
    this.sentAt.set(conversationId, now);
    return true;
  }

  /** Our reply (or typing_off) ended the indicator: the next typing shows it again at once. False when none was on. */
  forget(conversationId: string): boolean {
    return this.sentAt.delete(conversationId);
  }
}
