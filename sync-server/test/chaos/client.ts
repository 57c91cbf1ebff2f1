import { setTimeout as sleep } from 'node:timers/promises';

/**
 * HTTP as the real clients do it across a server crash: a request that got no answer (connection
 * refused or reset, timeout) or a transient one (5xx, 429) is sent again with the same body, ids
 * included, until it is answered or the operation's time runs out. Loopback only, always bounded.
 */

export type Outcome =
  /** 2xx: the server acknowledged it; the test holds it to that. */
  | { kind: 'ack'; status: number; body: Record<string, unknown> }
  /** A definite refusal (4xx other than 429): nothing was changed by this command. */
  | { kind: 'refused'; status: number; body: Record<string, unknown> }
  /** Never answered within the bound: the outcome is unknown to the client. */
  | { kind: 'unknown'; reason: string };

export interface CallOptions {
  token?: string | undefined;
  body?: unknown;
  /** How long the operation may keep retrying, across a restart of the server. */
  budgetMs?: number;
}

export class ChaosClient {
  /** Attempts that got no answer or a transient one and were sent again. */
  retries = 0;

  constructor(private readonly baseUrl: string) {}

  async call(method: string, route: string, options: CallOptions = {}): Promise<Outcome> {
    // The default outlasts a restart on a loaded 2-core machine (up to ~20 s seen), as a real client's outbox would.
    const deadline = Date.now() + (options.budgetMs ?? 30_000);
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    let reason = 'no attempt';
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      if (attempt > 0) {
        this.retries++;
        await sleep(Math.min(100 * 2 ** Math.min(attempt - 1, 3), 800) + Math.random() * 100);
      }
      try {
        const res = await fetch(this.baseUrl + route, { method, headers, body, signal: AbortSignal.timeout(5000) });
        const text = await res.text();
        let parsed: Record<string, unknown> = {};
        try {
          parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
        } catch {
          parsed = { text };
        }
        if (res.status >= 200 && res.status < 300) return { kind: 'ack', status: res.status, body: parsed };
        if (res.status >= 500 || res.status === 429) {
          reason = `${res.status} ${text.slice(0, 200)}`;
          continue;
        }
        return { kind: 'refused', status: res.status, body: parsed };
      } catch (error) {
        // The server died under the request, or is down: the real client sends it again.
        reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
    }
    return { kind: 'unknown', reason };
  }
}
