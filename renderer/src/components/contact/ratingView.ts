import { RATING_REQUEST_PAYLOAD, type ConversationRating, type MessageDoc, type Role } from '@atende/protocol';

/**
 * What a conversation's history and transcript say about its rating (issue 18): the customer's
 * score, or that it was asked for and not answered yet. Agents never see another agent's
 * individual ratings: only supervisors, admins and the conversation's own agent are shown
 * anything (the server also leaves the rating out for everyone else).
 */
export type RatingView =
  | { kind: 'rated'; score: number; comment: string; channel: string }
  | { kind: 'requested' };

export interface Viewer {
  id: string;
  role: Role;
}

export const mayViewRating = (viewer: Viewer | null | undefined, agentId: string | null): boolean =>
  !!viewer && (viewer.role !== 'agent' || (agentId !== null && agentId === viewer.id));

/** A message that asked the customer for the rating (the server writes it on finish). */
export const isRatingRequest = (message: Pick<MessageDoc, 'payload'>): boolean =>
  typeof message.payload?.[RATING_REQUEST_PAYLOAD] === 'string';

/**
 * The view of one conversation for this viewer. `requested`: whether it was asked — its
 * `ratingRequestedAt`, or a request message among its messages when those are at hand.
 */
export function ratingView(
  viewer: Viewer | null | undefined,
  conversation: { agentId: string | null; rating?: ConversationRating | null },
  requested: boolean,
): RatingView | null {
  if (!mayViewRating(viewer, conversation.agentId)) return null;
  const rating = conversation.rating;
  if (rating) return { kind: 'rated', score: rating.score, comment: rating.comment, channel: rating.channel };
  return requested ? { kind: 'requested' } : null;
}
