import { createHash } from 'node:crypto';

/** Length of a rating key: short enough for Telegram's 64-byte callback_data, long enough never to be guessed. */
const KEY_LENGTH = 16;

/**
 * The rating key of a conversation (issue 18): the first 16 characters of base64url(sha256(id)).
 * Every answer button carries it (`rate:<score>:<key>`), so an answer names the conversation that
 * asked, never a later one of the same customer; it is derived, so nothing has to be stored.
 */
export function ratingKeyOf(conversationId: string): string {
  return createHash('sha256').update(conversationId).digest('base64url').slice(0, KEY_LENGTH);
}

/**
 * The id of the question's message: one per conversation, so asking twice writes it once. The '.'
 * is never in a client id (ClientId), so no client can squat it.
 */
export const ratingRequestMessageId = (conversationId: string): string => `message:rate.${ratingKeyOf(conversationId)}`;

/** The id of the thanks sent after a channel answer: one per conversation too. */
export const ratingThanksMessageId = (conversationId: string): string => `message:rate.${ratingKeyOf(conversationId)}.thanks`;

/**
 * A server-only record that an upstream answer (by its message key) was taken as the rating: its
 * redelivery is then recognised and ignored instead of becoming an ordinary message.
 */
export const ratingAnswerRecordId = (messageKey: string): string => `ratinganswer:${messageKey}`;
