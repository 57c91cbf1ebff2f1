import type { OutgoingWebhook, WebhookDelivery, WebhookEvent } from '@atende/protocol';
import type { StoredDoc } from '../store/index.js';

/**
 * A subscription (R-RT-05). Server-only: `outgoingWebhook` is no replicated type, so no replica
 * ever holds the secret, and the admin's screen sees only its last characters.
 */
export interface WebhookDoc extends StoredDoc {
  type: 'outgoingWebhook';
  url: string;
  events: WebhookEvent[];
  /** Signs every delivery (HMAC-SHA256); kept as given, since signing needs it. */
  secret: string;
  enabled: boolean;
  /** Events before this moment are not sent: set at creation and whenever it is enabled again. */
  activeSince: number;
  createdAt: number;
  updatedAt: number;
  removed?: boolean;
}

/** One attempt as stored, with the job that made it (a resend copies that job's event). */
export interface StoredDelivery extends WebhookDelivery {
  jobId: string;
}

/** The last attempts of one webhook, newest first: one document, so the log stays bounded. */
export interface DeliveryLogDoc extends StoredDoc {
  type: 'outgoingWebhookLog';
  webhookId: string;
  entries: StoredDelivery[];
}

export const WEBHOOK_DOC_TYPE = 'outgoingWebhook';
export const LOG_PREFIX = 'outgoingwebhooklog:';
/** The one job kind: each job delivers one event to one webhook. */
export const WEBHOOK_DELIVERY_JOB = 'outgoing-webhook';

export function secretHint(secret: string): string {
  return `…${secret.slice(-4)}`;
}

export function viewOf(doc: WebhookDoc): OutgoingWebhook {
  return {
    id: doc._id, url: doc.url, events: doc.events, enabled: doc.enabled, secretHint: secretHint(doc.secret),
    createdAt: doc.createdAt, updatedAt: doc.updatedAt,
  };
}

export function isLiveWebhook(doc: StoredDoc | undefined): doc is WebhookDoc {
  return doc?.type === WEBHOOK_DOC_TYPE && !doc._deleted && !doc.removed;
}
