import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RetentionRun, TeamDoc, TeamView } from '@atende/protocol';
import { MediaService } from '../src/media/service.js';
import type { PrivacyContext } from '../src/privacy/context.js';
import { keepLock, LOCK_STALE_MS, releaseLock, takeLock } from '../src/privacy/retentionRuns.js';
import { localDay, retentionTick } from '../src/privacy/retentionSchedule.js';
import { getWire } from '../src/store/wire.js';
import { call, login, startTestServer, type TestServer } from './helpers.js';

/**
 * R-PRIV-01: the retention's team setting (admins only, at least one month) and its daily
 * schedule — off while no team has a limit, from 03:00 in the server's time zone, and one node
 * only per day, arbitrated by the store.
 */
let server: TestServer;
let admin: string;
let carla: string;

beforeAll(async () => {
  server = await startTestServer();
  [admin, carla] = await Promise.all(['admin', 'carla'].map(async (who) => (await login(server, `${who}@demo.local`)).accessToken)) as [string, string];
});
afterAll(async () => {
  await server?.close();
});

type Answer = Partial<TeamView> & { error?: string; message?: string };
const patch = (token: string, id: string, body: unknown) => call<Answer>(server, 'PATCH', `/api/admin/teams/${id}`, { token, body });
const teamDoc = (id: string) => getWire<TeamDoc>(server.store, id);

/** A node's privacy context over the test server's store, at a chosen instant. */
function node(at: number): PrivacyContext {
  return {
    store: server.store, auth: server.auth, jobs: server.jobs, media: new MediaService(server.store), bus: server.bus,
    privacyDir: server.config.privacyDir, identityChanged: () => {}, log: () => {}, now: () => at,
  };
}
/** Today at `hour`:30 in the server's time zone. */
const todayAt = (hour: number) => {
  const d = new Date();
  d.setHours(hour, 30, 0, 0);
  return d.getTime();
};

describe('R-PRIV-01 the team setting "Retenção de dados"', () => {
  it('R-PRIV-01 retention set below 1 month is refused with a clear message naming the field, and nothing is written', async () => {
    const before = await teamDoc('team:suporte');
    for (const months of [0, -3, 1.5, 121]) {
      const reply = await patch(admin, 'team:suporte', { retention: { months }, dispositionRequired: !before?.dispositionRequired });
      expect(reply.status, String(months)).toBe(400);
      expect(reply.body.message).toContain('retention.months');
    }
    const zero = await patch(admin, 'team:suporte', { retention: { months: 0 } });
    expect(zero.body.message).toContain('retention must be at least 1 month');
    const created = await call<Answer>(server, 'POST', '/api/admin/teams', { token: admin, body: { name: 'Retenção zero', retention: { months: 0 } } });
    expect(created.status).toBe(400);
    expect(created.body.message).toContain('retention must be at least 1 month');
    expect(await teamDoc('team:retencao-zero')).toBeUndefined();
    expect(await teamDoc('team:suporte')).toEqual(before);
  });

  it('R-PRIV-01 a supervisor may not change the retention of a team they hold (403), nor with other settings', async () => {
    const before = await teamDoc('team:suporte');
    const reply = await patch(carla, 'team:suporte', { retention: { months: 12 }, autoDistribute: true });
    expect(reply.status).toBe(403);
    expect(reply.body.message).toContain('retention');
    expect(await teamDoc('team:suporte')).toEqual(before);
    const listed = await call<{ teams: TeamView[] }>(server, 'GET', '/api/admin/teams', { token: carla });
    expect(listed.body.teams.find((t) => t.id === 'team:suporte')?.retention).toBeNull();
  });

  it('R-PRIV-01 an admin sets it on create and on edit, reads it back, and turns it off with null', async () => {
    const created = await call<{ id: string }>(server, 'POST', '/api/admin/teams', { token: admin, body: { name: 'Arquivo', retention: { months: 24 } } });
    expect(created.status).toBe(201);
    expect((await teamDoc(created.body.id))?.retention).toEqual({ months: 24 });
    expect((await patch(admin, created.body.id, { retention: { months: 120 } })).body.retention).toEqual({ months: 120 });
    const off = await patch(admin, created.body.id, { retention: null });
    expect(off.status).toBe(200);
    expect(off.body.retention).toBeNull();
    expect((await teamDoc(created.body.id))?.retention).toBeNull();
    const plain = await call<{ id: string }>(server, 'POST', '/api/admin/teams', { token: admin, body: { name: 'Sem retenção' } });
    expect((await teamDoc(plain.body.id))?.retention).toBeNull();
  });
});

describe('R-PRIV-01 the daily retention schedule', () => {
  it('R-PRIV-01 off while no team has retention: no day claimed, no run recorded', async () => {
    expect(await retentionTick(node(todayAt(4)), async () => { throw new Error('nothing to remove'); })).toBe('off');
    expect(await server.store.get(`retentionday:${localDay(todayAt(4))}`)).toBeUndefined();
  });

  it('R-PRIV-01 before 03:00 nothing runs; after it one node runs the day\'s run and the others (and a second tick) skip', async () => {
    expect((await patch(admin, 'team:comercial', { retention: { months: 60 } })).status).toBe(200);
    const removals: string[] = [];
    const remove = async () => {
      removals.push('called');
      return { contacts: 0, conversations: 0, messages: 0, notes: 0, media: 0, other: 0 };
    };
    const runsBefore = (await call<{ runs: RetentionRun[] }>(server, 'GET', '/api/privacy/retention/runs', { token: admin })).body.runs.length;
    expect(await retentionTick(node(todayAt(2)), remove)).toBe('early');
    const outcomes = await Promise.all([node(todayAt(4)), node(todayAt(4) + 1), node(todayAt(5))].map((ctx) => retentionTick(ctx, remove)));
    expect(outcomes.filter((o) => o === 'ran')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'taken')).toHaveLength(2);
    expect(await retentionTick(node(todayAt(23)), remove)).toBe('taken');
    const runs = (await call<{ runs: RetentionRun[] }>(server, 'GET', '/api/privacy/retention/runs', { token: admin })).body.runs;
    expect(runs).toHaveLength(runsBefore + 1);
    expect(runs[0]).toMatchObject({ status: 'done', teams: [expect.objectContaining({ teamId: 'team:comercial', months: 60 })] });
    expect(await server.store.get(`retentionday:${localDay(todayAt(4))}`)).toMatchObject({ type: 'retentionday' });
  });

  it('R-PRIV-01 one run at a time across nodes: of two lock takers one wins; a run asked meanwhile is told so (409) and writes nothing', async () => {
    const now = Date.now();
    const taken = await Promise.all([takeLock(server.store, now, 'test-a'), takeLock(server.store, now, 'test-b')]);
    expect(taken.filter(Boolean)).toHaveLength(1);
    const holder = taken[0] ? 'test-a' : 'test-b';
    const runs = async () => (await call<{ runs: RetentionRun[] }>(server, 'GET', '/api/privacy/retention/runs', { token: admin })).body.runs;
    const before = await runs();
    const refused = await call<{ error: string; message: string }>(server, 'POST', '/api/privacy/retention/run', { token: admin });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('retention_running');
    expect(await runs()).toEqual(before);
    await releaseLock(server.store, holder);
    const ran = await call<RetentionRun>(server, 'POST', '/api/privacy/retention/run', { token: admin });
    expect(ran.status).toBe(200);
    expect((await runs())[0]?.id).toBe(ran.body.id);
  });

  it('R-PRIV-01 a lock its run stopped renewing (a node that died mid-run) is taken over after LOCK_STALE_MS, not before', async () => {
    const now = Date.now();
    expect(await takeLock(server.store, now - LOCK_STALE_MS + 60_000, 'died-recently')).toBe(true);
    expect(await takeLock(server.store, now, 'next')).toBe(false);
    expect(await takeLock(server.store, now + 60_000 + 1, 'next')).toBe(true);
    await keepLock(server.store, now + 120_000, 'died-recently');
    expect(await takeLock(server.store, now + 120_000, 'third')).toBe(false);
    await releaseLock(server.store, 'next');
    expect(await takeLock(server.store, now + 120_000, 'third')).toBe(true);
    await releaseLock(server.store, 'third');
  });

  it('R-PRIV-01 runs are for admins: a supervisor may neither run nor list them (403)', async () => {
    expect((await call(server, 'POST', '/api/privacy/retention/run', { token: carla })).status).toBe(403);
    expect((await call(server, 'GET', '/api/privacy/retention/runs', { token: carla })).status).toBe(403);
  });
});
