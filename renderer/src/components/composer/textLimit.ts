import {
  CHANNEL_TEXT_MAX, channelTextLength, fitsChannelText, MESSAGE_TEXT_MAX, REPLY_WINDOW_CLOSED, TOO_MANY_FILES, WHATSAPP_WINDOW_CLOSED,
  type ChannelKind,
} from '@atende/protocol';
import type { OutboxDoc } from '../../db/outboxSchema';

/**
 * The server refuses a reply longer than its channel takes (CHANNEL_TEXT_MAX: Messenger 2,000,
 * Instagram 1,000, Telegram and WhatsApp 4,096): the composer says so before the agent sends.
 * The counter shows near the limit only, so a normal reply is not cluttered.
 */
export const textMaxOf = (channel: ChannelKind | undefined): number => (channel ? CHANNEL_TEXT_MAX[channel] : MESSAGE_TEXT_MAX);

/** Where the counter appears: 296 characters before the limit (as before issue 11), at most a fifth of a short one (Instagram). */
export const counterFrom = (max: number): number => max - Math.min(296, Math.floor(max / 5));
export const COUNTER_FROM = counterFrom(MESSAGE_TEXT_MAX);

export interface TextLimit {
  /** What is counted: protocol's `channelTextLength`, the one count of the composer, the server and the adapters. */
  length: number;
  max: number;
  showCounter: boolean;
  over: boolean;
}

export function textLimit(text: string, channel?: ChannelKind): TextLimit {
  const length = channelTextLength(text);
  const max = textMaxOf(channel);
  return { length, max, showCounter: length >= counterFrom(max), over: !fitsText(text, channel) };
}

/** Without a known channel (not replicated yet), the longest text any message may carry. */
const fitsText = (text: string, channel: ChannelKind | undefined): boolean =>
  (channel ? fitsChannelText(channel, text) : channelTextLength(text) <= MESSAGE_TEXT_MAX);

/**
 * Why a reply was refused, for the agent: a text over its channel's limit in their language;
 * otherwise the server's own message (domain refusals such as a closed WhatsApp, Messenger or
 * Instagram window, or too many files for the channel, are worded for agents and say the rule).
 */
export type RefusalReason = { key: 'tooLong'; max: number } | { message: string } | null;

/**
 * Refusals about something else than the text, whatever its length: a closed window, or more than
 * one file where the channel takes one per message (TOO_MANY_FILES). The server's sentence says why.
 */
const OTHER_REFUSALS: ReadonlySet<string> = new Set([WHATSAPP_WINDOW_CLOSED, REPLY_WINDOW_CLOSED, TOO_MANY_FILES]);

export function refusalReason(reply: Pick<OutboxDoc, 'body' | 'error'>, channel?: ChannelKind): RefusalReason {
  const text = typeof reply.body.text === 'string' ? reply.body.text : '';
  const max = textMaxOf(channel);
  const aboutOther = reply.error !== null && OTHER_REFUSALS.has(reply.error.code);
  if (!aboutOther && !fitsText(text, channel)) return { key: 'tooLong', max };
  return reply.error?.message ? { message: reply.error.message } : null;
}
