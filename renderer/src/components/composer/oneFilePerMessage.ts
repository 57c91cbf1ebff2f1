import type { ChannelKind } from '@atende/protocol';

/** One message of the composer's send: its text and the files it carries. */
export interface ReplyPart {
  text: string;
  mediaIds: string[];
}

/** Channels whose messages carry one file each (CHANNELS.md: WhatsApp, Telegram's sendPhoto/sendDocument, Meta's attachment). */
export const ONE_FILE_CHANNELS: ReadonlySet<ChannelKind> = new Set(['whatsapp', 'telegram', 'messenger', 'instagram']);

/**
 * On those channels several files go as several messages, the text with the first, in the order
 * they were attached (the adapters refuse more). Other channels take them all in one message.
 */
export function replyParts(channel: ChannelKind | undefined, text: string, mediaIds: readonly string[]): ReplyPart[] {
  if (channel === undefined || !ONE_FILE_CHANNELS.has(channel) || mediaIds.length <= 1) return [{ text, mediaIds: [...mediaIds] }];
  return mediaIds.map((mediaId, i) => ({ text: i === 0 ? text : '', mediaIds: [mediaId] }));
}
