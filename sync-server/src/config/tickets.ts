import { ConfigError } from '../config/config.js';

/** The outgoing ticket integration (R-WS-14); README lists the keys. Absent URL: links by number only. */
export interface TicketConfig {
  url: string | undefined;
  token: string | undefined;
  /** Calls per ticket before the link reads 'failed' (the dead letter). */
  attempts: number;
  /** The first retry's delay; each next one doubles (with jitter), up to a minute. */
  retryMs: number;
}

type Env = Record<string, string | undefined>;

function count(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) throw new ConfigError(`${key} must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}

export function loadTicketConfig(env: Env): TicketConfig {
  const raw = env.ATENDE_TICKET_URL || undefined;
  if (raw !== undefined) {
    let protocol = '';
    try {
      protocol = new URL(raw).protocol;
    } catch {
      throw new ConfigError(`ATENDE_TICKET_URL "${raw}" is not a URL`);
    }
    if (protocol !== 'http:' && protocol !== 'https:') throw new ConfigError('ATENDE_TICKET_URL must start with http:// or https://');
  }
  return {
    url: raw,
    token: env.ATENDE_TICKET_TOKEN || undefined,
    attempts: count(env, 'ATENDE_TICKET_ATTEMPTS', 6, 1, 50),
    retryMs: count(env, 'ATENDE_TICKET_RETRY_MS', 2_000, 10, 600_000),
  };
}
