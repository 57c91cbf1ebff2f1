import { ONE_FILE_PER_MESSAGE, type ChannelKind } from '@atende/protocol';

/** One message of the composer's send: its text and the files it carries. */
export interface ReplyPart {
  text: string;
  mediaIds: string[];
}

/**
 * On channels whose messages carry one file each (protocol's ONE_FILE_PER_MESSAGE; the server
 * refuses more at queue time) several files go as several messages, the text with the first, in
 * the order they were attached. Other channels take them all in one message.
 */
export function replyParts(channel: ChannelKind | undefined, text: string, mediaIds: readonly string[]): ReplyPart[] {
  if (channel === undefined || !ONE_FILE_PER_MESSAGE.has(channel) || mediaIds.length <= 1) return [{ text, mediaIds: [...mediaIds] }];
  return mediaIds.map((mediaId, i) => ({ text: i === 0 ? text : '', mediaIds: [mediaId] }));
}
