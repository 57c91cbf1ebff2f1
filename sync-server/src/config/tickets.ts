import { HTTP, int, str, url, type Env } from './env.js';

/** The outgoing ticket integration (R-WS-14); README lists the keys. Absent URL: links by number only. */
export interface TicketConfig {
  url: string | undefined;
  token: string | undefined;
  /** Calls per ticket before the link reads 'failed' (the dead letter). */
  attempts: number;
  /** The first retry's delay; each next one doubles (with jitter), up to a minute. */
  retryMs: number;
}

export function loadTicketConfig(env: Env): TicketConfig {
  return {
    url: url(env, 'ATENDE_TICKET_URL', HTTP),
    token: str(env, 'ATENDE_TICKET_TOKEN'),
    attempts: int(env, 'ATENDE_TICKET_ATTEMPTS', 6, 1, 50),
    retryMs: int(env, 'ATENDE_TICKET_RETRY_MS', 2_000, 10, 600_000),
  };
}
