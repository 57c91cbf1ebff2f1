import type { LoopbackServer } from './http.js';

/** A fake upstream our account points at: its loopback server and the base URL the account's settings take. */
export type FakeUpstream = LoopbackServer & { readonly baseUrl: string };

/**
 * What every simulator is (WhatsApp, Telegram, Meta): a fake upstream on loopback whose server
 * also serves the customers' page, and the subscriptions to what the fake accepted, dropped on
 * stop. Subclasses add their customers' side and their webhooks (`stopping`: what else to end).
 */
export abstract class LoopbackSimulator<F extends FakeUpstream> {
  protected unsubscribe: Array<() => void> = [];

  protected constructor(protected readonly upstream: F) {}

  /** The customer page (and the fake's origin). */
  get url(): string {
    return this.upstream.url;
  }

  /** What our account's base URL setting points at. */
  get baseUrl(): string {
    return this.upstream.baseUrl;
  }

  async start(): Promise<this> {
    await this.upstream.start();
    return this;
  }

  async stop(): Promise<void> {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    this.unsubscribe = [];
    this.stopping();
    await this.upstream.stop();
  }

  /** Ends what the subclass runs besides the fake (webhook retries, timers). */
  protected stopping(): void {}
}
