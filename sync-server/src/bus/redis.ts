import { randomUUID } from 'node:crypto';
import type { Redis, RedisOptions } from 'ioredis';
import { type Bus, type BusOptions, Subscriptions } from './types.js';

export interface RedisBusOptions extends BusOptions {
  /** Namespace of every key, so several deployments can share one Redis. Default `atende`. */
  namespace?: string;
  /** Entries kept in the stream (approximately): how far a reader may fall behind and catch up. */
  maxLength?: number;
}

const READ_BATCH = 500;
const BLOCK_MS = 5_000;

/**
 * The bus over one Redis stream. Pub/sub would drop what is published while a node's subscriber
 * reconnects; a stream lets the reader resume from the last entry it saw, so a dropped
 * connection loses nothing (up to `maxLength` entries behind). Two connections per node: one for
 * commands (publish, and the presence and rate-limit scripts), which fails fast while Redis is
 * unreachable so callers can retry; one that blocks reading the stream and waits out outages.
 */
export class RedisBus implements Bus {
  readonly nodeId: string;
  /** The command connection; shared with presence and rate limits. Rejects while disconnected. */
  readonly redis: Redis;
  /** Keys share the hash tag so multi-key scripts stay in one slot under Redis Cluster. */
  readonly keyPrefix: string;
  readonly streamKey: string;
  readonly maxLength: number;
  private readonly reader: Redis;
  private readonly subscriptions: Subscriptions;
  private readonly log: (message: string) => void;
  private lastId = '0-0';
  private closed = false;
  private reading?: Promise<void>;

  private constructor(RedisClient: typeof Redis, url: string, options: RedisBusOptions) {
    this.nodeId = options.nodeId ?? randomUUID();
    this.log = options.log ?? (() => {});
    this.subscriptions = new Subscriptions(this.log);
    this.keyPrefix = `{${options.namespace ?? 'atende'}}`;
    this.streamKey = `${this.keyPrefix}:bus`;
    this.maxLength = options.maxLength ?? 10_000;
    const common: RedisOptions = { lazyConnect: true, keepAlive: 10_000 };
    this.redis = new RedisClient(url, {
      ...common,
      connectionName: `atende:${this.nodeId}:commands`,
      enableOfflineQueue: false,
      // In-flight commands fail when the connection drops instead of waiting for the next one.
      maxRetriesPerRequest: 0,
    });
    this.reader = new RedisClient(url, {
      ...common,
      connectionName: `atende:${this.nodeId}:reader`,
      // The blocking read waits for the reconnection and is then sent again from the same id.
      maxRetriesPerRequest: null,
    });
    watch(this.redis, 'commands', this.log, () => this.closed);
    watch(this.reader, 'reader', this.log, () => this.closed);
  }

  /** Connects both connections (failing start-up when Redis is unreachable) and starts reading. */
  static async open(url: string, options: RedisBusOptions = {}): Promise<RedisBus> {
    // Loaded only with Redis configured: a single node never pays for ioredis at start.
    const { Redis: RedisClient } = await import('ioredis');
    const bus = new RedisBus(RedisClient, url, options);
    try {
      await Promise.all([bus.redis.connect(), bus.reader.connect()]);
      // Read from the current end: what was published before this node started is not for it.
      const [last] = await bus.redis.xrevrange(bus.streamKey, '+', '-', 'COUNT', 1);
      if (last) bus.lastId = last[0];
    } catch (error) {
      bus.redis.disconnect();
      bus.reader.disconnect();
      throw new Error(`Redis at ${redacted(url)} is unreachable: ${error instanceof Error ? error.message : String(error)}`);
    }
    bus.reading = bus.read();
    return bus;
  }

  get connected(): boolean {
    return this.redis.status === 'ready';
  }

  async publish(topic: string, message: unknown): Promise<void> {
    if (this.closed) throw new Error('bus closed');
    const data = JSON.stringify(message);
    await this.redis.xadd(this.streamKey, 'MAXLEN', '~', this.maxLength, '*', 'topic', topic, 'data', data);
  }

  subscribe(topic: string, handler: (message: unknown) => void): () => void {
    return this.subscriptions.add(topic, handler);
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.subscriptions.clear();
    this.reader.disconnect(); // ends the blocking read at once
    await this.reading;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async read(): Promise<void> {
    while (!this.closed) {
      let reply: Array<[string, Array<[string, string[]]>]> | null;
      try {
        reply = await this.reader.xread('COUNT', READ_BATCH, 'BLOCK', BLOCK_MS, 'STREAMS', this.streamKey, this.lastId);
      } catch (error) {
        if (this.closed) return;
        this.log(`bus: reading the stream failed: ${error instanceof Error ? error.message : String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      for (const [, entries] of reply ?? []) {
        for (const [id, fields] of entries) {
          this.lastId = id;
          this.dispatch(fields);
        }
      }
    }
  }

  private dispatch(fields: string[]): void {
    let topic: string | undefined;
    let data: string | undefined;
    for (let i = 0; i + 1 < fields.length; i += 2) {
      if (fields[i] === 'topic') topic = fields[i + 1];
      else if (fields[i] === 'data') data = fields[i + 1];
    }
    if (!topic || !this.subscriptions.has(topic) || data === undefined) return;
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      this.log(`bus: dropped a ${topic} entry that is not JSON`);
      return;
    }
    this.subscriptions.deliver(topic, () => message);
  }
}

/** One log line when a connection is lost and one when it is back, not one per retry. */
function watch(connection: Redis, name: string, log: (message: string) => void, closing: () => boolean): void {
  let down = false;
  let lastError = '';
  // Without a listener ioredis prints every failed retry to the console.
  connection.on('error', (error: Error) => {
    lastError = error.message;
  });
  connection.on('close', () => {
    if (down || closing()) return;
    down = true;
    log(`bus: Redis ${name} connection lost${lastError ? ` (${lastError})` : ''}; reconnecting`);
  });
  connection.on('ready', () => {
    if (down) log(`bus: Redis ${name} connection is back`);
    down = false;
    lastError = '';
  });
}

/** The URL without its password, for messages. */
function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured URL';
  }
}
