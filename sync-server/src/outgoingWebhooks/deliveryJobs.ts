import { createHash } from 'node:crypto';
import { keyOf, type WebhookEvent, type WebhookEventData } from '@atende/protocol';
import { newJob, type JobDoc } from '../jobs/types.js';
import type { DerivedEvent } from './events.js';
import { WEBHOOK_DELIVERY_JOB, type WebhookDoc } from './types.js';

/** What a delivery job carries: the event as it was derived, so every retry sends the same body's content. */
export interface DeliveryPayload extends Record<string, unknown> {
  webhookId: string;
  eventId: string;
  event: WebhookEvent;
  createdAt: number;
  data: WebhookEventData;
  resent: boolean;
}

const eventKey = (eventId: string) => createHash('sha256').update(eventId).digest('base64url').slice(0, 32);

/**
 * The job that delivers `event` to `webhook`. Its id is derived from both, so a second derivation
 * of the same event (another node, a re-read change) is a conflict; a resend adds its own suffix.
 */
export function deliveryJob(webhook: Pick<WebhookDoc, '_id'>, event: DerivedEvent, resendKey?: string): JobDoc {
  const payload: DeliveryPayload = {
    webhookId: webhook._id, eventId: event.id, event: event.event, createdAt: event.at, data: event.data, resent: resendKey !== undefined,
  };
  const key = `${keyOf(webhook._id)}.${eventKey(event.id)}${resendKey === undefined ? '' : `.r${resendKey}`}`;
  return newJob(WEBHOOK_DELIVERY_JOB, key, payload);
}

/** The webhook wants this event: subscribed, on, and it already existed (was enabled) when the event happened. */
export function wants(webhook: WebhookDoc, event: DerivedEvent): boolean {
  return webhook.enabled && webhook.events.includes(event.event) && event.at >= webhook.activeSince;
}

export function payloadOf(job: JobDoc): DeliveryPayload {
  return job.payload as DeliveryPayload;
}
