import { describe, expect, it } from 'vitest';
import type { ConversationDoc, Transfer } from '@atende/protocol';
import { todayCounters } from '../src/components/supervisor/todayCounters';
import { mergeById, organisationDay } from '../src/components/supervisor/todayDay';
import { firstResponseDistribution, receivedPerHour } from '../src/components/supervisor/todayHistograms';
import { queueOverDay, SAMPLE_MS, waitIntervals } from '../src/components/supervisor/todayQueue';

/**
 * R-SV-06: today's counters and charts against a seeded day with known answers, in
 * America/Sao_Paulo (UTC−3): a conversation answered, one abandoned, one transferred to another
 * team's queue, one still waiting, one that started yesterday and waited past midnight, a
 * reopened one, one an agent started, one returned to the queue, and ratings.
 */
const TZ = 'America/Sao_Paulo';
const DAY = '2026-11-28';
const at = (time: string, date = DAY) => Date.parse(`${date}T${time}:00-03:00`);
const MIN = 60_000;
const SUPORTE = 'team:suporte';
const COMERCIAL = 'team:comercial';

type Fields = Partial<ConversationDoc>;
function conversation(id: string, fields: Fields): ConversationDoc {
  const createdAt = fields.createdAt ?? at('09:00');
  return {
    id, type: 'conversation', createdAt, updatedAt: fields.finishedAt ?? createdAt, contactId: `contact:${id}`, channel: 'webchat',
    channelAccountId: 'account:site', teamId: SUPORTE, formerTeamIds: [], status: 'finished', agentId: 'user:ana', invitedAgentIds: [],
    protocol: id, startedBy: 'customer', waitingSince: createdAt, takenAt: null, finishedAt: null, finishedBy: null, lastInboundAt: createdAt,
    lastMessageAt: createdAt, lastPreview: '', disposition: null, finishNote: '', tags: [], transfers: [], ticketLinks: [], channelMeta: {},
    queuedAt: createdAt, firstTakenAt: null, firstResponseAt: null, rating: null,
    ...fields,
  } as ConversationDoc;
}
const transfer = (at: number, fromTeamId: string, toTeamId: string, toAgentId: string | null, fromAgentId: string | null = null): Transfer => ({
  id: `t${at}`, at, byUserId: 'user:carla', fromTeamId, toTeamId, fromAgentId, toAgentId,
});
const rating = (score: number) => ({ score, comment: '', at: at('23:00'), channel: 'webchat' }) as ConversationDoc['rating'];

const answered = conversation('c1', {
  createdAt: at('09:00'), firstTakenAt: at('09:02'), takenAt: at('09:02'), firstResponseAt: at('09:03'), finishedAt: at('09:20'), rating: rating(5),
});
const abandoned = conversation('c2', { createdAt: at('09:10'), agentId: null, finishedAt: at('09:40') });
const transferred = conversation('c3', {
  createdAt: at('10:00'), teamId: COMERCIAL, formerTeamIds: [SUPORTE], waitingSince: at('10:05'), transfers: [transfer(at('10:05'), SUPORTE, COMERCIAL, null)],
  firstTakenAt: at('10:20'), takenAt: at('10:20'), firstResponseAt: at('10:21'), finishedAt: at('10:50'), rating: rating(3),
});
const stillWaiting = conversation('c4', { createdAt: at('11:50'), status: 'waiting', agentId: null });
const overMidnight = conversation('c5', {
  createdAt: at('23:50', '2026-11-27'), firstTakenAt: at('00:10'), takenAt: at('00:10'), firstResponseAt: at('00:12'), finishedAt: at('00:30'),
});
const reopened = conversation('c6', {
  contactId: 'contact:c1', createdAt: at('13:00'), status: 'active', firstTakenAt: at('13:01'), takenAt: at('13:01'), firstResponseAt: at('13:01') + 30_000,
});
const agentStarted = conversation('c7', {
  createdAt: at('14:00'), startedBy: 'agent', waitingSince: null, queuedAt: null, firstTakenAt: at('14:00'), takenAt: at('14:00'),
  firstResponseAt: at('14:00'), finishedAt: at('14:10'),
});
const returned = conversation('c8', {
  createdAt: at('15:00'), agentId: 'user:bruno', waitingSince: at('15:10'), transfers: [transfer(at('15:10'), SUPORTE, SUPORTE, null, 'user:ana')],
  firstTakenAt: at('15:01'), takenAt: at('15:20'), firstResponseAt: at('15:02'), finishedAt: at('15:30'),
});
const seeded = [answered, abandoned, transferred, stillWaiting, overMidnight, reopened, agentStarted, returned];
const day = organisationDay(TZ, DAY);
const NOW = at('16:00');
const teams = [{ id: SUPORTE, name: 'Suporte' }, { id: COMERCIAL, name: 'Comercial' }, { id: 'team:financeiro', name: 'Financeiro' }];

describe('R-SV-06: the organisation day', () => {
  it('R-SV-06: today is the local calendar day of the organisation, midnight to midnight in its time zone', () => {
    expect(day).toEqual({ timeZone: TZ, date: DAY, start: Date.parse('2026-11-28T03:00:00Z'), end: Date.parse('2026-11-29T03:00:00Z') });
  });

  it('R-SV-06: the replica query and the open list merge by id, the later revision winning', () => {
    const older = { ...stillWaiting, updatedAt: 1 };
    expect(mergeById([older, answered], [stillWaiting]).map((c) => [c.id, c.updatedAt])).toEqual([['c4', stillWaiting.updatedAt], ['c1', answered.updatedAt]]);
  });
});

describe('R-SV-06: today\'s counters per team and overall', () => {
  const counters = todayCounters(seeded, teams, day);

  it('R-SV-06: overall — received, answered, abandoned, first response (average, exact p90), handle and rating averages', () => {
    expect(counters.overall).toEqual({
      conversations: 7, received: 6, started: 1, answered: 4, abandoned: 1, finished: 5, transferred: 2,
      // 3 min, 21 min, 90 s, 2 min (the agent-started one has no first response).
      firstResponseAvgMs: (3 * MIN + 21 * MIN + 90_000 + 2 * MIN) / 4,
      firstResponseP90Ms: 21 * MIN,
      waitAvgMs: expect.any(Number),
      // 18, 30, 10 and 29 minutes; the abandoned one was never taken.
      handleAvgMs: ((18 + 30 + 10 + 29) * MIN) / 4,
      ratingAvg: 4, ratingCount: 2,
      // Issue 18: both ratings counted as asked (neither conversation recorded a request).
      ratingDistribution: expect.any(Array), ratingRequested: 2, ratingResponseRate: 1,
    });
  });

  it('R-SV-06: per team, by the team holding it now; an idle team reads zeros; sorted by name', () => {
    expect(counters.teams.map((t) => [t.name, t.summary.received, t.summary.answered, t.summary.abandoned])).toEqual([
      ['Comercial', 1, 1, 0], ['Financeiro', 0, 0, 0], ['Suporte', 5, 3, 1],
    ]);
    const suporte = counters.teams.find((t) => t.teamId === SUPORTE)?.summary;
    expect(suporte?.firstResponseAvgMs).toBe((3 * MIN + 90_000 + 2 * MIN) / 3);
    expect(suporte?.firstResponseP90Ms).toBe(3 * MIN);
    expect(counters.teams[0]?.summary).toMatchObject({ firstResponseP90Ms: 21 * MIN, handleAvgMs: 30 * MIN, ratingAvg: 3 });
    expect(counters.teams[1]?.summary).toMatchObject({ firstResponseAvgMs: null, handleAvgMs: null, ratingAvg: null });
  });

  it('R-SV-06: a conversation created before midnight counts yesterday, not today; a reopened one counts again', () => {
    const yesterday = todayCounters(seeded, teams, organisationDay(TZ, '2026-11-27'));
    expect(yesterday.overall).toMatchObject({ received: 1, answered: 1, firstResponseAvgMs: 22 * MIN });
    expect(counters.overall.received).toBe(6);
    const withoutReopened = todayCounters(seeded.filter((c) => c !== reopened), teams, day);
    expect(counters.overall.received - withoutReopened.overall.received).toBe(1);
  });

  it('R-SV-06: a team the replica does not name still counts, under its id', () => {
    const stray = conversation('c9', { teamId: 'team:gone', createdAt: at('12:00') });
    expect(todayCounters([stray], teams, day).teams.find((t) => t.teamId === 'team:gone')).toMatchObject({ name: 'team:gone' });
  });
});

describe('R-SV-06: waiting queue over the day', () => {
  it('R-SV-06: wait stretches — transferred between team queues, returned to the queue, still waiting, taken the moment it queued', () => {
    expect(waitIntervals(transferred)).toEqual([
      { teamId: SUPORTE, from: at('10:00'), to: at('10:05') }, { teamId: COMERCIAL, from: at('10:05'), to: at('10:20') },
    ]);
    expect(waitIntervals(returned)).toEqual([
      { teamId: SUPORTE, from: at('15:00'), to: at('15:01') }, { teamId: SUPORTE, from: at('15:10'), to: at('15:20') },
    ]);
    expect(waitIntervals(stillWaiting)).toEqual([{ teamId: SUPORTE, from: at('11:50'), to: null }]);
    expect(waitIntervals(abandoned)).toEqual([{ teamId: SUPORTE, from: at('09:10'), to: at('09:40') }]);
    expect(waitIntervals(agentStarted)).toEqual([]);
    expect(waitIntervals(conversation('d', { createdAt: at('12:00'), firstTakenAt: at('12:00'), takenAt: at('12:00'), finishedAt: at('12:05') }))).toEqual([]);
  });

  it('R-SV-06: a conversation stored before the figures fields waited from waitingSince to its take', () => {
    const old = conversation('old', { createdAt: at('08:00'), waitingSince: at('08:00'), queuedAt: undefined, firstTakenAt: undefined, takenAt: at('08:20'), finishedAt: at('08:40') });
    expect(waitIntervals(old)).toEqual([{ teamId: SUPORTE, from: at('08:00'), to: at('08:20') }]);
  });

  it('R-SV-06: 15-minute samples from midnight to now, per team, then the live count now', () => {
    const series = queueOverDay(seeded, [SUPORTE, COMERCIAL], day, NOW);
    expect(series.live).toBe(true);
    expect(series.at.length).toBe(64 + 1);
    expect(series.at[1]! - series.at[0]!).toBe(SAMPLE_MS);
    expect(series.at.at(-1)).toBe(NOW);
    const sample = (time: string) => series.at.indexOf(at(time));
    const count = (team: number, time: string) => series.teams[team]!.counts[sample(time)];
    // The one created yesterday at 23:50 still waited at midnight.
    expect([count(0, '00:00'), count(0, '00:15')]).toEqual([1, 0]);
    expect(['09:00', '09:15', '09:30', '09:45'].map((t) => count(0, t))).toEqual([1, 1, 1, 0]);
    // Transferred at 10:05 from Suporte's queue to Comercial's, taken at 10:20.
    expect([count(0, '10:00'), count(1, '10:00'), count(0, '10:15'), count(1, '10:15'), count(1, '10:30')]).toEqual([1, 0, 0, 1, 0]);
    expect([count(0, '11:45'), count(0, '12:00'), count(0, '13:00'), count(0, '15:00'), count(0, '15:15'), count(0, '15:30')]).toEqual([0, 1, 2, 2, 2, 1]);
    expect(series.teams.map((t) => t.counts.at(-1))).toEqual([1, 0]);
  });

  it('R-SV-06: a past day has no live sample and ends at midnight', () => {
    const series = queueOverDay(seeded, [SUPORTE], organisationDay(TZ, '2026-11-27'), NOW);
    expect(series.live).toBe(false);
    expect(series.at.length).toBe(96);
    expect(series.at.at(-1)).toBe(at('23:45', '2026-11-27'));
    // Queued at 23:50 and taken at 00:10: between two marks, it shows on neither day's 23:45.
    expect(series.teams[0]!.counts.at(-1)).toBe(0);
  });
});

describe('R-SV-06: conversations per hour and the first-response distribution', () => {
  it('R-SV-06: received conversations by local hour (the agent-started one and yesterday\'s are out)', () => {
    const hours = receivedPerHour(seeded, day);
    expect(hours.length).toBe(24);
    expect(hours[0]!.at).toBe(day.start);
    expect(Object.fromEntries(hours.map((h, i) => [i, h.received]).filter(([, n]) => n))).toEqual({ 9: 2, 10: 1, 11: 1, 13: 1, 15: 1 });
  });

  it('R-SV-06: a day with a DST change has the hours it really has', () => {
    expect(receivedPerHour([], organisationDay('America/New_York', '2026-03-08')).length).toBe(23);
    expect(receivedPerHour([], organisationDay('America/New_York', '2026-11-01')).length).toBe(25);
  });

  it('R-SV-06: first responses in the protocol buckets (90 s and 2 min ≤ 2 min, 3 min ≤ 5 min, 21 min ≤ 30 min)', () => {
    const buckets = firstResponseDistribution(seeded, day);
    expect(buckets.length).toBe(13);
    expect(buckets.map((b) => b.count)).toEqual([0, 0, 2, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(buckets[2]).toEqual({ overMs: MIN, upToMs: 2 * MIN, count: 2 });
    expect(buckets.at(-1)).toMatchObject({ overMs: 86_400_000, upToMs: null });
  });
});
