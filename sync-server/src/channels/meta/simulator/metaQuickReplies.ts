import type { GraphFailure } from '../../whatsapp/simulator/graphContract.js';
import type { MetaPlatform } from './metaContract.js';

/**
 * Quick replies in the fake Send API (Meta's "Quick Replies" reference, Messenger and Instagram):
 * `message.quick_replies` beside a text or an attachment, at most 13; a `text` one has a title of
 * at most 20 characters and a payload of at most 1,000 (what comes back as `quick_reply.payload`
 * when tapped). Instagram takes text quick replies only. Refused as Graph does: 400, code 100.
 */

export const QUICK_REPLIES_MAX = 13;
export const QUICK_REPLY_TITLE_MAX = 20;
export const QUICK_REPLY_PAYLOAD_MAX = 1000;
const CONTENT_TYPES: Record<MetaPlatform, string[]> = { messenger: ['text', 'user_phone_number', 'user_email'], instagram: ['text'] };

export interface QuickReply { title: string; payload: string }

const invalid = (message: string): GraphFailure => ({ status: 400, code: 100, message: `(#100) ${message}` });

/** The text quick replies offered (undefined: none), or Graph's refusal. */
export function checkQuickReplies(value: unknown, platform: MetaPlatform): QuickReply[] | undefined | GraphFailure {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) return invalid('param message[quick_replies] must be a non-empty array.');
  if (value.length > QUICK_REPLIES_MAX) return invalid(`param message[quick_replies] must have at most ${QUICK_REPLIES_MAX} elements.`);
  const replies: QuickReply[] = [];
  for (const [index, reply] of (value as Array<Record<string, unknown> | null>).entries()) {
    const at = `message[quick_replies][${index}]`;
    const type = reply?.content_type;
    if (typeof type !== 'string' || !CONTENT_TYPES[platform].includes(type)) return invalid(`param ${at}[content_type] must be one of {${CONTENT_TYPES[platform].join(', ')}}`);
    if (type !== 'text') continue;
    const { title, payload } = reply as { title?: unknown; payload?: unknown };
    if (typeof title !== 'string' || !title.trim()) return invalid(`param ${at}[title] must be non-empty.`);
    if ([...title].length > QUICK_REPLY_TITLE_MAX) return invalid(`Length of param ${at}[title] must be less than or equal to ${QUICK_REPLY_TITLE_MAX}`);
    if (typeof payload !== 'string' && typeof payload !== 'number') return invalid(`param ${at}[payload] must be non-empty.`);
    const text = String(payload);
    if (!text || [...text].length > QUICK_REPLY_PAYLOAD_MAX) return invalid(`Length of param ${at}[payload] must be between 1 and ${QUICK_REPLY_PAYLOAD_MAX}`);
    replies.push({ title, payload: text });
  }
  return replies;
}
