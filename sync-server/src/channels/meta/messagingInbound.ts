import {
  DomainError, MESSAGE_TEXT_MAX, REPLY_TO, SENT_AT, STORY, STORY_ID, STORY_URL, UNSUPPORTED, type MessageDoc, type MessageKind,
} from '@atende/protocol';
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

interface MetaAttachment { type?: string; payload?: { url?: string; title?: string } | null }
interface MetaMessage {
  mid?: string;
  text?: string;
  attachments?: MetaAttachment[];
  is_echo?: boolean;
  is_deleted?: boolean;
  is_unsupported?: boolean;
  reply_to?: { mid?: string; story?: { url?: string; id?: string } };
}
interface MetaMessaging {
  sender?: { id?: string };
  recipient?: { id?: string };
  timestamp?: number;
  message?: MetaMessage;
  delivery?: { mids?: string[]; watermark?: number };
  read?: { watermark?: number; mid?: string };
  message_edit?: { mid?: string; text?: string; num_edit?: number };
}
interface MetaEnvelope { object?: string; entry?: Array<{ id?: string; messaging?: MetaMessaging[]; standby?: MetaMessaging[] }> }

const OBJECT: Record<MetaMessagingKind, string> = { messenger: 'page', instagram: 'instagram' };
/** Meta's attachment types that carry a file we keep, and the message kind each gives. */
const FILE_KINDS: Record<string, MessageKind> = { image: 'image', video: 'video', audio: 'audio', file: 'document' };

export const unsupportedText = (kind: MetaMessagingKind) => `Mensagem de um tipo que o ${channelName(kind)} não entrega a integrações.`;

/** `entryId`: the page id (Messenger) or the Instagram account id whose entries are ours. */
export function parseMetaMessaging(rawBody: Buffer, kind: MetaMessagingKind, entryId: string): InboundEvent[] {
  let body: MetaEnvelope;
  try {
    body = JSON.parse(rawBody.toString('utf8')) as MetaEnvelope;
  } catch {
    throw new DomainError('invalid', 'malformed_json', 'The webhook body is not JSON');
  }
  if (typeof body !== 'object' || body === null || body.object !== OBJECT[kind] || !Array.isArray(body.entry)) {
    throw new DomainError('invalid', 'invalid_input', `Not a ${channelName(kind)} webhook`);
  }
  const events: InboundEvent[] = [];
  for (const entry of body.entry) {
    if (!entryId || entry.id !== entryId) continue;
    for (const event of [...(entry.messaging ?? []), ...(entry.standby ?? [])]) {
      const parsed = eventOf(event, kind);
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
