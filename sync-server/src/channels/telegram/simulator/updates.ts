import type { TgFile } from './fakeBotApi.js';

/**
 * Telegram `Update`s as the Bot API sends them to a webhook (core.telegram.org/bots/api#update),
 * for tests and the simulator: a customer in a private chat (chat id = user id) writes text,
 * photos (several sizes, largest last), files, voice, location, contacts, edits and `/start`.
 */

export interface TgUser { id: number; first_name: string; last_name?: string; username?: string; is_bot?: boolean; language_code?: string }

export interface TgUpdateOptions {
  update_id?: number;
  message_id?: number;
  /** Unix seconds; default now. */
  date?: number;
  /** Another chat than the customer's private one (a group, for tests of what is ignored). */
  chat?: { id: number; type: 'private' | 'group' | 'supergroup' | 'channel'; title?: string };
}

let updateSequence = 800_000_000;
let messageSequence = 0;

/** A fresh message id (ids are per chat upstream; unique everywhere is stricter and fine). */
export const tgMessageId = (): number => ++messageSequence;

const now = () => Math.floor(Date.now() / 1000);

/** A `message` update from `from` in their private chat with the bot. */
export function tgMessageUpdate(from: TgUser, fields: Record<string, unknown>, options: TgUpdateOptions = {}) {
  const chat = options.chat ?? { id: from.id, type: 'private' as const, first_name: from.first_name, ...(from.last_name ? { last_name: from.last_name } : {}) };
  return {
    update_id: options.update_id ?? ++updateSequence,
    message: {
      message_id: options.message_id ?? tgMessageId(),
      from: { is_bot: false, language_code: 'pt-br', ...from },
      chat, date: options.date ?? now(), ...fields,
    },
  };
}

export const tgTextUpdate = (from: TgUser, text: string, options?: TgUpdateOptions) => tgMessageUpdate(from, { text }, options);

/** `/start` with the deep link's parameter (`t.me/<bot>?start=<parameter>`), as Telegram marks a command. */
export const tgStartUpdate = (from: TgUser, parameter?: string, options?: TgUpdateOptions) =>
  tgMessageUpdate(from, { text: parameter ? `/start ${parameter}` : '/start', entities: [{ type: 'bot_command', offset: 0, length: 6 }] }, options);

/** A photo: Telegram sends several sizes, the largest last; only `file` (the largest) is downloadable from the fake. */
export function tgPhotoUpdate(from: TgUser, file: TgFile, caption?: string, options?: TgUpdateOptions) {
  const thumb = { file_id: `${file.file_id}-thumb`, file_unique_id: `${file.file_unique_id}-t`, file_size: Math.min(file.file_size, 1_500), width: 90, height: 67 };
  const full = { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.file_size, width: 1280, height: 960 };
  return tgMessageUpdate(from, { photo: [thumb, full], ...(caption ? { caption } : {}) }, options);
}

const fileFields = (file: TgFile) => ({
  file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.file_size, mime_type: file.mime_type,
});

export const tgDocumentUpdate = (from: TgUser, file: TgFile, caption?: string, options?: TgUpdateOptions) =>
  tgMessageUpdate(from, { document: { ...fileFields(file), file_name: file.file_name ?? 'arquivo' }, ...(caption ? { caption } : {}) }, options);

export const tgVoiceUpdate = (from: TgUser, file: TgFile, duration = 3, options?: TgUpdateOptions) =>
  tgMessageUpdate(from, { voice: { ...fileFields(file), duration } }, options);

export const tgAudioUpdate = (from: TgUser, file: TgFile, title?: string, options?: TgUpdateOptions) =>
  tgMessageUpdate(from, { audio: { ...fileFields(file), duration: 120, ...(file.file_name ? { file_name: file.file_name } : {}), ...(title ? { title } : {}) } }, options);

export const tgVideoUpdate = (from: TgUser, file: TgFile, caption?: string, options?: TgUpdateOptions) =>
  tgMessageUpdate(from, { video: { ...fileFields(file), duration: 8, width: 640, height: 360 }, ...(caption ? { caption } : {}) }, options);

export const tgLocationUpdate = (from: TgUser, latitude: number, longitude: number, options?: TgUpdateOptions) =>
  tgMessageUpdate(from, { location: { latitude, longitude } }, options);

export const tgContactUpdate = (from: TgUser, contact: { phone_number: string; first_name: string; last_name?: string; user_id?: number }, options?: TgUpdateOptions) =>
  tgMessageUpdate(from, { contact }, options);

/** A sticker: a kind this integration does not show as media (kept as text with a marker). */
export const tgStickerUpdate = (from: TgUser, emoji = '👍', options?: TgUpdateOptions) =>
  tgMessageUpdate(from, { sticker: { file_id: 'CAACstk', file_unique_id: 'AgADstk', width: 512, height: 512, is_animated: false, is_video: false, type: 'regular', emoji } }, options);

/**
 * The customer edited message `messageId` (text, or a caption with `field: 'caption'`):
 * `edited_message` carries the message as it is now, with `edit_date` (unix seconds).
 */
export function tgEditUpdate(from: TgUser, messageId: number, text: string, options: TgUpdateOptions & { editDate?: number; originalDate?: number; field?: 'text' | 'caption' } = {}) {
  const edited = tgMessageUpdate(from, { [options.field ?? 'text']: text }, { ...options, message_id: messageId, date: options.originalDate ?? now() - 60 });
  return { update_id: edited.update_id, edited_message: { ...edited.message, edit_date: options.editDate ?? now() } };
}
