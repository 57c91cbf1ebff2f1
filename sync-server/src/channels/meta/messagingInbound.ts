import {
  DomainError, MESSAGE_TEXT_MAX, parseRatingAnswer, REPLY_TO, SENT_AT, STORY, STORY_ID, STORY_URL, UNSUPPORTED, type MessageDoc, type MessageKind,
} from '@atende/protocol';
import { z } from 'zod';
import { channelName } from '../../conversations/channelSentences.js';
import type { InboundEdit, InboundEvent, InboundMessage } from '../adapter.js';

/**
 * Messenger (`object: "page"`) and Instagram (`object: "instagram"`) webhooks normalised into
 * inbound events (CHANNELS.md; Meta's messages, message_deliveries, message_reads/messaging_seen
 * references). Only entries for our own page or Instagram account count. A customer's message is
 * one message: text and/or attachments (the first attachment gives its kind, the text is the
 * caption, every file is a media ref = its CDN URL). Echoes of our own sends, postbacks and
 * reactions are acknowledged and dropped. Events come under `messaging[]`, or under `standby[]`
 * while another app holds the conversation (handover protocol, conversation routing).
 * Edits (Messenger `message_edit`) and unsends (Instagram `is_deleted`) change the message they
 * name; a story mention keeps only the story's link (Meta forbids storing story media).
 */

export type MetaMessagingKind = 'messenger' | 'instagram';

// Meta's shapes, permissive (unknown keys dropped, every field optional) but typed: an entry or
// event whose fields have other types is skipped alone, the rest of the batch still counts.
const Attachment = z.object({
  type: z.string().optional(),
  payload: z.object({ url: z.string().optional(), title: z.string().optional() }).nullish(),
});
const Message = z.object({
  mid: z.string().optional(),
  text: z.string().optional(),
  attachments: z.array(Attachment).optional(),
  is_echo: z.boolean().optional(),
  is_deleted: z.boolean().optional(),
  is_unsupported: z.boolean().optional(),
  /** The customer tapped one of our quick replies: its payload (the text is its title). */
  quick_reply: z.object({ payload: z.string().optional() }).optional(),
  reply_to: z.object({ mid: z.string().optional(), story: z.object({ url: z.string().optional(), id: z.string().optional() }).optional() }).optional(),
});
type MetaMessage = z.infer<typeof Message>;
const Messaging = z.object({
  sender: z.object({ id: z.string().optional() }).optional(),
  timestamp: z.number().optional(),
  message: Message.optional(),
  delivery: z.object({ watermark: z.number().optional() }).optional(),
  read: z.object({ watermark: z.number().optional(), mid: z.string().optional() }).optional(),
  message_edit: z.object({ mid: z.string().optional(), text: z.string().optional() }).optional(),
});
type MetaMessaging = z.infer<typeof Messaging>;
const Entry = z.object({ id: z.string().optional(), messaging: z.array(z.unknown()).optional(), standby: z.array(z.unknown()).optional() });
const Envelope = z.object({ object: z.string().optional(), entry: z.array(z.unknown()) });

const OBJECT: Record<MetaMessagingKind, string> = { messenger: 'page', instagram: 'instagram' };
/** Meta's attachment types that carry a file we keep, and the message kind each gives. */
const FILE_KINDS: Record<string, MessageKind> = { image: 'image', video: 'video', audio: 'audio', file: 'document' };

export const unsupportedText = (kind: MetaMessagingKind) => `Mensagem de um tipo que o ${channelName(kind)} não entrega a integrações.`;

/** `entryId`: the page id (Messenger) or the Instagram account id whose entries are ours. */
export function parseMetaMessaging(rawBody: Buffer, kind: MetaMessagingKind, entryId: string): InboundEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new DomainError('invalid', 'malformed_json', 'The webhook body is not JSON');
  }
  const body = Envelope.safeParse(json);
  if (!body.success || body.data.object !== OBJECT[kind]) {
    throw new DomainError('invalid', 'invalid_input', `Not a ${channelName(kind)} webhook`);
  }
  const events: InboundEvent[] = [];
  for (const raw of body.data.entry) {
    const entry = Entry.safeParse(raw);
    if (!entry.success || !entryId || entry.data.id !== entryId) continue;
    for (const item of [...(entry.data.messaging ?? []), ...(entry.data.standby ?? [])]) {
      const event = Messaging.safeParse(item);
      const parsed = event.success ? eventOf(event.data, kind) : undefined;
      if (parsed) events.push(parsed);
    }
  }
  return events;
}

function eventOf(event: MetaMessaging, kind: MetaMessagingKind): InboundEvent | undefined {
  const customer = event.sender?.id;
  if (!customer) return undefined;
  if (event.delivery) {
    const at = event.delivery.watermark;
    return validTime(at) ? { type: 'statusUpTo', report: { address: customer, status: 'delivered', at } } : undefined;
  }
  if (event.read) {
    // Messenger gives a watermark; Instagram the id of the message seen, at the event's time.
    const at = event.read.watermark ?? event.timestamp;
    return validTime(at) ? { type: 'statusUpTo', report: { address: customer, status: 'read', at } } : undefined;
  }
  if (event.message_edit) {
    const { mid, text } = event.message_edit;
    return mid && typeof text === 'string' && validTime(event.timestamp)
      ? { type: 'edit', edit: { externalId: mid, address: customer, authorName: '', text: text.slice(0, MESSAGE_TEXT_MAX), at: event.timestamp } }
      : undefined;
  }
  if (event.message && !event.message.is_echo) {
    if (event.message.is_deleted) return unsendOf(event.message, customer, event.timestamp);
    const message = messageOf(event.message, customer, event.timestamp, kind);
    return message && { type: 'message', message };
  }
  return undefined;
}

/**
 * Instagram's unsend: the customer took back message `mid`. The core empties the stored one
 * (its text kept in the edit history) and never creates a message from it.
 */
function unsendOf(m: MetaMessage, address: string, timestamp: number | undefined): InboundEvent | undefined {
  if (!m.mid) return undefined;
  const edit: InboundEdit = { externalId: m.mid, address, authorName: '', text: '', at: validTime(timestamp) ? timestamp : Date.now(), deleted: true };
  return { type: 'edit', edit };
}

function messageOf(m: MetaMessage, address: string, timestamp: number | undefined, kind: MetaMessagingKind): InboundMessage | undefined {
  if (!m.mid) return undefined;
  const at = validTime(timestamp) ? timestamp : Date.now();
  // The customer's own time: the reply window counts from it, not from the arrival.
  const payload: MessageDoc['payload'] = { [SENT_AT]: at };
  const make = (messageKind: MessageKind, text: string, media: InboundMessage['media'] = []): InboundMessage => ({
    externalId: m.mid ?? '', address, authorName: '', kind: messageKind, text: text.slice(0, MESSAGE_TEXT_MAX), media, payload, at,
  });
  if (m.is_unsupported) {
    payload[UNSUPPORTED] = true;
    return make('text', unsupportedText(kind));
  }
  if (m.reply_to?.mid) payload[REPLY_TO] = m.reply_to.mid;
  // A tap on our rating quick replies (issue 18): the ratings service decides whether it counts.
  const ratingAnswer = parseRatingAnswer(m.quick_reply?.payload);
  if (ratingAnswer) return { ...make('text', m.text ?? ''), ratingAnswer };
  const story = m.reply_to?.story;
  if (story) {
    payload[STORY] = 'reply';
    if (story.url) payload[STORY_URL] = story.url;
    if (story.id) payload[STORY_ID] = story.id;
  }
  const attachments = m.attachments ?? [];
  const mention = attachments.find((a) => a.type === 'story_mention');
  if (mention) {
    // Meta's terms forbid storing the story's media: only its link (it expires after 24 h).
    payload[STORY] = 'mention';
    const url = mention.payload?.url;
    payload[STORY_URL] = isUrl(url) ? url : '';
    return make('text', m.text ?? '');
  }
  const files = attachments.filter((a) => a.type && FILE_KINDS[a.type] && isUrl(a.payload?.url));
  // Shared links, reels and posts: kept as their URL in the text, no file to download.
  const links = attachments.filter((a) => !files.includes(a) && isUrl(a.payload?.url)).map((a) => [a.payload?.title, a.payload?.url].filter(Boolean).join(' '));
  const text = [m.text ?? '', ...links].filter(Boolean).join('\n');
  const first = files[0];
  if (!first) {
    if (!text && attachments.length) {
      payload[UNSUPPORTED] = true;
      return make('text', unsupportedText(kind));
    }
    return make('text', text);
  }
  if (files.length > 1) payload.count = files.length;
  return make(FILE_KINDS[first.type ?? ''] ?? 'document', text, files.map((a) => ({ ref: a.payload?.url ?? '' })));
}

const validTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value > 0;
const isUrl = (value: unknown): value is string => typeof value === 'string' && /^https?:\/\//.test(value);
