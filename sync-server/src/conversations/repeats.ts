import {
  DomainError, transition, type ConversationDoc, type ConversationEvent, type Transition, type UserDoc,
} from '@atende/protocol';

/**
 * Repeated commands (issue 8 point 8): the renderer's outbox sends a command again with the same
 * id after a timeout, a dropped connection or a reload, possibly while the first attempt is still
 * being written. A repeat answers the first outcome; it is never applied twice nor refused.
 */

const idConflict = () => new DomainError('conflict', 'id_conflict', 'That command id is already used');

/**
 * True when `event` is something `user` already did to `c`: a transfer or return to the queue
 * whose id is in the forwarding history (theirs — another user's id is a conflict, not their
 * repeat), or an event the lifecycle answers as unchanged (the same finish, the winner's claim).
 */
export function isRepeat(user: UserDoc, c: ConversationDoc, event: ConversationEvent): boolean {
  if (event.type === 'transfer' || event.type === 'returnToQueue') {
    const entry = c.transfers.find((t) => t.id === event.id);
    if (!entry) return false;
    if (entry.byUserId !== user.id) throw idConflict();
    return true;
  }
  const result = transition(c, event);
  return result.ok && !result.changed;
}

/**
 * The conversation as the author's transfer left it, for a repeat that arrives once the author
 * can no longer see it (moved to a team they are not in): the fields that transfer set, and
 * nothing of what happened in the other team since (later transfers, previews, notes, finish).
 */
export function asLeftBy(c: ConversationDoc, transferIndex: number): ConversationDoc {
  const transfer = c.transfers[transferIndex];
  if (!transfer) throw new Error(`no transfer ${transferIndex} in ${c.id}`);
  const transfers = c.transfers.slice(0, transferIndex + 1);
  const before = (at: number | null) => (at !== null && at <= transfer.at ? at : null);
  const toAgent = transfer.toAgentId !== null;
  return {
    ...c,
    updatedAt: transfer.at,
    teamId: transfer.toTeamId,
    formerTeamIds: [...new Set(transfers.map((t) => t.fromTeamId))].filter((t) => t !== transfer.toTeamId),
    status: toAgent ? 'active' : 'waiting',
    agentId: transfer.toAgentId,
    invitedAgentIds: [],
    waitingSince: toAgent ? before(c.waitingSince) : transfer.at,
    takenAt: toAgent ? transfer.at : null,
    finishedAt: null,
    finishedBy: null,
    disposition: null,
    finishNote: '',
    finishCommandId: null,
    lastInboundAt: before(c.lastInboundAt),
    lastMessageAt: before(c.lastMessageAt),
    lastPreview: '',
    tags: [],
    transfers,
    ticketLinks: [],
    channelMeta: {},
  };
}

/**
 * Several events of one command (an invitation of several colleagues) applied in turn, as one
 * change: all of them or, at the first refusal, none.
 */
export function transitionAll(c: ConversationDoc, events: readonly ConversationEvent[]): Transition {
  let next = c;
  let changed = false;
  for (const event of events) {
    const result = transition(next, event);
    if (!result.ok) return result;
    if (result.changed) {
      next = result.next;
      changed = true;
    }
  }
  return { ok: true, next, changed };
}

/** True when every event of the command is a repeat (see `isRepeat`). */
export const isRepeatOfAll = (user: UserDoc, c: ConversationDoc, events: readonly ConversationEvent[]): boolean =>
  events.every((event) => isRepeat(user, c, event));
