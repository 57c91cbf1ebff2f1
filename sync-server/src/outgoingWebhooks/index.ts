import type { Router } from 'express';
import type { AuthService } from '../auth/service.js';
import type { JobPolicy, JobRunner } from '../jobs/index.js';
import type { DocStore } from '../store/index.js';
import { deliveryHandler } from './delivery.js';
import { DeliveryLog } from './deliveryLog.js';
import { WebhookEventFeed } from './eventFeed.js';
import { outgoingWebhookRoutes } from './routes.js';
import { Subscriptions } from './subscriptions.js';
import { targetGuard } from './targetGuard.js';
import { WEBHOOK_DELIVERY_JOB } from './types.js';

export { signature } from './delivery.js';
export { Subscriptions } from './subscriptions.js';
export { WEBHOOK_DELIVERY_JOB } from './types.js';

/** Retries over hours: 30 s, 1 min, 2 min … capped at 1 h, 12 attempts (about 8 h in all). */
export const WEBHOOK_RETRY_POLICY: JobPolicy = { maxAttempts: 12, baseDelayMs: 30_000, maxDelayMs: 3_600_000, leaseMs: 60_000 };

export interface OutgoingWebhooksDeps {
  store: DocStore;
  auth: AuthService;
  jobs: JobRunner;
  log: (message: string) => void;
  /** ATENDE_WEBHOOKS_ALLOW_PRIVATE: deliver to this machine and private networks (tests, demo). */
  allowPrivate: boolean;
  /** Overrides of WEBHOOK_RETRY_POLICY (tests retry in milliseconds). */
  retry?: Partial<JobPolicy>;
}

export interface OutgoingWebhooksSetup {
  subscriptions: Subscriptions;
  routes: Array<[string, Router]>;
  /** Start after the job runner; stop before the store closes. */
  feed: WebhookEventFeed;
}

/**
 * Wires outgoing webhooks (R-RT-05): the admin's subscriptions and routes, the delivery job with its
 * retry policy, and the change feed that turns conversations and messages into events. Call before
 * the job runner starts.
 */
export async function setupOutgoingWebhooks(deps: OutgoingWebhooksDeps): Promise<OutgoingWebhooksSetup> {
  const guard = targetGuard(deps.allowPrivate);
  const subscriptions = new Subscriptions(deps.store, guard);
  await subscriptions.prepare();
  const log = new DeliveryLog(deps.store);
  deps.jobs.register(WEBHOOK_DELIVERY_JOB, deliveryHandler({ store: deps.store, log, guard }), {
    policy: { ...WEBHOOK_RETRY_POLICY, ...deps.retry },
  });
  const feed = new WebhookEventFeed(deps.store, { webhooks: () => subscriptions.list(), log: deps.log });
  return { subscriptions, feed, routes: [['/api/admin/webhooks', outgoingWebhookRoutes(subscriptions, log, deps.auth)]] };
}
