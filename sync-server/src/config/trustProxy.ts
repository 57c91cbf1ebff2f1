import { isIP } from 'node:net';
import { ConfigError, list, type Env } from './env.js';

/** The names Express (proxy-addr) knows for address ranges. */
const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * ATENDE_TRUST_PROXY: the reverse proxies whose X-Forwarded-For is believed (comma-separated IPs
 * or CIDRs). Unset trusts nobody: a client could otherwise pick a fresh address, hence a fresh
 * rate-limit and lockout bucket, for every request (issue 14).
 */
export function loadTrustProxy(env: Env): string[] {
  return list(env, 'ATENDE_TRUST_PROXY').map((entry) => {
    if (NAMED_RANGES.includes(entry)) return entry;
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const max = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= max);
    if (!family || !prefixOk || extra !== undefined) {
      throw new ConfigError(`ATENDE_TRUST_PROXY: "${entry}" is not an IP address or CIDR range`);
    }
    return entry;
  });
}
