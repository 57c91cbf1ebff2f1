import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReportFigures, ReportGroup, ReportResponse } from '@atende/protocol';
import { ReportQueries, ReportRollups, reportCsv, ROLLUP_CURSOR_ID } from '../src/reports/index.js';
import { EmbeddedStore } from '../src/store/embedded.js';
import type { DocStore, StoredDoc } from '../src/store/index.js';
import { change, conversation, DAY, legacyMessages, seedConversations, T0, writeAll, writeNames } from './reportsSeed.js';

const TZ = 'America/Sao_Paulo';
let dir: string;
let store: EmbeddedStore;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'atende-reports-'));
  store = new EmbeddedStore(dir);
  await store.ensureIndex('idx-message-conversation', ['type', 'conversationId']);
  await writeNames(store, { teamsAndUsers: true });
  await writeAll(store, legacyMessages());
  await writeAll(store, seedConversations());
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const none: ReportFigures = {
  conversations: 0, received: 0, started: 0, answered: 0, abandoned: 0, finished: 0, transferred: 0,
  firstResponseAvgMs: null, firstResponseP90Ms: null, waitAvgMs: null, handleAvgMs: null, ratingAvg: null, ratingCount: 0,
  ratingDistribution: [0, 0, 0, 0, 0], ratingRequested: 0, ratingResponseRate: null,
};
const figures = (f: Partial<ReportFigures>): ReportFigures => ({ ...none, ...f });
const report = (groupBy: ReportGroup, options: { from?: string; to?: string; teamIds?: string[]; timeZone?: string; on?: DocStore } = {}) =>
  new ReportQueries(options.on ?? store, options.timeZone ?? TZ).conversations(
    { from: options.from ?? DAY, to: options.to ?? DAY, groupBy }, { teamIds: options.teamIds ?? 'all' },
  );
const rowsOf = (r: ReportResponse) => Object.fromEntries(r.rows.map(({ key, label, ...f }) => [`${key}|${label}`, f]));
const countsOf = (r: ReportResponse) => Object.fromEntries(r.rows.map((row) => [row.key, row.conversations]));

/** rt1…rt5, rt7 and rt9: the day of the data set (rt6 is the day before, rt8 the day after). */
const DAY_TOTAL = figures({
  conversations: 7, received: 6, started: 1, answered: 4, abandoned: 1, finished: 4, transferred: 1,
  firstResponseAvgMs: 140_000, firstResponseP90Ms: 300_000, waitAvgMs: 108_750, handleAvgMs: 855_000, ratingAvg: 4, ratingCount: 2,
  ratingDistribution: [0, 0, 1, 0, 1], ratingRequested: 2, ratingResponseRate: 1,
});
const SUPORTE = figures({
  conversations: 4, received: 4, answered: 3, abandoned: 1, finished: 3,
  firstResponseAvgMs: 470_000 / 3, firstResponseP90Ms: 300_000, waitAvgMs: 135_000, handleAvgMs: 540_000, ratingAvg: 5, ratingCount: 1,
  ratingDistribution: [0, 0, 0, 0, 1], ratingRequested: 1, ratingResponseRate: 1,
});
const COMERCIAL = figures({
  conversations: 3, received: 2, started: 1, answered: 1, finished: 1, transferred: 1,
  firstResponseAvgMs: 90_000, firstResponseP90Ms: 120_000, waitAvgMs: 30_000, handleAvgMs: 1_170_000, ratingAvg: 3, ratingCount: 1,
  ratingDistribution: [0, 0, 1, 0, 0], ratingRequested: 1, ratingResponseRate: 1,
});

describe('report rollups with known answers', () => {
  it('R-RT-06: every row and the total of a known day, by team (archived team named), with a legacy conversation looked up', async () => {
    await new ReportRollups(store).catchUp();
    const r = await report('team');
    expect(r.total).toEqual(DAY_TOTAL);
    expect(rowsOf(r)).toEqual({ 'team:suporte|Suporte': SUPORTE, 'team:comercial|Comercial': COMERCIAL });
    expect(r.rows.map((row) => row.key)).toEqual(['team:suporte', 'team:comercial']);
    expect(r).toMatchObject({ from: DAY, to: DAY, timeZone: TZ, groupBy: 'team', upToDate: true });
  });

  it('R-RT-06: by agent (a disabled user keeps the name), channel, disposition and tag (two tags: two rows, counted once in the total)', async () => {
    await new ReportRollups(store).catchUp();
    const byAgent = await report('agent');
    expect(countsOf(byAgent)).toEqual({ 'user:ana': 3, 'user:bruno': 2, none: 2 });
    expect(byAgent.rows.find((row) => row.key === 'user:ana')).toMatchObject({
      label: 'Ana Souza', received: 3, answered: 3, finished: 2, firstResponseAvgMs: 470_000 / 3, waitAvgMs: 52_500, handleAvgMs: 540_000, ratingAvg: 5,
    });
    expect(byAgent.rows.find((row) => row.key === 'none')).toMatchObject({ label: 'Sem agente', received: 2, abandoned: 1, waitAvgMs: 300_000 });
    expect(byAgent.total).toEqual(DAY_TOTAL);
    const byChannel = await report('channel');
    expect(Object.fromEntries(byChannel.rows.map((row) => [row.label, row.conversations]))).toEqual({ 'Chat do site': 4, WhatsApp: 2, Telegram: 1 });
    const byDisposition = await report('disposition');
    expect(Object.fromEntries(byDisposition.rows.map((row) => [row.label, row.conversations]))).toEqual({ 'Sem tabulação': 5, Resolvido: 1, Venda: 1 });
    const byTag = await report('tag');
    expect(Object.fromEntries(byTag.rows.map((row) => [row.label, row.conversations]))).toEqual({ 'Sem etiqueta': 5, VIP: 2, Dúvida: 1 });
    expect(byTag.rows.find((row) => row.key === 'tag:rt-vip')).toMatchObject({ received: 1, started: 1, answered: 1, ratingAvg: 5 });
    expect(byTag.total).toEqual(DAY_TOTAL);
  });

  it('R-RT-06: local days of America/Sao_Paulo: 23:59 is the day before, 00:00 the day after', async () => {
    await new ReportRollups(store).catchUp();
    expect((await report('team', { from: '2025-03-09', to: '2025-03-09' })).total.conversations).toBe(1);
    expect((await report('team', { from: '2025-03-11', to: '2025-03-11' })).total.conversations).toBe(1);
    expect((await report('team', { from: '2025-03-09', to: '2025-03-11' })).total.conversations).toBe(9);
    // The same instants read as UTC days: rt6 (02:59Z) and rt7 (02:59Z next day) fall elsewhere.
    expect((await report('team', { timeZone: 'UTC' })).total.conversations).toBe(7);
    expect(countsOf(await report('team', { timeZone: 'UTC' }))).toEqual({ 'team:suporte': 5, 'team:comercial': 2 });
  });

  it('R-RT-06: a DST time zone (America/New_York, 2025-11-02 has 25 hours)', async () => {
    const nyStart = Date.parse('2025-11-02T04:00:00Z');
    await writeAll(store, [
      conversation('ny1', { createdAt: nyStart - 60_000 }),
      conversation('ny2', { createdAt: nyStart }),
      // 23:30 EST, after the clocks went back: still 2 November.
      conversation('ny3', { createdAt: Date.parse('2025-11-03T04:30:00Z') }),
      conversation('ny4', { createdAt: Date.parse('2025-11-03T05:00:00Z') }),
    ]);
    await new ReportRollups(store).catchUp();
    const ny = { timeZone: 'America/New_York' };
    expect((await report('team', { ...ny, from: '2025-11-02', to: '2025-11-02' })).total.conversations).toBe(2);
    expect((await report('team', { ...ny, from: '2025-11-01', to: '2025-11-01' })).total.conversations).toBe(1);
    expect((await report('team', { ...ny, from: '2025-11-03', to: '2025-11-03' })).total.conversations).toBe(1);
  });

  it('R-RT-06: a later change (finished, tagged, transferred to another team and agent) moves its contribution', async () => {
    const rollups = new ReportRollups(store);
    await rollups.catchUp();
    const c5 = T0 + 14 * 3_600_000;
    await change(store, 'conversation:rt5', {
      status: 'finished', finishedAt: c5 + 1045_000, tags: ['tag:rt-duvida'], teamId: 'team:comercial', agentId: 'user:bruno',
      transfers: [{ id: 't5', at: c5 + 500_000, byUserId: 'user:admin', fromTeamId: 'team:suporte', toTeamId: 'team:comercial', fromAgentId: 'user:ana', toAgentId: 'user:bruno' }],
    });
    await rollups.catchUp();
    const r = await report('team');
    expect(countsOf(r)).toEqual({ 'team:suporte': 3, 'team:comercial': 4 });
    expect(r.total).toEqual({ ...DAY_TOTAL, finished: 5, transferred: 2, handleAvgMs: (540_000 + 1_170_000 + 1_000_000) / 3 });
    expect(countsOf(await report('tag'))).toEqual({ none: 4, 'tag:rt-vip': 2, 'tag:rt-duvida': 2 });
    expect(countsOf(await report('agent'))).toEqual({ 'user:ana': 2, 'user:bruno': 3, none: 2 });
  });

  it('R-RT-06: a conversation whose creation moves to another day leaves the old day and counts in the new one (never twice, never negative)', async () => {
    const rollups = new ReportRollups(store);
    await rollups.catchUp();
    const nextDay = '2025-03-11';
    const before = (await report('team', { from: nextDay, to: nextDay })).total.conversations;
    const stored = await store.get('conversation:rt1');
    await change(store, 'conversation:rt1', { createdAt: (stored?.createdAt as number) + 24 * 3_600_000 });
    await rollups.catchUp();
    expect((await report('team')).total.conversations).toBe(DAY_TOTAL.conversations - 1);
    expect((await report('team', { from: nextDay, to: nextDay })).total.conversations).toBe(before + 1);
    const both = await report('agent', { to: nextDay });
    expect(both.rows.every((row) => row.conversations > 0)).toBe(true);
    expect(both.total.conversations).toBe(DAY_TOTAL.conversations + before);
  });

  it('R-RT-06: a deleted conversation leaves the rollups, read once or twice (a replayed feed removes nothing more)', async () => {
    const rollups = new ReportRollups(store);
    await rollups.catchUp();
    // As the outbox undoes a conversation it created (conversations/outbox.ts): the body kept, deleted.
    const stored = await store.get('conversation:rt1');
    const [deleted] = await store.bulkWrite([{ ...stored as StoredDoc, _deleted: true }]);
    expect(deleted?.ok).toBe(true);
    // As a CouchDB DELETE leaves it: a bare tombstone, no body (no `type`) left to select it by.
    const rt2 = await store.get('conversation:rt2');
    const [stub] = await store.bulkWrite([{ _id: 'conversation:rt2', _rev: rt2?._rev as string, _deleted: true }]);
    expect(stub?.ok).toBe(true);
    await rollups.catchUp();
    expect((await report('team')).total.conversations).toBe(DAY_TOTAL.conversations - 2);
    const [cursor] = await store.bulkWrite([{ ...(await store.get(ROLLUP_CURSOR_ID)) as StoredDoc, seq: '0' }]);
    expect(cursor?.ok).toBe(true);
    await new ReportRollups(store).catchUp();
    expect((await report('team')).total.conversations).toBe(DAY_TOTAL.conversations - 2);
  });

  it('R-RT-06: a name starting as a spreadsheet formula (=, +, -, @) is written to the CSV as text, not as a formula', () => {
    const row = (key: string, label: string) => ({ key, label, ...figures({ conversations: 1 }) });
    const csv = reportCsv({
      from: DAY, to: DAY, timeZone: TZ, groupBy: 'tag', generatedAt: 0, upToDate: true, total: figures({ conversations: 4 }),
      rows: [row('tag:a', '=HYPERLINK("http://x","y")'), row('tag:b', '+1+1'), row('tag:c', '-2+3'), row('tag:d', '@SUM(A1)'), row('tag:e', 'Normal')],
    }, { language: 'pt-BR', semicolon: true });
    const labels = csv.replace(/^\uFEFF/, '').trimEnd().split('\r\n').slice(1).map((line) => line.split(';')[0]);
    expect(labels).toEqual(['"\'=HYPERLINK(""http://x"",""y"")"', "'+1+1", "'-2+3", "'@SUM(A1)", 'Normal', 'Total']);
  });

  it('R-RT-06: scope — only the permitted teams are counted, in the rows and the total', async () => {
    await new ReportRollups(store).catchUp();
    const r = await report('agent', { teamIds: ['team:suporte'] });
    expect(r.total).toEqual(SUPORTE);
    expect(countsOf(r)).toEqual({ 'user:ana': 3, none: 1 });
    expect((await report('team', { teamIds: [] })).total).toEqual(none);
  });

  it('R-RT-06: a period that does not exist, backwards or longer than a year is refused (400) with a message', async () => {
    const q = new ReportQueries(store, TZ);
    await expect(q.conversations({ from: '2025-02-29', to: '2025-03-01', groupBy: 'team' }, { teamIds: 'all' })).rejects.toMatchObject({ kind: 'invalid', message: /datas reais/ });
    await expect(q.conversations({ from: '2025-03-02', to: '2025-03-01', groupBy: 'team' }, { teamIds: 'all' })).rejects.toMatchObject({ message: /não pode ser depois/ });
    await expect(q.conversations({ from: '2024-01-01', to: '2025-01-01', groupBy: 'team' }, { teamIds: 'all' })).rejects.toMatchObject({ message: /no máximo 366 dias/ });
    await expect(q.conversations({ from: '2024-01-01', to: '2024-12-31', groupBy: 'team' }, { teamIds: 'all' })).resolves.toMatchObject({ groupBy: 'team' });
  });
});

describe('report rollups across nodes, replays and crashes', () => {
  it('R-RT-06: two nodes reading the same feed at once, in small pages, never count a conversation twice', async () => {
    const a = new ReportRollups(store, { pageSize: 2 });
    const b = new ReportRollups(store, { pageSize: 3 });
    await Promise.all([a.catchUp(), b.catchUp(), change(store, 'conversation:rt2', { tags: ['tag:rt-vip'] })]);
    await Promise.all([a.catchUp(), b.catchUp()]);
    const r = await report('team');
    expect(r.total).toEqual(DAY_TOTAL);
    expect(countsOf(await report('tag'))).toEqual({ none: 4, 'tag:rt-vip': 3, 'tag:rt-duvida': 1 });
  });

  it('R-RT-06: a replayed feed (checkpoint lost) changes nothing; a restart resumes from the checkpoint', async () => {
    await new ReportRollups(store).catchUp();
    const cursor = await store.get(ROLLUP_CURSOR_ID);
    await store.bulkWrite([{ ...(cursor as StoredDoc), _deleted: true }]);
    await new ReportRollups(store).catchUp();
    expect((await report('team')).total).toEqual(DAY_TOTAL);

    const saved = (await store.get(ROLLUP_CURSOR_ID))?.seq;
    await change(store, 'conversation:rt7', { status: 'active', agentId: 'user:bruno', firstTakenAt: T0 + 24 * 3_600_000 - 30_000 });
    const since: string[] = [];
    const watched = new Proxy(store, {
      get(target, key, receiver) {
        if (key === 'changes') return (q: { since: string }) => (since.push(q.since), target.changes(q as never));
        const value: unknown = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    await new ReportRollups(watched).catchUp();
    expect(since[0]).toBe(saved);
    expect(since).not.toContain('0');
    expect((await report('team')).total).toEqual({ ...DAY_TOTAL, waitAvgMs: (60 + 300 + 30 + 45 + 30) * 1000 / 5 });
  });

  it('R-RT-06: a crash between claiming a move and writing the rollup is made good by the next reading', async () => {
    let crash = true;
    const crashing = new Proxy(store, {
      get(target, key, receiver) {
        if (key === 'bulkWrite') {
          return (docs: StoredDoc[], options?: never) => {
            if (crash && docs.some((d) => d._id.startsWith('reportrollup:'))) throw new Error('crash');
            return target.bulkWrite(docs, options);
          };
        }
        const value: unknown = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    await expect(new ReportRollups(crashing).catchUp()).rejects.toThrow('crash');
    expect((await store.get('reportfact:conversation:rt1'))?.current).toBeTruthy();
    crash = false;
    await new ReportRollups(store).catchUp();
    expect((await report('team')).total).toEqual(DAY_TOTAL);
    expect(rowsOf(await report('team'))).toEqual({ 'team:suporte|Suporte': SUPORTE, 'team:comercial|Comercial': COMERCIAL });
  });

  it('R-RT-06: upToDate is false while changes wait to be read, and the job started by start() catches up by itself', async () => {
    expect((await report('team')).upToDate).toBe(false);
    const rollups = new ReportRollups(store, { pollMs: 50 });
    rollups.start();
    try {
      await expect.poll(async () => (await report('team')).upToDate, { timeout: 10_000 }).toBe(true);
      expect((await report('team')).total).toEqual(DAY_TOTAL);
      await change(store, 'conversation:rt3', { tags: [] });
      await expect.poll(async () => countsOf(await report('tag')).none, { timeout: 10_000 }).toBe(6);
    } finally {
      await rollups.stop();
    }
  });
});
