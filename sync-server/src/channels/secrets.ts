import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Whether a secret a caller gave equals ours, in constant time and without leaking how long ours
 * is: both are hashed to the same length first (webhook secret headers, verify tokens).
 * An empty secret of ours never matches.
 */
export function sameSecret(given: string, ours: string): boolean {
  if (!ours) return false;
  const a = createHmac('sha256', 'compare').update(given).digest();
  const b = createHmac('sha256', 'compare').update(ours).digest();
  return timingSafeEqual(a, b);
}
