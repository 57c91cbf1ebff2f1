import { describe, expect, it } from 'vitest';
import {
  addFigures, emptyTotals, figuresOf, firstResponseBucket, histogramP90, localDateOf, localDaysRange, mergeTotals, nextLocalDate,
  p90Of, startOfLocalDay, summarise, summariseConversations, type Measured,
} from '../src/metrics.js';

const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);
const MIN = 60_000;

function conversation(over: Partial<Measured> = {}): Measured {
  return {
    status: 'finished', startedBy: 'customer', createdAt: T0, finishedAt: T0 + 30 * MIN, transfers: [], teamId: 'team:suporte',
    agentId: 'user:ana', channel: 'webchat', disposition: null, tags: [],
    queuedAt: T0 + MIN, firstTakenAt: T0 + 3 * MIN, firstResponseAt: T0 + 4 * MIN, rating: null, ...over,
  };
}

describe('R-SV-06 / R-RT-06: one definition of the service figures (metrics.ts)', () => {
  it('R-SV-06: an answered conversation — first response from the customer’s first message, waiting from the queue, handle from the take', () => {
    expect(figuresOf(conversation())).toEqual({
      received: true, started: false, answered: true, abandoned: false, finished: true, transferred: false,
      firstResponseMs: 4 * MIN, waitMs: 2 * MIN, handleMs: 27 * MIN, rating: null, ratingRequested: false,
    });
  });

  it('R-SV-06: finished without an agent message is abandoned; its wait runs to the finish', () => {
    const f = figuresOf(conversation({ firstTakenAt: null, firstResponseAt: null }));
    expect(f).toMatchObject({ received: true, answered: false, abandoned: true, firstResponseMs: null, handleMs: null, waitMs: 29 * MIN });
  });

  it('R-SV-06: a waiting conversation is neither abandoned nor finished, and its wait is not measured yet', () => {
    const f = figuresOf(conversation({ status: 'waiting', finishedAt: null, firstTakenAt: null, firstResponseAt: null }));
    expect(f).toMatchObject({ received: true, abandoned: false, finished: false, waitMs: null, handleMs: null });
  });

  it('R-RT-06: an agent-started conversation is started, not received; it has no first response time', () => {
    const f = figuresOf(conversation({ startedBy: 'agent' }));
    expect(f).toMatchObject({ received: false, started: true, answered: false, abandoned: false, firstResponseMs: null });
  });

  it('R-RT-06: a conversation stored before issue 16 (no figure fields) counts, unmeasured', () => {
    const { firstResponseAt: _a, queuedAt: _b, firstTakenAt: _c, rating: _d, ...old } = conversation();
    expect(figuresOf(old)).toMatchObject({ received: true, answered: false, abandoned: true, waitMs: null, handleMs: null });
  });

  it('R-RT-06: adding then subtracting a conversation leaves the totals as they were (rollups move contributions)', () => {
    const t = emptyTotals();
    const rated = figuresOf(conversation({ rating: { score: 4, comment: '', at: T0, channel: 'webchat' }, transfers: [] }));
    addFigures(t, figuresOf(conversation()));
    const before = structuredClone(t);
    addFigures(t, rated);
    expect(t.rating).toEqual({ count: 1, sum: 4, distribution: [0, 0, 0, 1, 0], requested: 1 });
    addFigures(t, rated, -1);
    expect(t).toEqual(before);
  });

  it('R-RT-06: merged totals equal the totals of all conversations', () => {
    const a = addFigures(emptyTotals(), figuresOf(conversation()));
    const b = addFigures(emptyTotals(), figuresOf(conversation({ firstResponseAt: T0 + 40 * MIN })));
    const both = addFigures(addFigures(emptyTotals(), figuresOf(conversation())), figuresOf(conversation({ firstResponseAt: T0 + 40 * MIN })));
    expect(mergeTotals(a, b)).toEqual(both);
  });

  it('R-SV-06: averages and the exact p90 of first response in the replica', () => {
    const list = Array.from({ length: 10 }, (_, i) => conversation({ firstResponseAt: T0 + (i + 1) * MIN }));
    const s = summariseConversations(list);
    expect(s.firstResponseAvgMs).toBe(5.5 * MIN);
    expect(s.firstResponseP90Ms).toBe(9 * MIN);
    expect(s).toMatchObject({ conversations: 10, received: 10, answered: 10, abandoned: 0, ratingAvg: null, ratingCount: 0 });
    expect(p90Of([])).toBeNull();
  });

  it('R-RT-06: from the histogram, p90 is the upper bound of the bucket holding it', () => {
    const t = emptyTotals();
    for (let i = 0; i < 9; i++) addFigures(t, figuresOf(conversation({ firstResponseAt: T0 + 20_000 })));
    addFigures(t, figuresOf(conversation({ firstResponseAt: T0 + 50 * MIN })));
    expect(firstResponseBucket(20_000)).toBe(0);
    expect(histogramP90(t.firstResponse.histogram)).toBe(30_000);
    expect(summarise(emptyTotals()).firstResponseP90Ms).toBeNull();
  });
});

const rated = (score: number, over: Partial<Measured> = {}): Measured =>
  conversation({ ratingRequestedAt: T0 + 31 * MIN, rating: { score, comment: '', at: T0 + 40 * MIN, channel: 'whatsapp' }, ...over });

describe('issue 18 R-RT-06: ratings — average, distribution and response rate', () => {
  it('issue 18 R-RT-06: the distribution counts each score; the response rate is rated / asked', () => {
    const s = summariseConversations([
      rated(5), rated(5), rated(4), rated(1),
      conversation({ ratingRequestedAt: T0 + 31 * MIN }), conversation({ ratingRequestedAt: T0 + 31 * MIN }),
      conversation(),
    ]);
    expect(s).toMatchObject({
      ratingCount: 4, ratingAvg: 15 / 4, ratingDistribution: [1, 0, 0, 1, 2], ratingRequested: 6, ratingResponseRate: 4 / 6,
    });
  });

  it('issue 18 R-RT-06: nobody asked — no response rate, no average, an empty distribution', () => {
    expect(summariseConversations([conversation(), conversation()])).toMatchObject({
      ratingAvg: null, ratingCount: 0, ratingDistribution: [0, 0, 0, 0, 0], ratingRequested: 0, ratingResponseRate: null,
    });
  });

  it('issue 18 R-RT-06: a rating without a recorded request (before issue 18) counts as asked, so the rate never passes 100 %', () => {
    const s = summariseConversations([rated(3, { ratingRequestedAt: undefined }), rated(4)]);
    expect(s).toMatchObject({ ratingCount: 2, ratingRequested: 2, ratingResponseRate: 1 });
  });

  it('issue 18 R-RT-06: figures stored before issue 18 (no ratingRequested) come out of the totals as they went in', () => {
    const { ratingRequested: _r, ...legacy } = figuresOf(rated(2, { ratingRequestedAt: undefined }));
    const t = addFigures(emptyTotals(), legacy);
    expect(t.rating).toEqual({ count: 1, sum: 2, distribution: [0, 1, 0, 0, 0], requested: 1 });
    addFigures(t, legacy, -1);
    expect(t).toEqual(emptyTotals());
  });

  it('issue 18 R-RT-06: merged totals carry the requested count', () => {
    const a = addFigures(emptyTotals(), figuresOf(conversation({ ratingRequestedAt: T0 })));
    const b = addFigures(emptyTotals(), figuresOf(rated(5)));
    expect(summarise(mergeTotals(a, b))).toMatchObject({ ratingRequested: 2, ratingCount: 1, ratingResponseRate: 0.5 });
  });
});

describe('R-RT-06: calendar days of the organisation’s time zone', () => {
  it('R-RT-06: São Paulo’s day starts at 03:00 UTC', () => {
    expect(new Date(startOfLocalDay('America/Sao_Paulo', '2026-11-28')).toISOString()).toBe('2026-11-28T03:00:00.000Z');
    expect(localDateOf('America/Sao_Paulo', Date.parse('2026-11-29T02:59:00Z'))).toBe('2026-11-28');
  });

  it('R-RT-06: a day across a DST change is 25 hours long (New York, 1 November 2026)', () => {
    const { start, end } = localDaysRange('America/New_York', '2026-11-01', '2026-11-01');
    expect(new Date(start).toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect((end - start) / 3_600_000).toBe(25);
  });

  it('R-RT-06: half-hour zones and month ends', () => {
    expect(new Date(startOfLocalDay('Asia/Kolkata', '2026-03-01')).toISOString()).toBe('2026-02-28T18:30:00.000Z');
    expect(nextLocalDate('2026-02-28')).toBe('2026-03-01');
    expect(nextLocalDate('2026-12-31')).toBe('2027-01-01');
  });
});
