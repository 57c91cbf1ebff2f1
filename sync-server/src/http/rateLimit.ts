import type { RequestHandler } from 'express';
import { DomainError } from './errors.js';

/** Fixed-window limits per client address for public endpoints (login, widget, webhooks). */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly perMinute: number) {}

  hit(bucket: string, client: string, now = Date.now()): boolean {
    const key = `${bucket}|${client}`;
    const window = this.windows.get(key);
    if (!window || now - window.start >= 60_000) {
      if (this.windows.size > 10_000) this.prune(now);
      this.windows.set(key, { start: now, count: 1 });
      return true;
    }
    window.count += 1;
    return window.count <= this.perMinute;
  }

  private prune(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= 60_000) this.windows.delete(key);
  }

  middleware(bucket: string): RequestHandler {
    return (req, _res, next) => {
      if (this.hit(bucket, req.ip ?? 'unknown')) return next();
      next(new DomainError(429, 'rate_limited', 'Too many requests; try again in a minute'));
    };
  }
}
