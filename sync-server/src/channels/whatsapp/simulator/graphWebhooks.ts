import { createHmac } from 'node:crypto';

/**
 * The webhooks Meta sends for a WhatsApp number, as the fake Graph server and tests build them:
 * `messages` envelopes (a customer's message, delivery statuses) and Meta's signature
 * (`X-Hub-Signature-256`, HMAC-SHA256 of the raw body with the app secret).
 */

/** The WABA of the demo number and of `waEnvelope`'s entries. */
export const DEFAULT_WABA_ID = '102290129340398';

/** Signs a raw webhook body as Meta does. */
export function signWebhook(raw: string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;
}

let waSequence = 0;
/** A Meta-shaped `messages` webhook envelope for one number. */
export function waEnvelope(phoneNumberId: string, value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: DEFAULT_WABA_ID, changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '5511912345678', phone_number_id: phoneNumberId }, ...value } }] }],
  };
}

/** One inbound message from a customer (`extra` is the object named by its type). */
export function waInbound(phoneNumberId: string, from: string, type: string, extra: Record<string, unknown>, options: { id?: string; name?: string; timestampS?: number } = {}) {
  const id = options.id ?? `wamid.in${++waSequence}.${Date.now()}`;
  return {
    id,
    body: waEnvelope(phoneNumberId, {
      contacts: [{ profile: { name: options.name ?? 'Joana Lima' }, wa_id: from }],
      messages: [{ from, id, timestamp: String(options.timestampS ?? Math.floor(Date.now() / 1000)), type, ...extra }],
    }),
  };
}

/**
 * The customer picked a row of an interactive list (`list_reply`) or a reply button
 * (`button_reply`) of our message `contextId`: Meta's `interactive` message, with the row's id and title.
 */
export function waInteractiveReply(
  phoneNumberId: string, from: string, contextId: string, choice: { id: string; title: string; description?: string },
  options: { id?: string; name?: string; timestampS?: number; kind?: 'list_reply' | 'button_reply' } = {},
) {
  const kind = options.kind ?? 'list_reply';
  return waInbound(phoneNumberId, from, 'interactive', {
    context: { from: '5511912345678', id: contextId },
    interactive: { type: kind, [kind]: kind === 'list_reply' ? choice : { id: choice.id, title: choice.title } },
  }, options);
}

/** Delivery reports for our messages. */
export function waStatuses(phoneNumberId: string, statuses: Array<{ id: string; status: string; recipient?: string; errors?: Array<{ code: number; title: string }> }>) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return waEnvelope(phoneNumberId, {
    statuses: statuses.map((s) => ({ id: s.id, status: s.status, timestamp, recipient_id: s.recipient ?? '5511987654321', ...(s.errors ? { errors: s.errors } : {}) })),
  });
}
