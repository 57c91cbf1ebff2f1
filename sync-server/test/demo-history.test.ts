import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ContactDoc, ConversationDoc, MessageDoc, figuresOf, localDateOf, parseProtocolNumber, summariseConversations, type ReportResponse,
} from '@atende/protocol';
import { seedDemo } from '../src/demo/seed.js';
import { seedDemoHistory } from '../src/demo/history.js';
import { loadConfig } from '../src/config/config.js';
import { HISTORY_DAYS, HISTORY_PER_DAY, HISTORY_SIZE, planHistory } from '../src/demo/historyPlan.js';
import { call, login, pullAll, startTestServer, type TestServer } from './helpers.js';

/**
 * Issue 16: the demo's two weeks of finished conversations (sync-server/src/demo/history.ts),
 * which `npm start` turns on so a newcomer's supervisor sees charts and reports with data. What
 * it writes must be documents the app accepts, spread like real work, and written once.
 */

let server: TestServer;
const now = Date.now();
const DAY = 86_400_000;

const storedOf = async (type: string) => (await server.store.find({ selector: { type }, limit: 100_000 }))
  .map(({ _id, _rev, changedAt, ...rest }) => ({ id: _id, ...rest }));
const history = async () => (await storedOf('conversation')).filter((c) => String(c.id).startsWith('conversation:demo-h'));

beforeAll(async () => {
  server = await startTestServer();
  expect(await seedDemoHistory(server.store, { timeZone: server.config.timeZone, now })).toBe(HISTORY_SIZE);
}, 120_000);
afterAll(() => server.close(), 60_000);

describe('R-RT-06 R-SV-06 the demo history', () => {
  it('R-RT-06 R-SV-06 every conversation, message and contact it writes is a valid document, finished in the last 14 days', async () => {
    const conversations = (await history()).map((c) => ConversationDoc.parse(c));
    expect(conversations).toHaveLength(HISTORY_SIZE);
    const ids = new Set(conversations.map((c) => c.id));
    const messages = (await storedOf('message')).map((m) => MessageDoc.parse(m)).filter((m) => ids.has(m.conversationId));
    const contacts = (await storedOf('contact')).filter((c) => String(c.id).startsWith('contact:demo-h')).map((c) => ContactDoc.parse(c));
    for (const c of conversations) {
      expect(c.status).toBe('finished');
      expect(c.finishedAt).toBeLessThan(now);
      expect(c.createdAt).toBeGreaterThan(now - (HISTORY_DAYS + 1) * DAY);
      expect(parseProtocolNumber(c.protocol)?.day).toBe(localDateOf(server.config.timeZone, c.createdAt).replaceAll('-', ''));
      expect(contacts.map((k) => k.id)).toContain(c.contactId);
      const own = messages.filter((m) => m.conversationId === c.id);
      expect(own.length).toBeGreaterThan(0);
      // Messages replicate with their conversation's team (ARCHITECTURE §4).
      for (const m of own) expect([m.teamId, m.formerTeamIds]).toEqual([c.teamId, c.formerTeamIds]);
    }
    expect(new Set(conversations.map((c) => c.protocol)).size).toBe(HISTORY_SIZE);
    expect(new Set(conversations.map((c) => localDateOf(server.config.timeZone, c.createdAt))).size).toBeGreaterThanOrEqual(HISTORY_DAYS);
  });

  it('R-RT-06 R-SV-06 it spreads over the demo teams, agents, channels, dispositions and tags, with abandoned, transferred, started and rated ones', async () => {
    const conversations = (await history()).map((c) => ConversationDoc.parse(c));
    const kinds = conversations.map(figuresOf);
    expect(new Set(conversations.map((c) => c.teamId))).toEqual(new Set(['team:suporte', 'team:comercial']));
    expect(new Set(conversations.map((c) => c.agentId))).toEqual(new Set(['user:ana', 'user:bruno', 'user:carla', null]));
    expect(new Set(conversations.map((c) => c.channel))).toEqual(new Set(['webchat', 'whatsapp', 'telegram', 'messenger', 'instagram']));
    expect(new Set(conversations.map((c) => c.disposition))).toEqual(
      new Set(['disposition:duvida', 'disposition:tecnico', 'disposition:venda', null]));
    expect(new Set(conversations.flatMap((c) => c.tags))).toEqual(
      new Set(['tag:reclamacao', 'tag:urgente', 'tag:financeiro', 'tag:elogio']));
    for (const [what, count] of [
      ['abandoned', kinds.filter((f) => f.abandoned).length],
      ['transferred', kinds.filter((f) => f.transferred).length],
      ['started by an agent', kinds.filter((f) => f.started).length],
      ['rated', kinds.filter((f) => f.rating !== null).length],
    ] as const) {
      expect(count, what).toBeGreaterThan(2);
      expect(count, what).toBeLessThan(HISTORY_SIZE / 2);
    }
    const summary = summariseConversations(conversations);
    expect(summary.answered + summary.abandoned).toBe(summary.received);
    // Every waiting conversation of the story was queued and taken (or abandoned) with figures to show.
    expect(summary.waitAvgMs).toBeGreaterThan(0);
    expect(summary.handleAvgMs).toBeGreaterThan(summary.firstResponseAvgMs ?? Infinity);
  });

  it('R-RT-06 a second run (a restart) adds nothing and takes no protocol number', async () => {
    const counters = await server.store.find({ selector: { type: 'counter' }, limit: 1000 });
    const before = (await storedOf('message')).length;
    expect(await seedDemoHistory(server.store, { timeZone: server.config.timeZone, now: now + 3 * DAY })).toBe(0);
    expect(await seedDemo(server.store, server.auth, 'atende123', { timeZone: server.config.timeZone })).toBe(false);
    expect(await history()).toHaveLength(HISTORY_SIZE);
    expect((await storedOf('message')).length).toBe(before);
    expect(await server.store.find({ selector: { type: 'counter' }, limit: 1000 })).toEqual(counters);
  });

  it('R-RT-06 R-SV-06 the plan is the same on every run; only its times follow the moment, and today has its share when the day has begun', () => {
    const tz = 'America/Sao_Paulo';
    const noon = Date.parse('2026-03-10T15:00:00Z');
    const plan = planHistory(noon, tz);
    expect(planHistory(noon, tz)).toEqual(plan);
    const later = planHistory(noon + 3 * DAY, tz);
    expect(later.conversations.map((c) => [c.id, c.contactId, c.teamId, c.agentId, c.tags])).toEqual(
      plan.conversations.map((c) => [c.id, c.contactId, c.teamId, c.agentId, c.tags]));
    const onDay = (p: typeof plan, at: number) => p.conversations.filter((c) => localDateOf(tz, c.createdAt) === localDateOf(tz, at));
    expect(onDay(plan, noon)).toHaveLength(HISTORY_PER_DAY);
    // Past days in office hours (08:00–21:00 local).
    for (const c of plan.conversations.filter((k) => k.createdAt < noon - DAY / 2)) {
      expect(Number(new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', hourCycle: 'h23' }).format(c.createdAt))).toBeGreaterThanOrEqual(8);
    }
    // Twenty minutes after midnight nothing could have finished today yet: the last hours before it, all finished.
    const justAfterMidnight = Date.parse('2026-03-10T03:20:00Z');
    const early = planHistory(justAfterMidnight, tz);
    expect(onDay(early, justAfterMidnight)).toHaveLength(0);
    expect(Math.max(...early.conversations.map((c) => Math.max(c.finishedAt ?? Infinity, c.rating?.at ?? 0)))).toBeLessThan(justAfterMidnight);
  });

  it('R-RT-06 it is opt-in: off unless ATENDE_DEMO_HISTORY says 1, refused when it says something else, and only with the demo organisation', () => {
    expect(loadConfig({}).demoHistory).toBe(false);
    expect(loadConfig({ ATENDE_DEMO_HISTORY: '0' }).demoHistory).toBe(false);
    expect(loadConfig({ ATENDE_DEMO_HISTORY: '1' }).demoHistory).toBe(true);
    expect(() => loadConfig({ ATENDE_DEMO_HISTORY: 'sim' })).toThrow(/ATENDE_DEMO_HISTORY must be 1 or 0/);
    expect(loadConfig({ ATENDE_DEMO_HISTORY: '1', ATENDE_DEMO: '0' }).demoHistory).toBe(false);
  });

  it('R-RT-06 R-SV-06 the supervisor replicates it whole and an agent their team’s part, messages included', async () => {
    const conversations = (await history()).map((c) => ConversationDoc.parse(c));
    const carla = (await login(server, 'carla@demo.local')).accessToken;
    const ana = (await login(server, 'ana@demo.local')).accessToken;
    const pulled = async (token: string, collection: string) => (await pullAll(server, token, collection, 500)).documents
      .filter((d) => String(d.id).includes('demo-h'));
    expect(await pulled(carla, 'conversations')).toHaveLength(HISTORY_SIZE);
    const suporte = conversations.filter((c) => c.teamId === 'team:suporte' || c.formerTeamIds.includes('team:suporte'));
    expect((await pulled(ana, 'conversations')).map((d) => d.id).sort()).toEqual(suporte.map((c) => c.id).sort());
    // Sane replica sizes: a handful of messages per conversation.
    expect((await pulled(carla, 'messages')).length).toBeLessThan(HISTORY_SIZE * 12);
  });

  it('R-RT-06 the reports count it as the replica does (the report of the 15 days, by team)', async () => {
    const conversations = (await history()).map((c) => ConversationDoc.parse(c));
    const admin = (await login(server, 'admin@demo.local')).accessToken;
    const tz = server.config.timeZone;
    const query = `from=${localDateOf(tz, now - HISTORY_DAYS * DAY)}&to=${localDateOf(tz, now)}&groupBy=team`;
    let report: ReportResponse | undefined;
    await expect.poll(async () => {
      report = (await call<ReportResponse>(server, 'GET', `/api/reports/conversations?${query}`, { token: admin })).body;
      return report.upToDate && report.total.conversations;
    }, { timeout: 30_000 }).toBe(HISTORY_SIZE);
    const expected = summariseConversations(conversations);
    expect(report?.total).toMatchObject({
      received: expected.received, answered: expected.answered, abandoned: expected.abandoned, transferred: expected.transferred,
      ratingCount: expected.ratingCount,
    });
    expect(report?.rows.map((r) => [r.key, r.conversations]).sort()).toEqual(['team:comercial', 'team:suporte']
      .map((team) => [team, conversations.filter((c) => c.teamId === team).length]));
  });
});
