import {
  DomainError, MEDIA_ERROR, MESSAGE_TEXT_MAX, parseRatingAnswer, REPLY_TO, SENT_AT, START_PARAMETER, UNSUPPORTED, type MessageDoc, type MessageKind,
} from '@atende/protocol';
import { z } from 'zod';
import type { InboundEvent, InboundMessage } from '../adapter.js';

/**
 * Telegram webhook `Update`s (CHANNELS.md, core.telegram.org/bots/api#update) normalised into
 * inbound events. Only customers writing to the bot in a private chat count: groups, channels and
 * other bots are acknowledged and ignored. Every message kind becomes a message; kinds this code
 * does not show are kept as text with a marker, never dropped.
 */

// Telegram's shapes, permissive (every field optional) but typed: an update whose message has
// fields of other types is acknowledged and skipped. Unknown keys stay: they name the kinds of
// message this code does not show.
const FileRef = z.object({ file_id: z.string().optional(), file_size: z.number().optional(), mime_type: z.string().optional(), file_name: z.string().optional() });
type TgFileRef = z.infer<typeof FileRef>;
const Message = z.looseObject({
  message_id: z.number().optional(),
  from: z.object({ id: z.number().optional(), is_bot: z.boolean().optional(), first_name: z.string().optional(), last_name: z.string().optional() }).optional(),
  chat: z.object({ id: z.union([z.number(), z.string()]).optional(), type: z.string().optional() }).optional(),
  date: z.number().optional(),
  edit_date: z.number().optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(FileRef).optional(),
  document: FileRef.optional(),
  animation: FileRef.optional(),
  voice: FileRef.optional(),
  audio: FileRef.extend({ title: z.string().optional() }).optional(),
  video: FileRef.optional(),
  video_note: FileRef.optional(),
  location: z.object({ latitude: z.number().optional(), longitude: z.number().optional() }).optional(),
  venue: z.object({ title: z.string().optional(), address: z.string().optional() }).optional(),
  contact: z.object({ phone_number: z.string().optional(), first_name: z.string().optional(), last_name: z.string().optional() }).optional(),
  reply_to_message: z.object({ message_id: z.number().optional() }).optional(),
});
type TgMessage = z.infer<typeof Message>;
const Update = z.object({
  update_id: z.number(), message: z.unknown().optional(), edited_message: z.unknown().optional(), callback_query: z.unknown().optional(),
});
/** A press of an inline keyboard button (core.telegram.org/bots/api#callbackquery); `message` is the bot's message that carried it. */
const CallbackQuery = z.object({
  id: z.string().min(1).max(200),
  from: z.object({ id: z.number().optional(), is_bot: z.boolean().optional(), first_name: z.string().optional(), last_name: z.string().optional() }),
  message: Message.extend({
    reply_markup: z.object({ inline_keyboard: z.array(z.array(z.object({ text: z.string().optional(), callback_data: z.string().optional() }))).optional() }).optional(),
  }).optional(),
  data: z.string().optional(),
});

/** Bots may download files up to 20 MB (getFile); bigger ones are announced, never fetched. */
export const TELEGRAM_DOWNLOAD_MAX = 20 * 1024 * 1024;
export const TELEGRAM_UNSUPPORTED_TEXT = 'Mensagem de um tipo que o Atende ainda não mostra (Telegram).';

/** Kinds of message content in the order Telegram's own clients look at them (an animation also carries `document`). */
const FILE_KINDS: ReadonlyArray<{ key: 'animation' | 'video' | 'video_note' | 'voice' | 'audio' | 'document'; kind: MessageKind; mimeType?: string; filename?: string }> = [
  { key: 'animation', kind: 'video', mimeType: 'video/mp4', filename: 'animacao.mp4' },
  { key: 'video', kind: 'video', mimeType: 'video/mp4', filename: 'video.mp4' },
  { key: 'video_note', kind: 'video', mimeType: 'video/mp4', filename: 'video.mp4' },
  { key: 'voice', kind: 'audio', mimeType: 'audio/ogg', filename: 'audio.ogg' },
  { key: 'audio', kind: 'audio' },
  { key: 'document', kind: 'document' },
];
/** Keys of a Message that are metadata, not its content (for naming an unsupported kind). */
const METADATA = new Set([
  'message_id', 'message_thread_id', 'from', 'sender_chat', 'chat', 'date', 'edit_date', 'entities', 'caption_entities',
  'reply_to_message', 'forward_origin', 'forward_from', 'forward_date', 'via_bot', 'has_protected_content', 'link_preview_options',
  'author_signature', 'media_group_id', 'is_topic_message', 'quote', 'external_reply', 'reply_markup',
]);

/** The Telegram externalId of a message: message ids are per chat. */
export const telegramMessageId = (chatId: string | number, messageId: number): string => `${chatId}:${messageId}`;

/**
 * `onCallbackQuery`: told the id of every callback_query the update carries (even one ignored), so
 * the adapter answers it and the customer's app stops its spinner.
 */
export function parseTelegramUpdate(rawBody: Buffer, onCallbackQuery?: (id: string) => void): InboundEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new DomainError('invalid', 'malformed_json', 'The webhook body is not JSON');
  }
  const update = Update.safeParse(json);
  if (!update.success) throw new DomainError('invalid', 'invalid_input', 'Not a Telegram update');
  if (update.data.message !== undefined) {
    const parsed = Message.safeParse(update.data.message);
    const message = parsed.success ? messageOf(parsed.data) : undefined;
    return message ? [{ type: 'message', message }] : [];
  }
  if (update.data.edited_message !== undefined) {
    const parsed = Message.safeParse(update.data.edited_message);
    if (!parsed.success) return [];
    const m = parsed.data;
    const sender = senderOf(m);
    const text = m.text ?? m.caption;
    // Live locations are "edited" every few seconds with no text: nothing an agent reads changed.
    if (!sender || typeof text !== 'string') return [];
    const at = typeof m.edit_date === 'number' ? m.edit_date * 1000 : Date.now();
    return [{ type: 'edit', edit: { externalId: sender.externalId, address: sender.address, authorName: sender.authorName, text: text.slice(0, MESSAGE_TEXT_MAX), at } }];
  }
  if (update.data.callback_query !== undefined) {
    const parsed = CallbackQuery.safeParse(update.data.callback_query);
    if (!parsed.success) return [];
    onCallbackQuery?.(parsed.data.id);
    const message = callbackMessageOf(parsed.data);
    return message ? [{ type: 'message', message }] : [];
  }
  // my_chat_member, channel posts…: not asked for (allowed_updates), acknowledged if they come.
  return [];
}

/**
 * A button pressed under one of the bot's messages in a private chat (issue 18: the rating
 * keyboard): a message of the customer whose text is the button's label, and — when its data is a
 * rating answer — `ratingAnswer`. The press has no date upstream: it counts as now. Its id is the
 * callback query's (Telegram redelivers the same update with the same id).
 */
function callbackMessageOf(query: z.infer<typeof CallbackQuery>): InboundMessage | undefined {
  const chat = query.message?.chat;
  if (!query.message || chat?.type !== 'private' || chat.id === undefined || query.from.is_bot || !query.data) return undefined;
  const address = String(chat.id);
  if (!/^\d{1,20}$/.test(address) || String(query.from.id) !== address) return undefined;
  const at = Date.now();
  const payload: MessageDoc['payload'] = { [SENT_AT]: at };
  if (typeof query.message.message_id === 'number') payload[REPLY_TO] = telegramMessageId(address, query.message.message_id);
  const pressed = query.message.reply_markup?.inline_keyboard?.flat().find((b) => b.callback_data === query.data);
  const ratingAnswer = parseRatingAnswer(query.data);
  return {
    externalId: query.id, address, authorName: [query.from.first_name, query.from.last_name].filter(Boolean).join(' '), at,
    kind: 'text', text: (pressed?.text ?? query.data).slice(0, MESSAGE_TEXT_MAX), media: [], payload, ...(ratingAnswer ? { ratingAnswer } : {}),
  };
}

/** The customer behind a private-chat message; undefined for groups, channels, bots and malformed ones. */
function senderOf(m: TgMessage): { address: string; externalId: string; authorName: string } | undefined {
  if (m.chat?.type !== 'private' || m.from?.is_bot || m.chat.id === undefined || typeof m.message_id !== 'number') return undefined;
  const address = String(m.chat.id);
  if (!/^\d{1,20}$/.test(address)) return undefined;
  const authorName = [m.from?.first_name, m.from?.last_name].filter(Boolean).join(' ');
  return { address, externalId: telegramMessageId(address, m.message_id), authorName };
}

function messageOf(m: TgMessage): InboundMessage | undefined {
  const sender = senderOf(m);
  if (!sender) return undefined;
  const at = typeof m.date === 'number' && m.date > 0 ? m.date * 1000 : Date.now();
  const payload: MessageDoc['payload'] = { [SENT_AT]: at };
  if (typeof m.reply_to_message?.message_id === 'number') payload[REPLY_TO] = telegramMessageId(sender.address, m.reply_to_message.message_id);
  const make = (kind: MessageKind, text: string, media: InboundMessage['media'] = []): InboundMessage => ({
    externalId: sender.externalId, address: sender.address, authorName: sender.authorName, at, kind, text: text.slice(0, MESSAGE_TEXT_MAX), media, payload,
  });
  /** A file as a media ref, or the reason it will not come (over the 20 MB a bot may download). */
  const fileOf = (file: TgFileRef | undefined, mimeType?: string, filename?: string): InboundMessage['media'] => {
    if (!file?.file_id) return [];
    if (typeof file.file_size === 'number' && file.file_size > TELEGRAM_DOWNLOAD_MAX) {
      payload[MEDIA_ERROR] = 'too_large';
      return [];
    }
    const mime = file.mime_type ?? mimeType;
    const name = file.file_name ?? filename;
    if (file.file_name) payload.filename = file.file_name;
    return [{ ref: file.file_id, ...(mime ? { mimeType: mime } : {}), ...(name ? { filename: name } : {}) }];
  };
  const caption = m.caption ?? '';

  if (typeof m.text === 'string') {
    // `/start <parameter>` (deep link t.me/<bot>?start=<parameter>, 1–64 of A–Z a–z 0–9 _ -);
    // `/start@<bot>` is the same command. Anything else after /start is typed text, not a parameter.
    const start = /^\/start(?:@\w+)?\s+([A-Za-z0-9_-]{1,64})$/.exec(m.text.trim());
    if (start?.[1]) payload[START_PARAMETER] = start[1];
    return make('text', m.text);
  }
  if (Array.isArray(m.photo) && m.photo.length > 0) {
    // Several sizes of the same picture, the largest last.
    return make('image', caption, fileOf(m.photo[m.photo.length - 1], 'image/jpeg', 'foto.jpg'));
  }
  for (const { key, kind, mimeType, filename } of FILE_KINDS) {
    const file = m[key];
    if (!file) continue;
    if (key === 'audio' && m.audio?.title) payload.title = m.audio.title;
    return make(kind, caption, fileOf(file, mimeType, filename));
  }
  if (m.location && typeof m.location.latitude === 'number' && typeof m.location.longitude === 'number') {
    payload.latitude = m.location.latitude;
    payload.longitude = m.location.longitude;
    if (m.venue?.title) payload.name = m.venue.title;
    if (m.venue?.address) payload.address = m.venue.address;
    return make('location', [m.venue?.title, m.venue?.address].filter(Boolean).join(' — '));
  }
  if (m.contact) {
    const { first_name, last_name, phone_number } = m.contact;
    payload.count = 1;
    return make('contacts', [first_name, last_name, phone_number].filter(Boolean).join(' '));
  }
  // Stickers, polls, dice, games…: kept and marked, never dropped.
  payload[UNSUPPORTED] = true;
  payload.upstreamType = Object.keys(m).find((key) => !METADATA.has(key)) ?? 'unknown';
  return make('text', TELEGRAM_UNSUPPORTED_TEXT);
}
