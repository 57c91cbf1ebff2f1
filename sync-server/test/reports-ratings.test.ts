import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConversationDoc, MyRatingResponse, ReportResponse } from '@atende/protocol';
import { ReportQueries, ReportRollups, reportCsv } from '../src/reports/index.js';
import { EmbeddedStore } from '../src/store/embedded.js';
import type { StoredDoc } from '../src/store/index.js';
import { call, login, startTestServer, type TestServer } from './helpers.js';
import { change, conversation, DAY, T0, writeAll, writeNames } from './reportsSeed.js';

/**
 * Where ratings show (issue 18 point 2, R-RT-06): the reports' average, distribution and response
 * rate, with rated conversations written to the real store and counted by the real rollups; and
 * `GET /api/me/rating`, the signed-in agent's own average (seed 002 "Nome e média das avaliações").
 */
const TZ = 'America/Sao_Paulo';
const H = 3_600_000;

const rated = (key: string, agentId: string, score: number | null, over: Partial<ConversationDoc> = {}): ConversationDoc =>
  conversation(key, {
    createdAt: T0 + 10 * H, status: 'finished', agentId, queuedAt: T0 + 10 * H, firstTakenAt: T0 + 10 * H + 60_000,
    firstResponseAt: T0 + 10 * H + 90_000, finishedAt: T0 + 11 * H, ratingRequestedAt: T0 + 11 * H,
    rating: score === null ? null : { score, comment: '', at: T0 + 11 * H + 60_000, channel: 'whatsapp' }, ...over,
  });

/** Ana: 5, 5, 4, asked twice without an answer; Bruno: 1, 2. */
const RATED = [
  rated('r1', 'user:ana', 5), rated('r2', 'user:ana', 5), rated('r3', 'user:ana', 4),
  rated('r4', 'user:ana', null), rated('r5', 'user:ana', null),
  rated('r6', 'user:bruno', 1), rated('r7', 'user:bruno', 2, { teamId: 'team:comercial' }),
];

describe('issue 18 R-RT-06: report figures of ratings, from the rollups', () => {
  let dir: string;
  let store: EmbeddedStore;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'atende-ratings-'));
    store = new EmbeddedStore(dir);
    await writeNames(store, { teamsAndUsers: true });
    await writeAll(store, RATED);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const report = (groupBy: 'team' | 'agent') =>
    new ReportQueries(store, TZ).conversations({ from: DAY, to: DAY, groupBy }, { teamIds: 'all' });

  it('issue 18 R-RT-06: average, distribution 1–5 and response rate (rated / asked), per agent and in total', async () => {
    await new ReportRollups(store).catchUp();
    const r = await report('agent');
    expect(r.total).toMatchObject({ ratingCount: 5, ratingAvg: 17 / 5, ratingDistribution: [1, 1, 0, 1, 2], ratingRequested: 7, ratingResponseRate: 5 / 7 });
    expect(r.rows.find((row) => row.key === 'user:ana')).toMatchObject({
      ratingCount: 3, ratingAvg: 14 / 3, ratingDistribution: [0, 0, 0, 1, 2], ratingRequested: 5, ratingResponseRate: 3 / 5,
    });
    expect(r.rows.find((row) => row.key === 'user:bruno')).toMatchObject({ ratingCount: 2, ratingAvg: 1.5, ratingResponseRate: 1 });
  });

  it('issue 18 R-RT-06: an answer arriving later moves the figures (requested stays, rated grows)', async () => {
    const rollups = new ReportRollups(store);
    await rollups.catchUp();
    await change(store, 'conversation:r4', { rating: { score: 3, comment: 'demorou', at: T0 + 12 * H, channel: 'telegram' } });
    await rollups.catchUp();
    expect((await report('team')).total).toMatchObject({ ratingCount: 6, ratingDistribution: [1, 1, 1, 1, 2], ratingRequested: 7, ratingResponseRate: 6 / 7 });
  });

  it('issue 18 R-RT-06: CSV has a column per score, the requested count and the response rate in %', async () => {
    await new ReportRollups(store).catchUp();
    const csv = reportCsv(await report('team'), { language: 'pt-BR', semicolon: true }).replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    const header = csv[0]?.split(';') ?? [];
    const total = csv.at(-1)?.split(';') ?? [];
    const column = (name: string) => total[header.indexOf(name)];
    expect(header.slice(-9)).toEqual([
      'Avaliação média', 'Avaliações', 'Avaliações nota 1', 'Avaliações nota 2', 'Avaliações nota 3', 'Avaliações nota 4',
      'Avaliações nota 5', 'Avaliações pedidas', 'Taxa de resposta (%)',
    ]);
    expect(total.slice(-9)).toEqual(['3,40', '5', '1', '1', '0', '1', '2', '7', '71,4']);
    expect(column('Taxa de resposta (%)')).toBe('71,4');
  });

  it('issue 18 R-RT-06: rollups and day summaries stored before issue 18 (no requested count) still read: each rating was its request', async () => {
    // As stored before issue 18: no conversation was asked, some were rated, packed arrays ended before the requested count.
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(path.join(tmpdir(), 'atende-ratings-'));
    store = new EmbeddedStore(dir);
    await writeNames(store, { teamsAndUsers: true });
    await writeAll(store, RATED.filter((c) => c.rating).map(({ ratingRequestedAt: _r, ...c }) => c));
    await new ReportRollups(store).catchUp();
    const stored = await store.find({ selector: { type: 'reportRollup' }, limit: 100 });
    const truncate = (packed: number[]) => packed.slice(0, 33);
    await store.bulkWrite(stored.map((doc) => {
      const teams = doc.teams as Record<string, Record<string, unknown>>;
      for (const team of Object.values(teams)) {
        team.total = truncate(team.total as number[]);
        for (const dim of ['agent', 'channel', 'disposition', 'tag']) {
          const rows = team[dim] as Record<string, number[]>;
          for (const key of Object.keys(rows)) rows[key] = truncate(rows[key] ?? []);
        }
      }
      return doc as StoredDoc;
    }));
    expect((await report('team')).total).toMatchObject({ ratingCount: 5, ratingRequested: 5, ratingResponseRate: 1 });
    // A new request in another bucket of the same UTC day: a day summary adds an old-shaped bucket to a new one.
    await writeAll(store, [rated('new1', 'user:ana', null, { createdAt: T0 + 12 * H })]);
    await new ReportRollups(store).catchUp();
    const days = await new ReportQueries(store, TZ).conversations({ from: '2025-03-09', to: '2025-03-11', groupBy: 'team' }, { teamIds: 'all' });
    expect(days.total).toMatchObject({ ratingCount: 5, ratingRequested: 6, ratingResponseRate: 5 / 6 });
    expect(await store.get('reportday:2025-03-10')).toMatchObject({ stale: false });
    // A new request on an old rollup: counted on top of the old ratings, the response rate stays right.
    await writeAll(store, [rated('new2', 'user:ana', null)]);
    await new ReportRollups(store).catchUp();
    expect((await report('agent')).total).toMatchObject({ ratingCount: 5, ratingRequested: 7, ratingResponseRate: 5 / 7 });
    // A legacy conversation changing later leaves its old contribution exactly.
    await change(store, 'conversation:r1', { tags: ['tag:rt-vip'] });
    await new ReportRollups(store).catchUp();
    expect((await report('team')).total).toMatchObject({ ratingCount: 5, ratingRequested: 7, ratingDistribution: [1, 1, 0, 1, 2] });
  });
});

describe('issue 18 seed 002 "Nome e média das avaliações": GET /api/me/rating', () => {
  let server: TestServer;
  let ana: string;
  let bruno: string;
  let carla: string;
  const mine = (token: string) => call<MyRatingResponse>(server, 'GET', '/api/me/rating', { token });

  beforeAll(async () => {
    server = await startTestServer();
    await writeAll(server.store, RATED);
    ana = (await login(server, 'ana@demo.local')).accessToken;
    bruno = (await login(server, 'bruno@demo.local')).accessToken;
    carla = (await login(server, 'carla@demo.local')).accessToken;
    for (let tries = 0; tries < 150; tries++) {
      const r = await call<ReportResponse>(server, 'GET', `/api/reports/conversations?from=${DAY}&to=${DAY}&groupBy=team`, { token: carla });
      if (r.body.upToDate && r.body.total.conversations === RATED.length) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the report rollups did not catch up');
  }, 60_000);
  afterAll(async () => {
    await server.close();
  });

  it('issue 18 seed 002: each agent reads their own average over their rated conversations, never the other’s', async () => {
    const a = await mine(ana);
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ average: 14 / 3, count: 3 });
    // Bruno's two ratings are in two teams: both count.
    expect((await mine(bruno)).body).toEqual({ average: 1.5, count: 2 });
  });

  it('issue 18 seed 002: no ratings yet — average null, count 0; signed out — 401', async () => {
    expect((await mine(carla)).body).toEqual({ average: null, count: 0 });
    expect((await call(server, 'GET', '/api/me/rating')).status).toBe(401);
  });
});
