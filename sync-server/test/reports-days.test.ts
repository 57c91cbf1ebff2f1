import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  emptyTotals, localDaysRange, mergeTotals, summarise,
  type ConversationDoc, type ReportFigures, type ReportGroup, type ReportResponse, type Totals,
} from '@atende/protocol';
import { ReportQueries, ReportRollups } from '../src/reports/index.js';
import { rollupId, unpack, type RollupDoc } from '../src/reports/contribution.js';
import { DAY_PREFIX, type DayDoc } from '../src/reports/daySummaries.js';
import { EmbeddedStore } from '../src/store/embedded.js';
import type { DocStore, StoredDoc, WriteOptions } from '../src/store/index.js';
import { change, conversation, T0, writeAll, writeNames } from './reportsSeed.js';

/**
 * Day summaries (daySummaries.ts, R-RT-06): a report over whole UTC days reads cached sums, and
 * must answer exactly what summing every 15-minute bucket answers, however the cache and the
 * rollup job interleave.
 */
const SP = 'America/Sao_Paulo';
const KOLKATA = 'Asia/Kolkata';
const FROM = '2025-03-07';
const TO = '2025-03-13';
const MIN = 60_000;
const GROUPS: ReportGroup[] = ['team', 'agent', 'channel', 'disposition', 'tag'];

let dir: string;
let store: EmbeddedStore;

/** 140 conversations every 83 minutes from 2025-03-06, so every hour of the day and both midnights come up. */
function severalDays(): ConversationDoc[] {
  const agents = ['user:ana', 'user:bruno', null];
  const channels = ['webchat', 'whatsapp', 'telegram'] as const;
  const tags = [[], ['tag:rt-vip'], ['tag:rt-vip', 'tag:rt-duvida']];
  return Array.from({ length: 140 }, (_, i) => {
    const createdAt = T0 - 4 * 24 * 60 * MIN + i * 83 * MIN;
    const finished = i % 4 !== 0;
    const agentId = agents[i % 3] ?? null;
    const channel = channels[i % 3] ?? 'webchat';
    return conversation(`rd${i}`, {
      createdAt, teamId: i % 5 === 0 ? 'team:comercial' : 'team:suporte', channel, agentId,
      status: finished ? 'finished' : agentId ? 'active' : 'waiting', queuedAt: createdAt,
      firstTakenAt: agentId ? createdAt + (i % 7) * MIN : null, firstResponseAt: agentId ? createdAt + (i % 11) * MIN : null,
      finishedAt: finished ? createdAt + (20 + (i % 13)) * MIN : null, tags: tags[i % 3] ?? [],
      disposition: finished && i % 2 === 0 ? 'disposition:rt-resolvido' : null,
      rating: finished && i % 6 === 1 ? { score: 1 + (i % 5), comment: '', at: createdAt + 40 * MIN, channel } : null,
    });
  });
}

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'atende-report-days-'));
  store = new EmbeddedStore(dir);
  await writeNames(store, { teamsAndUsers: true });
  await writeAll(store, severalDays());
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const report = (timeZone: string, groupBy: ReportGroup, on: DocStore = store) =>
  new ReportQueries(on, timeZone).conversations({ from: FROM, to: TO, groupBy }, { teamIds: 'all' });
const figuresOf = (r: ReportResponse) => ({
  total: r.total,
  rows: Object.fromEntries(r.rows.map(({ key, label: _label, ...f }) => [key, f])),
});

/** The computation before day summaries: every bucket of the period, summed one by one. */
async function uncached(timeZone: string, groupBy: ReportGroup): Promise<{ total: ReportFigures; rows: Record<string, ReportFigures> }> {
  const { start, end } = localDaysRange(timeZone, FROM, TO);
  const buckets = (await store.find({ selector: { _id: { $gte: rollupId(start), $lt: rollupId(end) } }, limit: 10_000 })) as RollupDoc[];
  const total = emptyTotals();
  const groups = new Map<string, Totals>();
  for (const bucket of buckets) {
    for (const [teamId, team] of Object.entries(bucket.teams)) {
      mergeTotals(total, unpack(team.total));
      const entries = groupBy === 'team' ? [[teamId, team.total] as const] : Object.entries(team[groupBy as 'agent']);
      for (const [key, packed] of entries) groups.set(key, mergeTotals(groups.get(key) ?? emptyTotals(), unpack(packed)));
    }
  }
  return { total: summarise(total), rows: Object.fromEntries([...groups].map(([key, t]) => [key, summarise(t)])) };
}

async function days(): Promise<DayDoc[]> {
  return (await store.find({ selector: { _id: { $gte: DAY_PREFIX, $lt: `${DAY_PREFIX}\uffff` } }, limit: 100 })) as DayDoc[];
}

/** The store, with `before` run once just before the first write of a computed day summary lands. */
function beforeCacheWrite(inner: DocStore, before: () => Promise<void>): DocStore {
  let armed = true;
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'bulkWrite') {
        return async (docs: StoredDoc[], options?: WriteOptions) => {
          if (armed && docs.some((d) => d._id.startsWith(DAY_PREFIX) && d.stale === false)) {
            armed = false;
            await before();
          }
          return target.bulkWrite(docs, options);
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe('report day summaries', () => {
  it('R-RT-06: reports over several days equal the bucket-by-bucket sums, cold and cached, in São Paulo and a half-hour zone (Kolkata)', async () => {
    await new ReportRollups(store).catchUp();
    expect((await days()).every((d) => d.stale)).toBe(true);
    for (const timeZone of [SP, KOLKATA]) {
      for (const groupBy of GROUPS) {
        const expected = await uncached(timeZone, groupBy);
        expect(expected.total.conversations).toBeGreaterThan(50);
        expect(figuresOf(await report(timeZone, groupBy))).toEqual(expected);
        expect(figuresOf(await report(timeZone, groupBy))).toEqual(expected);
      }
    }
    // The whole UTC days inside the periods are cached now: 2025-03-07 … 2025-03-13 (São Paulo's 03-08 … 03-13, Kolkata's 03-07 … 03-12).
    const cached = (await days()).filter((d) => !d.stale).map((d) => d._id.slice(DAY_PREFIX.length));
    expect(cached).toEqual(['2025-03-07', '2025-03-08', '2025-03-09', '2025-03-10', '2025-03-11', '2025-03-12', '2025-03-13']);
  });

  it('R-RT-06: a change to a conversation of a cached day shows in the very next report', async () => {
    const rollups = new ReportRollups(store);
    await rollups.catchUp();
    const before = await report(SP, 'team');
    expect((await days()).find((d) => d._id === `${DAY_PREFIX}2025-03-09`)?.stale).toBe(false);
    // rd59 was created at 2025-03-09 12:37 UTC: it moves from Suporte to Comercial.
    await change(store, 'conversation:rd59', { teamId: 'team:comercial' });
    await rollups.catchUp();
    const after = await report(SP, 'team');
    expect(figuresOf(after)).toEqual(await uncached(SP, 'team'));
    const count = (r: ReportResponse, key: string) => r.rows.find((row) => row.key === key)?.conversations ?? 0;
    expect(count(after, 'team:comercial')).toBe(count(before, 'team:comercial') + 1);
    expect(count(after, 'team:suporte')).toBe(count(before, 'team:suporte') - 1);
  });

  it('R-RT-06: the job marking a day stale between a report reading it and caching it keeps that cache write from landing', async () => {
    const rollups = new ReportRollups(store);
    await rollups.catchUp();
    const before = await uncached(SP, 'team');
    // The report reads the days (stale) and their buckets; then, before its cache write lands, a
    // conversation of 2025-03-09 changes and the job writes its bucket and marks the day again.
    const racing = beforeCacheWrite(store, async () => {
      await change(store, 'conversation:rd59', { teamId: 'team:comercial' });
      await rollups.catchUp();
    });
    const answered = await report(SP, 'team', racing);
    expect(figuresOf(answered)).toEqual(before);
    const day = (await days()).find((d) => d._id === `${DAY_PREFIX}2025-03-09`);
    expect(day?.stale).toBe(true);
    const next = await report(SP, 'team');
    expect(figuresOf(next)).toEqual(await uncached(SP, 'team'));
    expect(figuresOf(next)).not.toEqual(before);
  });

  it('R-RT-06: a day whose stale mark was cut short (a crash after the bucket write) is marked when the page is read again', async () => {
    await new ReportRollups(store).catchUp();
    await report(SP, 'team');
    await change(store, 'conversation:rd59', { teamId: 'team:comercial' });
    const crashing = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'bulkWrite') {
          return async (docs: StoredDoc[], options?: WriteOptions) => {
            if (docs.some((d) => d._id.startsWith(DAY_PREFIX) && d.stale === true)) throw new Error('crash');
            return target.bulkWrite(docs, options);
          };
        }
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    await expect(new ReportRollups(crashing).catchUp()).rejects.toThrow('crash');
    await new ReportRollups(store).catchUp();
    expect(figuresOf(await report(SP, 'team'))).toEqual(await uncached(SP, 'team'));
  });
});
