/** Outgoing webhooks (R-RT-05): subscriptions, signed deliveries, the delivery log. */
import { z } from 'zod';
import { endpoint } from './endpoint.js';
import { ConversationDoc, Id, MessageDoc } from './documents.js';

/**
 * An admin subscribes an address of their own systems to events of the service; every event is
 * POSTed there as JSON `{id, event, createdAt, data}`, signed with the subscription's secret in
 * `X-Atende-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. Deliveries are
 * retried with growing waits; a retry carries the same event id (the receiver's key to ignore a
 * repeat), only `t` and the signature change.
 */
export const WEBHOOK_EVENTS = [
  'conversation.created',
  'conversation.taken',
  'conversation.transferred',
  'conversation.finished',
  'message.created',
  'evaluation.received',
] as const;
export const WebhookEvent = z.enum(WEBHOOK_EVENTS);
export type WebhookEvent = z.infer<typeof WebhookEvent>;

export const WEBHOOK_PREFIX = 'outgoingwebhook:';
export const WEBHOOK_SIGNATURE_HEADER = 'X-Atende-Signature';
export const WEBHOOK_USER_AGENT = 'Atende-Webhooks';
export const WEBHOOK_SECRET_MIN = 16;
export const WEBHOOK_SECRET_MAX = 200;
/** Attempts kept in a webhook's delivery log; older ones drop off. */
export const WEBHOOK_LOG_SIZE = 50;

const Millis = z.number().int().nonnegative();

/** The scheme is checked here; whether the host is a private network is the server's question. */
export const WebhookUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((raw) => {
    try {
      const url = new URL(raw);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '' && !url.username && !url.password;
    } catch {
      return false;
    }
  }, 'use an http:// or https:// address, without user or password');

export const WebhookSecret = z
  .string()
  .min(WEBHOOK_SECRET_MIN, `the secret needs at least ${WEBHOOK_SECRET_MIN} characters`)
  .max(WEBHOOK_SECRET_MAX)
  .regex(/^[\x21-\x7e]+$/, 'the secret takes letters, digits and symbols, no spaces');

const WebhookEvents = z
  .array(WebhookEvent)
  .min(1, 'choose at least one event')
  .max(WEBHOOK_EVENTS.length)
  .transform((events) => WEBHOOK_EVENTS.filter((e) => events.includes(e)));

export const CreateWebhookBody = z.strictObject({
  url: WebhookUrl,
  events: WebhookEvents,
  secret: WebhookSecret,
  /** Said every time (no default): a webhook starts delivering the moment it is saved switched on. */
  enabled: z.boolean(),
});
export type CreateWebhookBody = z.infer<typeof CreateWebhookBody>;

export const UpdateWebhookBody = z
  .strictObject({ url: WebhookUrl, events: WebhookEvents, secret: WebhookSecret, enabled: z.boolean() })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' });
export type UpdateWebhookBody = z.infer<typeof UpdateWebhookBody>;

/** A subscription as the admin screen sees it: never the secret, only its last characters. */
export const OutgoingWebhook = z.object({
  id: Id,
  url: z.string(),
  events: z.array(WebhookEvent),
  enabled: z.boolean(),
  secretHint: z.string(),
  createdAt: Millis,
  updatedAt: Millis,
});
export type OutgoingWebhook = z.infer<typeof OutgoingWebhook>;
export const WebhooksResponse = z.object({ webhooks: z.array(OutgoingWebhook) });

/** One attempt at delivering one event, as the delivery log keeps it. */
export const WebhookDelivery = z.object({
  id: z.string(),
  eventId: z.string(),
  event: WebhookEvent,
  at: Millis,
  /** 1 for the first try of a delivery, then its retries. */
  attempt: z.number().int().positive(),
  /** The receiver's HTTP status; null when no answer came (refused, timed out). */
  status: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().int().nonnegative(),
  ok: z.boolean(),
  /** Sent again by an admin ("Reenviar"). */
  resent: z.boolean(),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;
export const WebhookDeliveriesResponse = z.object({ deliveries: z.array(WebhookDelivery) });

/** What the receiver gets. `data` holds the conversation or the message as documented above (documents.ts). */
export const WebhookEvaluation = z.object({
  /** Where the evaluation came from; issue 18 adds the service's own ratings. */
  source: z.enum(['reclameaqui']),
  rating: z.number().nullable(),
  ratingMax: z.number(),
  resolved: z.boolean().nullable(),
  backDoingBusiness: z.boolean().nullable(),
  comment: z.string().nullable(),
});
export const WebhookEventData = z.object({
  conversation: ConversationDoc.optional(),
  message: MessageDoc.optional(),
  evaluation: WebhookEvaluation.optional(),
});
export type WebhookEventData = z.infer<typeof WebhookEventData>;
export const WebhookEnvelope = z.object({ id: z.string(), event: WebhookEvent, createdAt: Millis, data: WebhookEventData });
export type WebhookEnvelope = z.infer<typeof WebhookEnvelope>;

export const WEBHOOKS_API = {
  adminListWebhooks: endpoint({
    method: 'GET', path: '/api/admin/webhooks', auth: 'user', response: WebhooksResponse,
    summary: 'List outgoing webhooks (admins): address, events, on/off, the secret\'s last characters only',
  }),
  adminCreateWebhook: endpoint({
    method: 'POST', path: '/api/admin/webhooks', auth: 'user', body: CreateWebhookBody, response: OutgoingWebhook,
    summary: 'Subscribe an http(s) address to events (admins); deliveries are signed with the secret (X-Atende-Signature)',
  }),
  adminUpdateWebhook: endpoint({
    method: 'PATCH', path: '/api/admin/webhooks/:id', auth: 'user', body: UpdateWebhookBody, response: OutgoingWebhook,
    summary: 'Change a webhook (admins): address, events, a new secret, on/off',
  }),
  adminRemoveWebhook: endpoint({
    method: 'DELETE', path: '/api/admin/webhooks/:id', auth: 'user', response: null,
    summary: 'Remove a webhook (admins); its pending deliveries stop',
  }),
  adminWebhookDeliveries: endpoint({
    method: 'GET', path: '/api/admin/webhooks/:id/deliveries', auth: 'user', response: WebhookDeliveriesResponse,
    summary: 'A webhook\'s last delivery attempts (admins), newest first: event, status code or error, duration',
  }),
  adminResendWebhookDelivery: endpoint({
    method: 'POST', path: '/api/admin/webhooks/:id/deliveries/:deliveryId/resend', auth: 'user', response: z.object({ ok: z.literal(true) }),
    summary: 'Deliver a logged attempt\'s event again (admins), with the same event id',
  }),
} as const;
