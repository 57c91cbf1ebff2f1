import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Compact signed tokens: base64url(JSON payload) + "." + HMAC-SHA256. Used for short-lived
 * access tokens and visitor tokens; refresh tokens are random and stored only as hashes.
 */
export class TokenSigner {
  constructor(
    private readonly secret: string,
    /** The clock `exp` is checked against (tests inject one). */
    private readonly now: () => number = Date.now,
  ) {}

  sign(payload: Record<string, unknown>): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  verify(token: string): Record<string, unknown> | undefined {
    const dot = token.indexOf('.');
    if (dot <= 0 || token.length > 4096) return undefined;
    const body = token.slice(0, dot);
    const mac = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.mac(body), 'base64url');
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return undefined;
    try {
      const payload: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      if (typeof payload !== 'object' || payload === null) return undefined;
      const exp = (payload as { exp?: unknown }).exp;
      if (typeof exp === 'number' && exp * 1000 < this.now()) return undefined;
      return payload as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}

export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/**
 * Whether a secret a caller gave equals ours, in constant time and without leaking how long ours
 * is: both are hashed to the same length first (webhook secret headers, verify tokens, the metrics
 * and backup tokens). An empty secret of ours never matches.
 */
export function sameSecret(given: string, ours: string): boolean {
  if (!ours) return false;
  const a = createHmac('sha256', 'compare').update(given).digest();
  const b = createHmac('sha256', 'compare').update(ours).digest();
  return timingSafeEqual(a, b);
}
