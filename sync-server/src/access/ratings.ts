import { seesAllTeams, viewerOf, type ConversationDoc, type UserDoc, type Viewer } from '@atende/protocol';

/**
 * Who sees a customer's rating (issue 18, R-RT-06): supervisors and admins every one; an agent only
 * the rating of a conversation they hold or finished (its `agentId`) — never a colleague's, even
 * in a conversation of their team they see or were invited into.
 */
export function seesRatingOf(viewer: Viewer, conversation: { readonly [field: string]: unknown }): boolean {
  if (seesAllTeams(viewer)) return true;
  return typeof conversation.agentId === 'string' && conversation.agentId !== '' && conversation.agentId === viewer.userId;
}

/**
 * The document as this viewer receives it: a conversation's rating left out (absent, which the
 * schemas allow) when it is not theirs to see. Conversations are server-owned (never pushed), so
 * a replica without the rating never writes the stored one away. Anything else is returned as is.
 */
export function withRatingFor<T extends { readonly [field: string]: unknown }>(viewer: Viewer, doc: T): T {
  if (doc.type !== 'conversation' || doc.rating === undefined || doc.rating === null || seesRatingOf(viewer, doc)) return doc;
  const { rating: _withheld, ...shown } = doc;
  return shown as unknown as T;
}

/** Whether the form of a conversation differs by viewer of the same rights: it carries a rating. */
export const hasRating = (doc: { readonly [field: string]: unknown }): boolean =>
  doc.type === 'conversation' && doc.rating !== undefined && doc.rating !== null;

/**
 * A conversation as a REST answer gives it to this user (a command's result, a repeat's answer):
 * for the routes, so no answer hands an agent a colleague's rating.
 */
export const conversationFor = (user: UserDoc, conversation: ConversationDoc): ConversationDoc => withRatingFor(viewerOf(user), conversation);
