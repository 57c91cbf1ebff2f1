import { DomainError, MESSAGE_TEXT_MAX, parseRatingAnswer, type MessageDoc, type MessageKind, type MessageStatus } from '@atende/protocol';
import type { InboundEvent, InboundMessage } from '../adapter.js';

/**
 * The WhatsApp Cloud API `messages` webhook (CHANNELS.md) normalised into inbound events. Only
 * changes for our own number (`metadata.phone_number_id`) count; every message type becomes a
 * message, `unsupported` included (shown as such, never dropped).
 */

interface WaMedia { id?: string; mime_type?: string; caption?: string; filename?: string }
interface WaError { code?: number; title?: string; message?: string }
interface WaMessage {
  id?: string;
  from?: string;
  from_user_id?: string;
  timestamp?: string;
  type?: string;
  text?: { body?: string };
  image?: WaMedia; audio?: WaMedia; video?: WaMedia; document?: WaMedia; sticker?: WaMedia;
  location?: { latitude?: number; longitude?: number; name?: string; address?: string };
  contacts?: Array<{ name?: { formatted_name?: string }; phones?: Array<{ phone?: string; wa_id?: string }> }>;
  interactive?: { type?: string; button_reply?: { id?: string; title?: string }; list_reply?: { id?: string; title?: string; description?: string } };
  button?: { payload?: string; text?: string };
  reaction?: { message_id?: string; emoji?: string };
  context?: { id?: string };
  errors?: WaError[];
}
interface WaContact { wa_id?: string; user_id?: string; profile?: { name?: string } }
interface WaStatus { id?: string; status?: string; timestamp?: string; errors?: WaError[] }
interface WaValue {
  metadata?: { phone_number_id?: string };
  contacts?: WaContact[];
  messages?: WaMessage[];
  statuses?: WaStatus[];
}
/** `message_template_status_update` (Meta's webhook reference): one template's review outcome. */
interface WaTemplateStatus {
  event?: string;
  message_template_id?: number | string;
  message_template_name?: string;
  message_template_language?: string;
  reason?: string | null;
}
interface WaEnvelope { object?: string; entry?: Array<{ id?: string; changes?: Array<{ field?: string; value?: WaValue }> }> }

const MEDIA_KINDS = ['image', 'audio', 'video', 'document', 'sticker'] as const;
type MediaKind = (typeof MEDIA_KINDS)[number];
const STATUSES: Record<string, MessageStatus> = { sent: 'sent', delivered: 'delivered', read: 'read', failed: 'failed' };
export const UNSUPPORTED_TEXT = 'Mensagem de um tipo que o WhatsApp não entrega a integrações.';

/**
 * `wabaId`: template updates are per WhatsApp Business Account (the entry id); those of another
 * account are ignored. Without one configured they are taken as this number's.
 */
export function parseWhatsAppWebhook(rawBody: Buffer, phoneNumberId: string, wabaId?: string): InboundEvent[] {
  let body: WaEnvelope;
  try {
    body = JSON.parse(rawBody.toString('utf8')) as WaEnvelope;
  } catch {
    throw new DomainError('invalid', 'malformed_json', 'The webhook body is not JSON');
  }
  if (typeof body !== 'object' || body === null || body.object !== 'whatsapp_business_account' || !Array.isArray(body.entry)) {
    throw new DomainError('invalid', 'invalid_input', 'Not a WhatsApp Business Account webhook');
  }
  const events: InboundEvent[] = [];
  for (const entry of body.entry) {
    for (const change of entry.changes ?? []) {
      if (change.field === 'message_template_status_update') {
        const report = (!wabaId || entry.id === wabaId) ? templateStatusOf(change.value as WaTemplateStatus | undefined) : undefined;
        if (report) events.push(report);
        continue;
      }
      const value = change.value;
      if (change.field !== 'messages' || !value || value.metadata?.phone_number_id !== phoneNumberId) continue;
      for (const status of value.statuses ?? []) {
        const report = statusOf(status);
        if (report) events.push(report);
      }
      for (const message of value.messages ?? []) {
        const parsed = messageOf(message, value.contacts ?? []);
        if (parsed) events.push({ type: 'message', message: parsed });
      }
    }
  }
  return events;
}

function templateStatusOf(value: WaTemplateStatus | undefined): InboundEvent | undefined {
  const name = value?.message_template_name;
  const language = value?.message_template_language;
  if (!value?.event || !name || !language) return undefined;
  const id = value.message_template_id;
  // Meta says "NONE" when there is no reason.
  const reason = value.reason && value.reason !== 'NONE' ? String(value.reason).slice(0, 500) : null;
  return {
    type: 'template',
    report: { externalId: id === undefined || id === null ? null : String(id), name, language, event: String(value.event), reason },
  };
}

function statusOf(status: WaStatus): InboundEvent | undefined {
  const mapped = status.status ? STATUSES[status.status] : undefined;
  if (!status.id || !mapped) return undefined;
  const error = status.errors?.[0];
  const reason = error ? [error.code, error.title ?? error.message].filter((p) => p !== undefined).join(': ') : undefined;
  return { type: 'status', report: { externalId: status.id, status: mapped, at: secondsToMs(status.timestamp), ...(reason ? { error: reason } : {}) } };
}

function messageOf(m: WaMessage, contacts: WaContact[]): InboundMessage | undefined {
  // The phone (wa_id) when the envelope gives it, the business-scoped user id otherwise.
  const contact = contacts.find((c) => (m.from && c.wa_id === m.from) || (m.from_user_id && c.user_id === m.from_user_id)) ?? contacts[0];
  const address = m.from ?? contact?.wa_id ?? m.from_user_id ?? contact?.user_id;
  if (!m.id || !address) return undefined;
  const userId = m.from_user_id ?? contact?.user_id;
  const aliases = userId && userId !== address ? [userId] : [];
  const base = { externalId: m.id, address, aliases, authorName: contact?.profile?.name ?? '', at: secondsToMs(m.timestamp) };
  // The customer's own timestamp: the 24-hour window counts from it, not from the arrival (R-WA-05).
  const payload: MessageDoc['payload'] = { sentAt: base.at };
  if (m.context?.id) payload.replyTo = m.context.id;
  const make = (kind: MessageKind, text: string, media: InboundMessage['media'] = []): InboundMessage => ({
    ...base, kind, text: text.slice(0, MESSAGE_TEXT_MAX), media, payload,
  });
  const type = m.type ?? 'unsupported';
  if (type === 'text') return make('text', m.text?.body ?? '');
  if ((MEDIA_KINDS as readonly string[]).includes(type)) {
    const media = m[type as MediaKind];
    if (media?.filename) payload.filename = media.filename;
    return make(type as MediaKind, media?.caption ?? '', media?.id ? [{ ref: media.id, ...(media.mime_type ? { mimeType: media.mime_type } : {}), ...(media.filename ? { filename: media.filename } : {}) }] : []);
  }
  if (type === 'location' && m.location) {
    const { latitude, longitude, name, address: place } = m.location;
    if (typeof latitude === 'number') payload.latitude = latitude;
    if (typeof longitude === 'number') payload.longitude = longitude;
    if (name) payload.name = name;
    if (place) payload.address = place;
    return make('location', [name, place].filter(Boolean).join(' — '));
  }
  if (type === 'contacts') {
    const cards = (m.contacts ?? []).map((c) => [c.name?.formatted_name ?? '', ...(c.phones ?? []).map((p) => p.phone ?? p.wa_id ?? '')].filter(Boolean).join(' '));
    payload.count = cards.length;
    return make('contacts', cards.join('\n'));
  }
  if (type === 'interactive') {
    const reply = m.interactive?.button_reply ?? m.interactive?.list_reply;
    if (reply?.id) payload.replyId = reply.id;
    payload.interactive = m.interactive?.type ?? null;
    // A pick from our rating list (issue 18): the ratings service decides whether it counts.
    const ratingAnswer = parseRatingAnswer(reply?.id);
    return { ...make('text', reply?.title ?? ''), ...(ratingAnswer ? { ratingAnswer } : {}) };
  }
  if (type === 'button') {
    if (m.button?.payload) payload.replyId = m.button.payload;
    payload.interactive = 'button';
    return make('text', m.button?.text ?? '');
  }
  if (type === 'reaction') {
    if (m.reaction?.message_id) payload.targetExternalId = m.reaction.message_id;
    payload.emoji = m.reaction?.emoji ?? '';
    return make('reaction', m.reaction?.emoji ?? '');
  }
  // `unsupported` and any type this code does not know yet: kept, marked, never dropped.
  payload.unsupported = true;
  payload.upstreamType = type;
  const error = m.errors?.[0];
  if (error?.code !== undefined) payload.errorCode = error.code;
  return make('text', UNSUPPORTED_TEXT);
}

/** WhatsApp timestamps are unix seconds as strings; a missing one counts as now. */
function secondsToMs(value: string | undefined): number {
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : Date.now();
}
