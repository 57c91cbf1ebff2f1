/**
 * Delivers the simulator's signed webhooks to our server as Meta does: a delivery that failed
 * for now (our server answers 503 to a status that arrives before the message's upstream id is
 * stored, or is briefly down) is tried again with growing waits, a bounded number of times; a 4xx
 * refusal is final. stop() ends every request in flight and every wait, so no request or timer
 * outlives the simulator.
 */
export interface WebhookSenderOptions {
  url: string;
  /** Meta's `X-Hub-Signature-256` value for a body (WhatsApp, Messenger, Instagram). */
  sign?: (raw: string) => string;
  /** Other headers per body (Telegram's `X-Telegram-Bot-Api-Secret-Token`). */
  headers?: (raw: string) => Record<string, string>;
  /** Who delivers, in log lines. */
  label?: string;
  /** Waits between attempts; the delivery gives up after the last. */
  backoffMs?: readonly number[];
  /** How long one attempt may wait for our server's answer. */
  requestTimeoutMs?: number;
  log?: (message: string) => void;
}

const BACKOFF_MS = [150, 300, 600, 1_200, 2_500, 5_000, 10_000];
const REQUEST_TIMEOUT_MS = 15_000;

export class WebhookSender {
  private stopped = false;
  private readonly waits = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private readonly requests = new Set<AbortController>();

  constructor(private readonly options: WebhookSenderOptions) {}

  /** Resolves true once our server accepted the delivery (2xx), false after the last attempt or on stop. */
  async deliver(body: unknown): Promise<boolean> {
    const raw = JSON.stringify(body);
    const backoff = this.options.backoffMs ?? BACKOFF_MS;
    for (let attempt = 0; !this.stopped; attempt++) {
      let problem: string;
      // Its own timer, cleared once answered (AbortSignal.timeout's would stay scheduled after stop).
      const request = new AbortController();
      const timeout = setTimeout(() => request.abort(new Error('no answer in time')), this.options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS);
      this.requests.add(request);
      try {
        const res = await fetch(this.options.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(this.options.sign ? { 'x-hub-signature-256': this.options.sign(raw) } : {}),
            ...this.options.headers?.(raw),
          },
          body: raw,
          signal: request.signal,
        });
        await res.arrayBuffer();
        if (res.ok) return true;
        problem = `HTTP ${res.status}`;
        // Refused for good (bad signature, unknown or removed account): trying again changes nothing.
        if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
          this.options.log?.(`${this.options.label ?? 'WhatsApp simulator'}: webhook refused (${problem})`);
          return false;
        }
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
      } finally {
        clearTimeout(timeout);
        this.requests.delete(request);
      }
      if (this.stopped) return false;
      const wait = backoff[attempt];
      if (wait === undefined) {
        this.options.log?.(`${this.options.label ?? 'WhatsApp simulator'}: webhook not accepted after ${attempt + 1} attempts (${problem})`);
        return false;
      }
      await this.sleep(wait);
    }
    return false;
  }

  stop(): void {
    this.stopped = true;
    for (const request of this.requests) request.abort(new Error('the simulator stopped'));
    this.requests.clear();
    for (const wait of this.waits) {
      clearTimeout(wait.timer);
      wait.resolve();
    }
    this.waits.clear();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wait = { timer: setTimeout(() => this.waits.delete(wait) && resolve(), ms), resolve };
      this.waits.add(wait);
    });
  }
}
