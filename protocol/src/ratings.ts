import { z } from 'zod';
import { ConversationRating } from './documents.js';
import { endpoint } from './endpoint.js';

/**
 * Customer ratings after finish (issue 18, R-RT-06, seeds 001/002 "avaliar os atendentes"). When a
 * conversation is finished and its team asks for ratings, the customer is asked on the channel's
 * own means (widget stars, WhatsApp list, Telegram inline keyboard, Messenger/Instagram quick
 * replies). Each answer carries the *rating key* of its conversation, so it is matched to that one
 * and never to a later conversation of the same customer.
 */

export const RATING_MIN = 1;
export const RATING_MAX = 5;
export const RATING_SCORES = [1, 2, 3, 4, 5] as const;
export const RATING_COMMENT_MAX = 1000;
/** How long after the finish an answer is accepted, unless the team says otherwise. */
export const RATING_WINDOW_HOURS_DEFAULT = 24;
export const RATING_WINDOW_HOURS_MAX = 720;

export const RatingScore = z.number().int().min(RATING_MIN).max(RATING_MAX);

/** A team's setting (`TeamDoc.ratings`); null or absent: the team does not ask. */
export const TeamRatings = z.strictObject({
  enabled: z.boolean(),
  windowHours: z.number().int('whole hours').min(1, 'at least 1 hour').max(RATING_WINDOW_HOURS_MAX, 'at most 30 days'),
});
export type TeamRatings = z.infer<typeof TeamRatings>;

export const RATINGS_OFF: TeamRatings = { enabled: false, windowHours: RATING_WINDOW_HOURS_DEFAULT };

/**
 * The payload of the outgoing message that asks for the rating (`MessageDoc.payload[RATING_REQUEST_PAYLOAD]`
 * = the conversation's rating key): adapters render it with their channel's buttons, the widget with stars.
 */
export const RATING_REQUEST_PAYLOAD = 'ratingRequest';

/**
 * The id an answer button carries upstream: `rate:<score>:<key>`. The key is short (Telegram's
 * callback_data holds 64 bytes) and computed by the server from the conversation id.
 */
const ANSWER = /^rate:([1-5]):([A-Za-z0-9_-]{8,32})$/;
export function formatRatingAnswer(key: string, score: number): string {
  return `rate:${score}:${key}`;
}
export function parseRatingAnswer(id: string | null | undefined): { key: string; score: number } | null {
  const m = ANSWER.exec(id ?? '');
  return m ? { key: m[2]!, score: Number(m[1]) } : null;
}

/** The visible label of each answer (pt-BR: customers read the organisation's language), ≤ 20 characters (Messenger). */
export const RATING_LABELS: Record<number, string> = {
  1: '1 - Péssimo', 2: '2 - Ruim', 3: '3 - Regular', 4: '4 - Bom', 5: '5 - Excelente',
};
/** The question sent to the customer. */
export const RATING_QUESTION = 'Como você avalia este atendimento? Escolha uma nota de 1 a 5.';
/** The answer to a rating, where the channel lets us say something back. */
export const RATING_THANKS = 'Obrigado pela sua avaliação!';

/** `POST /api/webchat/rating` (visitor token): rates the visitor's last finished conversation. */
export const WebchatRatingBody = z.strictObject({
  score: RatingScore,
  comment: z.string().trim().max(RATING_COMMENT_MAX).optional(),
});
export type WebchatRatingBody = z.infer<typeof WebchatRatingBody>;
export const WebchatRatingResponse = z.object({ conversationId: z.string(), rating: ConversationRating });
export type WebchatRatingResponse = z.infer<typeof WebchatRatingResponse>;

/** The signed-in agent's own figures (profile menu, seed 002 "Nome e média das avaliações"). */
export const MyRatingResponse = z.object({ average: z.number().nullable(), count: z.number().int().nonnegative() });
export type MyRatingResponse = z.infer<typeof MyRatingResponse>;

/** Refusal codes of the widget's rating (409): nothing to rate, rated already, too late. */
export const RATING_REFUSALS = ['nothing_to_rate', 'already_rated', 'rating_window_closed'] as const;

export const RATINGS_API = {
  webchatRating: endpoint({ method: 'POST', path: '/api/webchat/rating', auth: 'visitor', body: WebchatRatingBody, response: WebchatRatingResponse }),
  myRating: endpoint({ method: 'GET', path: '/api/me/rating', auth: 'user', response: MyRatingResponse }),
} as const;
