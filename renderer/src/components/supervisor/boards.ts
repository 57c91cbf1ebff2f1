import type { ChannelKind, ConversationDoc, PresenceStatus, TeamDoc, UserDoc } from '@atende/protocol';

/**
 * The supervisor boards' rows (R-SV-01..03), computed from the local replica and the realtime
 * presence only: pure, so every window computes the same board from the same store (R-SV-05).
 */
export const WAIT_THRESHOLD_MS = 5 * 60_000;

type Open = Pick<
  ConversationDoc,
  'id' | 'status' | 'teamId' | 'agentId' | 'contactId' | 'channel' | 'createdAt' | 'waitingSince' | 'takenAt' | 'lastInboundAt'
>;

const waitingSince = (c: Open) => c.waitingSince ?? c.createdAt;
const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

export interface AgentRow {
  id: string;
  name: string;
  role: UserDoc['role'];
  status: PresenceStatus;
  active: number;
  max: number;
}

export function agentRows(
  users: readonly Pick<UserDoc, 'id' | 'name' | 'role' | 'maxConcurrent'>[],
  presence: ReadonlyMap<string, PresenceStatus>,
  open: readonly Open[],
): AgentRow[] {
  const load = new Map<string, number>();
  for (const c of open) if (c.status === 'active' && c.agentId) load.set(c.agentId, (load.get(c.agentId) ?? 0) + 1);
  return users
    .map((u) => ({ id: u.id, name: u.name, role: u.role, status: presence.get(u.id) ?? 'offline', active: load.get(u.id) ?? 0, max: u.maxConcurrent }))
    .sort(byName);
}

export interface QueueRow {
  teamId: string;
  name: string;
  waiting: number;
  active: number;
  /** Milliseconds the oldest waiting conversation has waited; 0 when nobody waits. */
  longestWaitMs: number;
  /** Waiting for longer than WAIT_THRESHOLD_MS (highlighted, R-SV-02). */
  overThreshold: number;
}

export function queueRows(teams: readonly Pick<TeamDoc, 'id' | 'name'>[], open: readonly Open[], now: number): QueueRow[] {
  const rows = new Map<string, QueueRow>(
    teams.map((t) => [t.id, { teamId: t.id, name: t.name, waiting: 0, active: 0, longestWaitMs: 0, overThreshold: 0 }]),
  );
  for (const c of open) {
    const row = rows.get(c.teamId);
    if (!row) continue;
    if (c.status === 'active') row.active += 1;
    if (c.status !== 'waiting') continue;
    const waited = Math.max(0, now - waitingSince(c));
    row.waiting += 1;
    row.longestWaitMs = Math.max(row.longestWaitMs, waited);
    if (waited > WAIT_THRESHOLD_MS) row.overThreshold += 1;
  }
  return [...rows.values()].sort(byName);
}

export interface ConversationRow {
  id: string;
  contact: string;
  agent: string | undefined;
  team: string;
  channel: ChannelKind;
  /** 'bot': the chatbot still holds it (R-RT-04); supervisors may release it. */
  status: 'bot' | 'waiting' | 'active';
  durationMs: number;
  /** Since the customer's last message; undefined when they have not written. */
  sinceCustomerMs: number | undefined;
}

export function conversationRows<C extends Open>(
  open: readonly C[],
  names: { user(id: string): string | undefined; team(id: string): string | undefined; contact(c: C): string },
  now: number,
): ConversationRow[] {
  return open
    .flatMap((c) => (c.status === 'bot' || c.status === 'waiting' || c.status === 'active' ? [{ c, status: c.status }] : []))
    .sort((a, b) => a.c.createdAt - b.c.createdAt)
    .map(({ c, status }) => ({
      id: c.id,
      contact: names.contact(c),
      agent: c.agentId ? names.user(c.agentId) : undefined,
      team: names.team(c.teamId) ?? '',
      channel: c.channel,
      status,
      durationMs: Math.max(0, now - c.createdAt),
      sinceCustomerMs: c.lastInboundAt ? Math.max(0, now - c.lastInboundAt) : undefined,
    }));
}
