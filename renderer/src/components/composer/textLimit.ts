import { MESSAGE_TEXT_MAX } from '@atende/protocol';
import type { OutboxDoc } from '../../db/outboxSchema';

/**
 * The server refuses a reply longer than MESSAGE_TEXT_MAX (400): the composer says so before the
 * agent sends. The counter shows from COUNTER_FROM on, so a normal reply is not cluttered.
 */
export const COUNTER_FROM = MESSAGE_TEXT_MAX - 296;

export interface TextLimit {
  /** What is counted: the text as it is sent (trimmed), in the units the server counts. */
  length: number;
  max: number;
  showCounter: boolean;
  over: boolean;
}

export function textLimit(text: string): TextLimit {
  const length = text.trim().length;
  return { length, max: MESSAGE_TEXT_MAX, showCounter: length >= COUNTER_FROM, over: length > MESSAGE_TEXT_MAX };
}

/**
 * Why a reply was refused, for the agent: a text over the limit in their language; otherwise the
 * server's own message (domain refusals such as the closed WhatsApp window are worded for agents).
 */
export type RefusalReason = { key: 'tooLong'; max: number } | { message: string } | null;

export function refusalReason(reply: Pick<OutboxDoc, 'body' | 'error'>): RefusalReason {
  const text = typeof reply.body.text === 'string' ? reply.body.text : '';
  if (text.length > MESSAGE_TEXT_MAX) return { key: 'tooLong', max: MESSAGE_TEXT_MAX };
  return reply.error?.message ? { message: reply.error.message } : null;
}
