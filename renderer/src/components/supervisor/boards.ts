import {
  pauseElapsedMs, pauseOverLimit,
  type ChannelKind, type ConversationDoc, type PresenceStatus, type TeamDoc, type UserDoc,
} from '@atende/protocol';

/**
 * The supervisor boards' rows (R-SV-01..03), computed from the local replica and the realtime
 * presence only: pure, so every window computes the same board from the same store (R-SV-05).
 */
/** A conversation waiting longer than this is highlighted in its queue (R-SV-02). */
export const WAIT_THRESHOLD_MS = 5 * 60_000;
/** The customer wrote last and nobody answered for longer than this: highlighted (R-SV-03). */
export const UNANSWERED_THRESHOLD_MS = 3 * 60_000;
/** A queue's trend compares the waiting count now with this long ago (R-SV-02). */
export const TREND_WINDOW_MS = 15 * 60_000;

type Open = Pick<
  ConversationDoc,
  'id' | 'status' | 'teamId' | 'agentId' | 'contactId' | 'channel' | 'createdAt' | 'waitingSince' | 'takenAt' | 'lastInboundAt'
> & Partial<Pick<ConversationDoc, 'lastMessageAt' | 'finishedAt' | 'queuedAt' | 'firstTakenAt'>>;

const waitingSince = (c: Pick<Open, 'waitingSince' | 'queuedAt' | 'createdAt'>) => c.waitingSince ?? c.queuedAt ?? c.createdAt;
const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

export interface AgentPauseRow {
  name: string;
  maxMinutes: number | null;
  elapsedMs: number;
  over: boolean;
}

export interface AgentRow {
  id: string;
  name: string;
  role: UserDoc['role'];
  teamIds: readonly string[];
  status: PresenceStatus;
  /** Milliseconds in the current presence status; undefined when the server has not said since when. */
  inStatusMs: number | undefined;
  pause: AgentPauseRow | undefined;
  active: number;
  max: number;
}

type AgentUser = Pick<UserDoc, 'id' | 'name' | 'role' | 'maxConcurrent' | 'teamIds' | 'pause' | 'disabled'>;

export function agentRows(
  users: readonly AgentUser[],
  presence: { status: ReadonlyMap<string, PresenceStatus>; since?: ReadonlyMap<string, number> | undefined },
  open: readonly Pick<Open, 'status' | 'agentId'>[],
  now: number,
): AgentRow[] {
  const load = new Map<string, number>();
  for (const c of open) if (c.status === 'active' && c.agentId) load.set(c.agentId, (load.get(c.agentId) ?? 0) + 1);
  return users
    .filter((u) => !u.disabled)
    .map((u) => {
      const since = presence.since?.get(u.id);
      return {
        id: u.id,
        name: u.name,
        role: u.role,
        teamIds: u.teamIds,
        status: presence.status.get(u.id) ?? 'offline',
        inStatusMs: since === undefined ? undefined : Math.max(0, now - since),
        pause: u.pause
          ? { name: u.pause.name, maxMinutes: u.pause.maxMinutes, elapsedMs: pauseElapsedMs(u.pause, now), over: pauseOverLimit(u.pause, now) }
          : undefined,
        active: load.get(u.id) ?? 0,
        max: u.maxConcurrent,
      };
    })
    .sort(byName);
}

/**
 * Whether a conversation was in its team's queue at `at`, from the figures fields the server
 * keeps (queuedAt, firstTakenAt, finishedAt) and, for one waiting now, since when it waits.
 * A conversation returned to the queue and taken again in between is not reconstructed.
 */
export function wasWaitingAt(c: Pick<Open, 'status' | 'createdAt' | 'waitingSince' | 'queuedAt' | 'firstTakenAt' | 'finishedAt'>, at: number): boolean {
  if (c.status === 'waiting' && waitingSince(c) <= at) return true;
  if (c.queuedAt == null || c.queuedAt > at) return false;
  const until = c.firstTakenAt ?? c.finishedAt ?? (c.status === 'waiting' ? Number.POSITIVE_INFINITY : undefined);
  return until !== undefined && until > at;
}

export type Trend = 'up' | 'down' | 'flat';

export interface QueueRow {
  teamId: string;
  name: string;
  waiting: number;
  active: number;
  /** Milliseconds the oldest waiting conversation has waited; 0 when nobody waits. */
  longestWaitMs: number;
  /** Waiting for longer than WAIT_THRESHOLD_MS (highlighted, R-SV-02). */
  overThreshold: number;
  /** How many waited TREND_WINDOW_MS ago, and which way the queue goes since. */
  waitingBefore: number;
  trend: Trend;
}

/**
 * Per team: the open conversations now, and (for the trend) every conversation that may have
 * waited within the window — the open ones plus those finished since.
 */
export function queueRows(
  teams: readonly Pick<TeamDoc, 'id' | 'name'>[],
  conversations: readonly Open[],
  now: number,
): QueueRow[] {
  const rows = new Map<string, QueueRow>(
    teams.map((t) => [t.id, { teamId: t.id, name: t.name, waiting: 0, active: 0, longestWaitMs: 0, overThreshold: 0, waitingBefore: 0, trend: 'flat' }]),
  );
  const before = now - TREND_WINDOW_MS;
  for (const c of conversations) {
    const row = rows.get(c.teamId);
    if (!row) continue;
    if (wasWaitingAt(c, before)) row.waitingBefore += 1;
    if (c.status === 'active') row.active += 1;
    if (c.status !== 'waiting') continue;
    const waited = Math.max(0, now - waitingSince(c));
    row.waiting += 1;
    row.longestWaitMs = Math.max(row.longestWaitMs, waited);
    if (waited > WAIT_THRESHOLD_MS) row.overThreshold += 1;
  }
  for (const row of rows.values()) row.trend = row.waiting > row.waitingBefore ? 'up' : row.waiting < row.waitingBefore ? 'down' : 'flat';
  return [...rows.values()].sort(byName);
}

export type BoardStatus = 'bot' | 'waiting' | 'active';
export const BOARD_STATUSES: readonly BoardStatus[] = ['bot', 'waiting', 'active'];

export interface ConversationRow {
  id: string;
  contact: string;
  agentId: string | null;
  agent: string | undefined;
  teamId: string;
  team: string;
  channel: ChannelKind;
  /** 'bot': the chatbot still holds it (R-RT-04); supervisors may release it. */
  status: BoardStatus;
  durationMs: number;
  /** Since the customer's last message; undefined when they have not written. */
  sinceCustomerMs: number | undefined;
  /** The customer wrote last and has waited longer than UNANSWERED_THRESHOLD_MS for an answer. */
  unanswered: boolean;
}

/** The customer's message is the latest of the conversation (nothing written after it). */
export function customerWroteLast(c: Pick<Open, 'lastInboundAt' | 'lastMessageAt'>): boolean {
  return c.lastInboundAt != null && c.lastInboundAt >= (c.lastMessageAt ?? 0);
}

export function conversationRows<C extends Open>(
  open: readonly C[],
  names: { user(id: string): string | undefined; team(id: string): string | undefined; contact(c: C): string },
  now: number,
): ConversationRow[] {
  return open
    .flatMap((c) => (c.status === 'bot' || c.status === 'waiting' || c.status === 'active' ? [{ c, status: c.status }] : []))
    .sort((a, b) => a.c.createdAt - b.c.createdAt)
    .map(({ c, status }) => {
      const sinceCustomerMs = c.lastInboundAt ? Math.max(0, now - c.lastInboundAt) : undefined;
      return {
        id: c.id,
        contact: names.contact(c),
        agentId: c.agentId,
        agent: c.agentId ? names.user(c.agentId) : undefined,
        teamId: c.teamId,
        team: names.team(c.teamId) ?? '',
        channel: c.channel,
        status,
        durationMs: Math.max(0, now - c.createdAt),
        sinceCustomerMs,
        unanswered: customerWroteLast(c) && sinceCustomerMs !== undefined && sinceCustomerMs > UNANSWERED_THRESHOLD_MS,
      };
    });
}
