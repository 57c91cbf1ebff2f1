import type { ConversationDoc, MessageDoc, Transfer } from '@atende/protocol';

/**
 * Transfer notes (R-WS-19): who receives a transfer, and how long its note stays on top of the
 * conversation. Pure, so alerts.ts and the banner agree on the same reading.
 */

/** The last move of the conversation, when it is a transfer or return made by someone else. */
function lastMoveByOther(c: Pick<ConversationDoc, 'transfers'>, meId: string): Transfer | undefined {
  const last = c.transfers.at(-1);
  return last && last.byUserId !== meId ? last : undefined;
}

/**
 * The transfer that just arrived to me, for an alert: to me by name (the conversation is mine and
 * active), or to the queue of one of my teams (it waits there, for me among others).
 */
export function arrivingTransfer(
  c: Pick<ConversationDoc, 'transfers' | 'status' | 'agentId' | 'teamId'>,
  me: { id: string; teamIds: readonly string[] },
): Transfer | undefined {
  const last = lastMoveByOther(c, me.id);
  if (!last) return undefined;
  if (last.toAgentId !== null) return last.toAgentId === me.id && c.status === 'active' && c.agentId === me.id ? last : undefined;
  return c.status === 'waiting' && me.teamIds.includes(last.toTeamId) && c.teamId === last.toTeamId ? last : undefined;
}

/**
 * The note shown on top of the conversation for its receiver: the last transfer's, when I now hold
 * the conversation (transferred to me, or taken from the queue it was sent to), someone else wrote
 * it, and I have not answered the customer since nor dismissed it.
 */
export function noteForReceiver(
  c: Pick<ConversationDoc, 'transfers' | 'agentId' | 'status'>,
  meId: string | undefined,
  messages: readonly Pick<MessageDoc, 'direction' | 'authorId' | 'createdAt'>[],
  dismissed: ReadonlySet<string>,
): Transfer | undefined {
  if (!meId || c.status !== 'active' || c.agentId !== meId) return undefined;
  const last = lastMoveByOther(c, meId);
  if (!last?.note || dismissed.has(last.id)) return undefined;
  const replied = messages.some((m) => m.direction === 'out' && m.authorId === meId && m.createdAt >= last.at);
  return replied ? undefined : last;
}
