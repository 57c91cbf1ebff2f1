import type { Request, RequestHandler } from 'express';
import { rateLimit, type Options } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import { type Bus, redisBusOf } from '../bus/index.js';
import type { RedisBus } from '../bus/redis.js';

/** The public endpoints that are limited per client address (ARCHITECTURE §8). */
export type RateLimitBucket = 'login' | 'refresh' | 'webchat-visitor' | 'webchat-message' | 'webchat-media' | 'webhook';

/**
 * Signed-in users' endpoints limited per user, not per address (a team shares its office's
 * address), each with its own window and the reason its refusal gives.
 */
export type UserRateLimitBucket = 'chat-message' | 'api-token';

interface UserLimit {
  /** Absent: the server's public per-minute limit (ATENDE_PUBLIC_RATE_LIMIT). */
  limit?: number;
  windowMs: number;
  message: string;
}

const USER_LIMITS: Record<UserRateLimitBucket, UserLimit> = {
  // R-WS-12: every chat message fans out to a whole team. 20 per 20 s: a burst of 20 (more than
  // anyone types at once), then one a second sustained; a script's flood is cut at its 21st. The
  // renderer's outbox keeps a held-back message and sends it again after the window.
  'chat-message': {
    limit: 20,
    windowMs: 20_000,
    message: 'Muitas mensagens seguidas no chat interno: aguarde alguns segundos; as mensagens pendentes serão enviadas em seguida.',
  },
  // R-RT-05: an integration's API token, counted per token on every node (Redis with a Redis bus),
  // as many a minute as one address may make on the public endpoints (ATENDE_PUBLIC_RATE_LIMIT).
  'api-token': {
    windowMs: 60_000,
    message: 'Too many requests with this API token; wait a minute (see the RateLimit headers)',
  },
};

export interface RateLimiterOptions {
  /** With a Redis bus the counters live in Redis, so every node counts the same client together. */
  bus?: Bus;
  log?: (message: string) => void;
}

const WINDOW_MS = 60_000;
const LOG_EVERY_MS = 60_000;

/**
 * rate-limit-redis loads its script once, when the limiter is created; a Redis outage at that
 * moment (or a Redis restart) would leave every later count failing. This loads it again first.
 */
class ReloadingRedisStore extends RedisStore {
  override async increment(key: string) {
    try {
      await this.incrementScriptSha;
    } catch {
      const reload = this.loadIncrementScript();
      reload.catch(() => {}); // awaited below; must not go unhandled when Redis is still away
      this.incrementScriptSha = reload;
    }
    return super.increment(key);
  }
}

/**
 * Fixed one-minute windows per bucket and client address (express-rate-limit; IPv6 clients are
 * grouped by /56). Counters are in memory on one node and in Redis with a Redis bus. When Redis
 * cannot be reached the request passes: the endpoints stay usable and login keeps its lockout.
 */
export class RateLimiter {
  private readonly limiters = new Map<RateLimitBucket | UserRateLimitBucket, RequestHandler>();
  private readonly redis: RedisBus | undefined;
  private readonly log: (message: string) => void;
  private lastLog = 0;

  constructor(
    private readonly perMinute: number,
    options: RateLimiterOptions = {},
  ) {
    this.redis = options.bus && redisBusOf(options.bus);
    this.log = options.log ?? (() => {});
  }

  /** One limiter per bucket, made on first use (a store may serve only one limiter). */
  middleware(bucket: RateLimitBucket): RequestHandler {
    let limiter = this.limiters.get(bucket);
    if (!limiter) this.limiters.set(bucket, (limiter = this.create(bucket)));
    return limiter;
  }

  /**
   * A signed-in user's limiter for `bucket` (its window and limit in USER_LIMITS), counted per
   * `userOf(req)`: it goes after the authentication that makes the user known.
   */
  perUser(bucket: UserRateLimitBucket, userOf: (req: Request) => string): RequestHandler {
    let limiter = this.limiters.get(bucket);
    if (!limiter) {
      const { limit, windowMs, message } = USER_LIMITS[bucket];
      this.limiters.set(bucket, (limiter = this.create(bucket, { limit, windowMs, message, keyGenerator: (req) => userOf(req) })));
    }
    return limiter;
  }

  private create(
    bucket: RateLimitBucket | UserRateLimitBucket,
    own: Partial<UserLimit> & Pick<Partial<Options>, 'keyGenerator'> = {},
  ): RequestHandler {
    const message = own.message ?? 'Too many requests; try again in a minute';
    const options: Partial<Options> = {
      windowMs: own.windowMs ?? WINDOW_MS,
      limit: own.limit ?? this.perMinute,
      ...(own.keyGenerator ? { keyGenerator: own.keyGenerator } : {}),
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      identifier: bucket,
      passOnStoreError: true,
      handler: (_req, res) => {
        res.status(429).json({ error: 'rate_limited', message });
      },
      logger: { error: (e, m) => this.warn(e, m), warn: (e, m) => this.warn(e, m) },
    };
    const redis = this.redis;
    if (redis) {
      options.store = new ReloadingRedisStore({
        prefix: `${redis.keyPrefix}:rl:${bucket}:`,
        sendCommand: (command: string, ...args: string[]) => redis.redis.call(command, ...args) as Promise<RedisReply>,
      });
    }
    return rateLimit(options);
  }

  /** At most one line a minute: an outage would otherwise log every request. */
  private warn(error: unknown, message?: string): void {
    const now = Date.now();
    if (now - this.lastLog < LOG_EVERY_MS) return;
    this.lastLog = now;
    this.log(`rate limit: ${message ?? ''} ${error instanceof Error ? error.message : String(error)}`.trim());
  }
}
