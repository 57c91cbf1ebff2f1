import { randomBytes, timingSafeEqual } from 'node:crypto';
import { INVALID_CLIENT, INVALID_TOKEN, tooManyRequests, type HugMeFailure } from './hugmeContract.js';

/**
 * HugMe's OAuth client credentials and its rate limit, as the fake plays them: tokens issued for
 * HTTP Basic `client_id:client_secret`, valid `ttlSeconds`, and at most `perMinute` API calls per
 * token in any sliding minute. Model assumption: the limit is counted per token, and 429's
 * Retry-After is the seconds until the oldest call of the minute leaves it.
 */

const MINUTE_MS = 60_000;

export class HugMeTokens {
  private readonly tokens = new Map<string, { expiresAt: number; calls: number[] }>();

  constructor(private readonly options: {
    clientId: string; clientSecret: string; ttlSeconds: () => number; perMinute: () => number; now: () => number;
  }) {}

  /** `POST /auth/oauth/token?grant_type=client_credentials`: the token answer, or the refusal. */
  issue(grantType: string | null, authorization: string | undefined): HugMeFailure | { access_token: string; token_type: 'Bearer'; expires_in: number } {
    if (grantType !== 'client_credentials') return { status: 400, error: 'unsupported_grant_type', message: 'grant_type must be client_credentials' };
    const basic = /^Basic (.+)$/i.exec(authorization ?? '')?.[1];
    const expected = Buffer.from(`${this.options.clientId}:${this.options.clientSecret}`);
    const given = Buffer.from(basic ? Buffer.from(basic, 'base64').toString('utf8') : '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return INVALID_CLIENT;
    const accessToken = randomBytes(24).toString('hex');
    const ttl = this.options.ttlSeconds();
    this.tokens.set(accessToken, { expiresAt: this.options.now() + ttl * 1000, calls: [] });
    return { access_token: accessToken, token_type: 'Bearer', expires_in: ttl };
  }

  /** Admits an API call: 401 for a missing, unknown or expired bearer token, 429 past the limit. */
  admit(authorization: string | undefined): HugMeFailure | undefined {
    const token = this.tokens.get(/^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '');
    const now = this.options.now();
    if (!token || token.expiresAt <= now) return INVALID_TOKEN;
    const perMinute = this.options.perMinute();
    if (perMinute <= 0) return undefined;
    const calls = token.calls;
    while (calls.length && (calls[0] ?? 0) <= now - MINUTE_MS) calls.shift();
    if (calls.length >= perMinute) return tooManyRequests(Math.max(1, Math.ceil(((calls[0] ?? now) + MINUTE_MS - now) / 1000)));
    calls.push(now);
    return undefined;
  }

  expireAll(): void {
    for (const token of this.tokens.values()) token.expiresAt = 0;
  }

  clear(): void {
    this.tokens.clear();
  }
}
