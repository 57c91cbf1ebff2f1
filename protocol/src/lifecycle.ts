import stableStringify from 'fast-json-stable-stringify';
import type { ConversationDoc, ConversationStatus, Transfer } from './documents.js';
import { DomainError } from './errors.js';

/**
 * The conversation lifecycle (bot · waiting · active · finished) as one pure state machine shared
 * by the server, which runs it inside its read-modify-write loop, and the renderer. Capacity and
 * the existence of teams, agents and dispositions need the store and stay with the server.
 */

export const ALREADY_TAKEN_MESSAGE = 'Este atendimento já foi puxado por outro agente.';
export const MAX_CONCURRENT_MESSAGE =
  'Não foi possível iniciar a conversa. O número máximo de atendimentos simultâneos foi atingido.';
/** R-WS-08: starting a conversation with a contact another agent is serving on that channel. */
export const ALREADY_SERVED_MESSAGE =
  'Não foi possível iniciar a conversa. O cliente está sendo atendido por outro agente.';

/** Makes a `switch` over a union fail to compile when a new member appears (STYLE.md). */
export function unreachable(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}

export type ConversationEvent =
  | { type: 'claim'; agentId: string; at: number }
  | { type: 'transfer'; id: string; byUserId: string; toTeamId: string; toAgentId: string | null; note?: string; at: number }
  | { type: 'returnToQueue'; id: string; byUserId: string; note?: string; at: number }
  | { type: 'invite'; agentId: string; at: number }
  | { type: 'leave'; agentId: string; at: number }
  // byUserId null: the system finished it (a session timeout, R-RT-01).
  | { type: 'finish'; byUserId: string | null; disposition: string | null; note: string; at: number; commandId?: string }
  | { type: 'handoff'; toTeamId: string; at: number } // bot → waiting queue of a team
  | { type: 'enterFlow'; toTeamId: string; at: number }; // bot → bot in another team's flow (R-RT-04)

export type Transition =
  | { ok: true; next: ConversationDoc; changed: boolean } // changed=false: idempotent repeat
  | { ok: false; error: DomainError };

type Change = Partial<Omit<ConversationDoc, 'id' | 'type' | 'createdAt' | 'updatedAt'>>;

const unchanged = (conversation: ConversationDoc): Transition => ({ ok: true, next: conversation, changed: false });
const fail = (error: DomainError): Transition => ({ ok: false, error });
const apply = (conversation: ConversationDoc, change: Change, at: number): Transition => ({
  ok: true,
  next: { ...conversation, ...change, updatedAt: at },
  changed: true,
});

export const conversationErrors = {
  finished: () => new DomainError('conflict', 'finished', 'The conversation is finished'),
  alreadyTaken: () => new DomainError('conflict', 'already_taken', ALREADY_TAKEN_MESSAGE),
  notWaiting: (status: ConversationStatus) =>
    new DomainError('conflict', 'not_waiting', `The conversation is ${status}`),
  notActive: (status: ConversationStatus) =>
    new DomainError('conflict', 'not_active', `The conversation is ${status}`),
  notBot: (status: ConversationStatus) =>
    new DomainError('conflict', 'not_bot', `The conversation is ${status}, no longer with the bot`),
  sameTarget: () =>
    new DomainError('unprocessable', 'same_target', 'The conversation is already with that team or agent'),
  isOwner: () => new DomainError('conflict', 'is_owner', 'That agent already holds the conversation'),
  notInvited: () => new DomainError('conflict', 'not_invited', 'That agent is not invited to the conversation'),
  maxConcurrent: () => new DomainError('conflict', 'max_concurrent', MAX_CONCURRENT_MESSAGE),
  alreadyServed: () => new DomainError('conflict', 'already_served', ALREADY_SERVED_MESSAGE),
} as const;

/** Applies an event to the CURRENT stored conversation. Pure; never mutates the input. */
export function transition(conversation: ConversationDoc, event: ConversationEvent): Transition {
  switch (event.type) {
    case 'claim':
      return claim(conversation, event);
    case 'transfer':
      return moveTo(conversation, event, { teamId: event.toTeamId, agentId: event.toAgentId });
    case 'returnToQueue':
      // Recorded as a transfer to the same team's queue so the forwarding history shows it (R-WS-19).
      if (hasTransfer(conversation, event.id)) return unchanged(conversation);
      if (conversation.status === 'finished') return fail(conversationErrors.finished());
      if (conversation.status !== 'active') return fail(conversationErrors.notActive(conversation.status));
      return moveTo(conversation, event, { teamId: conversation.teamId, agentId: null });
    case 'invite':
      return invite(conversation, event);
    case 'leave':
      if (conversation.status === 'finished') return fail(conversationErrors.finished());
      if (conversation.agentId === event.agentId) return fail(conversationErrors.isOwner());
      if (!conversation.invitedAgentIds.includes(event.agentId)) return fail(conversationErrors.notInvited());
      return apply(conversation, {
        invitedAgentIds: conversation.invitedAgentIds.filter((a) => a !== event.agentId),
      }, event.at);
    case 'finish':
      return finish(conversation, event);
    case 'handoff':
      return handoff(conversation, event);
    case 'enterFlow':
      return enterFlow(conversation, event);
    default:
      return unreachable(event);
  }
}

type EventOf<T extends ConversationEvent['type']> = Extract<ConversationEvent, { type: T }>;

function claim(c: ConversationDoc, event: EventOf<'claim'>): Transition {
  switch (c.status) {
    case 'waiting':
      return apply(c, { status: 'active', agentId: event.agentId, takenAt: event.at, invitedAgentIds: [], ...firstTaken(c, event.at) }, event.at);
    case 'active':
      // A retried or doubled click by the winner must not read as a lost race (R-WS-02).
      return c.agentId === event.agentId ? unchanged(c) : fail(conversationErrors.alreadyTaken());
    case 'bot':
      return fail(conversationErrors.notWaiting(c.status));
    case 'finished':
      return fail(conversationErrors.finished());
    default:
      return unreachable(c.status);
  }
}

/**
 * The service figures' first times (issue 16, metrics.ts): set by the change that causes them,
 * in the same write, and never moved once set (a return to the queue keeps the first `queuedAt`).
 */
const queued = (c: ConversationDoc, at: number) => (c.queuedAt == null ? { queuedAt: at } : {});
const firstTaken = (c: ConversationDoc, at: number) => (c.firstTakenAt == null ? { firstTakenAt: at } : {});

const hasTransfer = (c: ConversationDoc, id: string) => c.transfers.some((t) => t.id === id);

/** Teams that held the conversation; their members receive it as a deletion (replication). */
function formerTeamsAfterMove(c: ConversationDoc, toTeamId: string): string[] {
  const former = toTeamId !== c.teamId && !c.formerTeamIds.includes(c.teamId)
    ? [...c.formerTeamIds, c.teamId]
    : c.formerTeamIds;
  return former.filter((t) => t !== toTeamId);
}

function moveTo(
  c: ConversationDoc,
  event: EventOf<'transfer' | 'returnToQueue'>,
  target: { teamId: string; agentId: string | null },
): Transition {
  if (hasTransfer(c, event.id)) return unchanged(c);
  if (c.status === 'finished') return fail(conversationErrors.finished());
  const alreadyThere = target.teamId === c.teamId && target.agentId === c.agentId
    && (target.agentId === null ? c.status === 'waiting' : c.status === 'active');
  if (alreadyThere) return fail(conversationErrors.sameTarget());
  const entry: Transfer = {
    id: event.id,
    at: event.at,
    byUserId: event.byUserId,
    fromTeamId: c.teamId,
    toTeamId: target.teamId,
    fromAgentId: c.agentId,
    toAgentId: target.agentId,
    ...(event.note ? { note: event.note } : {}),
  };
  const toAgent = target.agentId !== null;
  return apply(c, {
    teamId: target.teamId,
    formerTeamIds: formerTeamsAfterMove(c, target.teamId),
    agentId: target.agentId,
    status: toAgent ? 'active' : 'waiting',
    waitingSince: toAgent ? c.waitingSince : event.at,
    takenAt: toAgent ? event.at : null,
    invitedAgentIds: [],
    transfers: [...c.transfers, entry],
    ...(toAgent ? firstTaken(c, event.at) : queued(c, event.at)),
  }, event.at);
}

function invite(c: ConversationDoc, event: EventOf<'invite'>): Transition {
  if (c.status === 'finished') return fail(conversationErrors.finished());
  if (c.status !== 'active') return fail(conversationErrors.notActive(c.status));
  if (c.agentId === event.agentId) return fail(conversationErrors.isOwner());
  if (c.invitedAgentIds.includes(event.agentId)) return unchanged(c);
  return apply(c, { invitedAgentIds: [...c.invitedAgentIds, event.agentId] }, event.at);
}

function finish(c: ConversationDoc, event: EventOf<'finish'>): Transition {
  if (c.status === 'finished') {
    // A retry of the finish that closed it (the same command id, or both without one) by the same
    // agent with the same disposition answers that finish; any other finish is a second finish.
    const sameCommand = (c.finishCommandId ?? null) === (event.commandId ?? null);
    const repeat = sameCommand && c.finishedBy === event.byUserId && c.disposition === event.disposition;
    return repeat ? unchanged(c) : fail(conversationErrors.finished());
  }
  return apply(c, {
    status: 'finished',
    finishedAt: event.at,
    finishedBy: event.byUserId,
    disposition: event.disposition,
    finishNote: event.note,
    finishCommandId: event.commandId ?? null,
    // No group remains after finish (R-WS-05).
    invitedAgentIds: [],
  }, event.at);
}

function handoff(c: ConversationDoc, event: EventOf<'handoff'>): Transition {
  if (c.status === 'bot') {
    return apply(c, {
      status: 'waiting',
      teamId: event.toTeamId,
      formerTeamIds: formerTeamsAfterMove(c, event.toTeamId),
      agentId: null,
      waitingSince: event.at,
      takenAt: null,
      ...queued(c, event.at),
    }, event.at);
  }
  // A retried hand-off job finds the conversation already queued where it sent it.
  if (c.status === 'waiting' && c.teamId === event.toTeamId) return unchanged(c);
  if (c.status === 'finished') return fail(conversationErrors.finished());
  return fail(conversationErrors.notBot(c.status));
}

/** The bot moves the conversation into another team's flow; it stays with the bot (R-RT-04). */
function enterFlow(c: ConversationDoc, event: EventOf<'enterFlow'>): Transition {
  if (c.status !== 'bot') return fail(c.status === 'finished' ? conversationErrors.finished() : conversationErrors.notBot(c.status));
  if (c.teamId === event.toTeamId) return unchanged(c);
  return apply(c, { teamId: event.toTeamId, formerTeamIds: formerTeamsAfterMove(c, event.toTeamId) }, event.at);
}

/** A new inbound customer message appends to an open conversation or opens a new one. */
export function onInbound(latest: Pick<ConversationDoc, 'status'> | undefined): 'append' | 'open' {
  if (!latest) return 'open';
  switch (latest.status) {
    case 'bot':
    case 'waiting':
    case 'active':
      return 'append';
    case 'finished':
      // Reopening is a new conversation with a new protocol number; the finished one stays history.
      return 'open';
    default:
      return unreachable(latest.status);
  }
}

/** Open conversations, the ones that block another start on the same channel (R-WS-08). */
export const isOpen = (status: ConversationStatus): boolean => onInbound({ status }) === 'append';

/** Conflict precedence (issue 7 point 7): a later lifecycle state wins over an earlier one. */
export function lifecycleRank(status: ConversationStatus): number {
  switch (status) {
    case 'bot':
      return 0;
    case 'waiting':
      return 1;
    case 'active':
      return 2;
    case 'finished':
      return 3;
    default:
      return unreachable(status);
  }
}

/**
 * Picks the winner between two revisions of one conversation. Every node must pick the same one
 * whatever the argument order, so the last tie-break compares a canonical serialisation.
 */
export function preferConversation(a: ConversationDoc, b: ConversationDoc): ConversationDoc {
  const byRank = lifecycleRank(a.status) - lifecycleRank(b.status);
  if (byRank !== 0) return byRank > 0 ? a : b;
  return preferLater(a, b);
}

/** Later `updatedAt` wins; equal times fall back to the canonical JSON (larger wins). */
export function preferLater<T extends { updatedAt: number }>(a: T, b: T): T {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt > b.updatedAt ? a : b;
  const sa = stableStringify(a);
  const sb = stableStringify(b);
  if (sa === sb) return a;
  return sa > sb ? a : b;
}
