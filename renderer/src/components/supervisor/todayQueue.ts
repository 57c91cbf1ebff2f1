import type { ConversationDoc } from '@atende/protocol';
import type { OrganisationDay } from './todayDay';

/**
 * The waiting queue over the day per team (R-SV-06 charts), rebuilt from what each conversation
 * records: when it first queued (`queuedAt`), was first taken (`firstTakenAt`), each transfer
 * (to a team's queue or to an agent, with its time), its current take (`takenAt`) and its finish.
 */
export const SAMPLE_MS = 15 * 60_000;

export type Queued = Pick<ConversationDoc, 'status' | 'teamId' | 'waitingSince' | 'takenAt' | 'finishedAt' | 'transfers'>
  & Partial<Pick<ConversationDoc, 'queuedAt' | 'firstTakenAt'>>;

/** One stretch of waiting in a team's queue; `to` null while it still waits. */
export interface WaitInterval {
  teamId: string;
  from: number;
  to: number | null;
}

type Mark = { at: number; wait: string } | { at: number; wait: null };

/**
 * The stretches a conversation waited. A take between a return to the queue and a later return
 * is recorded nowhere (only the current take is, `takenAt`), so such a middle stretch runs to
 * the next return: the chart may then show it waiting longer than it did.
 */
export function waitIntervals(c: Queued): WaitInterval[] {
  const transfers = [...c.transfers].sort((a, b) => a.at - b.at);
  const toQueue = transfers.filter((t) => t.toAgentId === null);
  // Stored before issue 16 (no queuedAt): its waitingSince is still its first wait when it never went back to a queue.
  const queuedAt = c.queuedAt ?? (toQueue.length === 0 ? c.waitingSince : null);
  const marks: Mark[] = [];
  if (queuedAt != null) marks.push({ at: queuedAt, wait: transfers.find((t) => t.at >= queuedAt)?.fromTeamId ?? c.teamId });
  for (const t of transfers) marks.push({ at: t.at, wait: t.toAgentId === null ? t.toTeamId : null });
  const firstTaken = c.firstTakenAt ?? (toQueue.length === 0 ? c.takenAt : null);
  for (const at of [firstTaken, c.takenAt, c.finishedAt]) if (at != null) marks.push({ at, wait: null });
  // At one instant, queue first then take: a conversation distributed the moment it queued waited 0.
  marks.sort((a, b) => a.at - b.at || (a.wait === null ? 1 : 0) - (b.wait === null ? 1 : 0));

  const intervals: WaitInterval[] = [];
  let open: { teamId: string; from: number } | null = null;
  for (const mark of marks) {
    if (open) intervals.push({ ...open, to: mark.at });
    open = mark.wait === null ? null : { teamId: mark.wait, from: mark.at };
  }
  if (open && c.status === 'waiting') intervals.push({ ...open, to: null });
  return intervals.filter((i) => i.to === null || i.to > i.from);
}

export interface QueueSeries {
  /** Sample instants: every 15 minutes from the day's start up to now, then now itself. */
  at: number[];
  /** The last sample is the live count now (not a 15-minute mark). */
  live: boolean;
  /** Conversations waiting at each sample, per team (in the order of `teamIds`). */
  teams: Array<{ teamId: string; counts: number[] }>;
}

/** How many waited in each team's queue at each 15-minute mark of the day so far, and now. */
export function queueOverDay(
  conversations: readonly Queued[],
  teamIds: readonly string[],
  day: Pick<OrganisationDay, 'start' | 'end'>,
  now: number,
): QueueSeries {
  const until = Math.min(now, day.end);
  const at: number[] = [];
  for (let s = day.start; s < until; s += SAMPLE_MS) at.push(s);
  const live = now >= day.start && now < day.end;
  if (live) at.push(now);
  const counts = new Map(teamIds.map((id) => [id, new Array<number>(at.length).fill(0)]));
  for (const c of conversations) {
    for (const interval of waitIntervals(c)) {
      const row = counts.get(interval.teamId);
      if (!row) continue;
      at.forEach((s, i) => {
        if (interval.from <= s && (interval.to === null || s < interval.to)) row[i] = (row[i] ?? 0) + 1;
      });
    }
  }
  if (live) {
    // Now is what the queue boards show: the conversations waiting, wherever the history is thin.
    const last = at.length - 1;
    for (const row of counts.values()) row[last] = 0;
    for (const c of conversations) {
      const row = counts.get(c.teamId);
      if (row && c.status === 'waiting') row[last] = (row[last] ?? 0) + 1;
    }
  }
  return { at, live, teams: teamIds.map((teamId) => ({ teamId, counts: counts.get(teamId) ?? [] })) };
}
