import { CHANNEL_TEXT_MAX, MESSAGE_TEXT_MAX, REPLY_WINDOW_CLOSED, WHATSAPP_WINDOW_CLOSED, type ChannelKind } from '@atende/protocol';
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
  /** What is counted: the text as it is sent (trimmed), in the units the server counts. */
  length: number;
  max: number;
  showCounter: boolean;
  over: boolean;
}

export function textLimit(text: string, channel?: ChannelKind): TextLimit {
  const length = text.trim().length;
  const max = textMaxOf(channel);
  return { length, max, showCounter: length >= counterFrom(max), over: length > max };
}

/**
 * Why a reply was refused, for the agent: a text over its channel's limit in their language;
 * otherwise the server's own message (domain refusals such as a closed WhatsApp, Messenger or
 * Instagram window are worded for agents, and name the window's rule).
 */
export type RefusalReason = { key: 'tooLong'; max: number } | { message: string } | null;

/** Refusals that are about the window, whatever the text's length: the server's sentence says why. */
const WINDOW_REFUSALS: ReadonlySet<string> = new Set([WHATSAPP_WINDOW_CLOSED, REPLY_WINDOW_CLOSED]);

export function refusalReason(reply: Pick<OutboxDoc, 'body' | 'error'>, channel?: ChannelKind): RefusalReason {
  const text = typeof reply.body.text === 'string' ? reply.body.text : '';
  const max = textMaxOf(channel);
  const aboutWindow = reply.error !== null && WINDOW_REFUSALS.has(reply.error.code);
  if (!aboutWindow && text.trim().length > max) return { key: 'tooLong', max };
  return reply.error?.message ? { message: reply.error.message } : null;
}
