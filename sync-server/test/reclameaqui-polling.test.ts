import { afterEach, describe, expect, it } from 'vitest';
import { keyOf, RA_META, type ChannelAccountView, type ConversationDoc } from '@atende/protocol';
import { RECLAME_AQUI_POLL_JOB, schedulePolls } from '../src/channels/reclameaqui/pollJob.js';
import { pagesPerRound } from '../src/channels/reclameaqui/poller.js';
import { FakeHugMe, tooManyRequests } from '../src/channels/reclameaqui/simulator/fakeHugMe.js';
import { toWire } from '../src/store/wire.js';
import { call, login, startTestServer } from './helpers.js';
import { complaint, CREDENTIALS, startReclameAquiRig, type ReclameAquiRig } from './reclameaquiSetup.js';
import { until } from './until.js';

/**
 * The durable cursor and HugMe's rate limit (issue 12): paging survives a restart, and a round
 * reads only as many pages as the account's share of ~10 calls per minute allows.
 */
let rig: ReclameAquiRig | undefined;
/** The tests that page hundreds of complaints through the real store take tens of seconds on a busy CI machine. */
const PAGING_TIMEOUT = 90_000;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function complaintsStored(r: ReclameAquiRig): Promise<Map<string, number>> {
  const docs = await r.server.store.find({ selector: { type: 'conversation', channelAccountId: r.accountId }, limit: 100_000 });
  const counts = new Map<string, number>();
  for (const c of docs.map((d) => toWire<ConversationDoc>(d))) {
    const id = c.channelMeta[RA_META.complaintId] ?? '';
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

const inboundCount = async (r: ReclameAquiRig) =>
  (await r.server.store.find({ selector: { type: 'message', direction: 'in' }, limit: 100_000 })).length;

describe('R-CH-06 Reclame Aqui polling cursor', () => {
  it('R-CH-06 a restart in the middle of paging 120 complaints stores every complaint exactly once', async () => {
    rig = await startReclameAquiRig();
    const filed = Array.from({ length: 120 }, (_, n) => rig!.hugme.fileComplaint(complaint(n)));
    // The node stops after its first page (50 complaints)…
    const first = await rig.poller().poll(rig.accountId, { maxPages: 1 });
    expect(first).toEqual({ pages: 1, tickets: 50, more: true });
    // …and a restarted one (a fresh poller, the cursor read from the store) goes on from there.
    const restarted = rig.poller();
    let outcome = await restarted.poll(rig.accountId, { maxPages: 1 });
    while (outcome.more) outcome = await restarted.poll(rig.accountId, { maxPages: 1 });
    const stored = await complaintsStored(rig);
    expect(stored.size).toBe(120);
    for (const ticket of filed) expect(stored.get(String(ticket.id))).toBe(1);
    expect(await inboundCount(rig)).toBe(120);
    // Nothing changed since: the next round stores nothing.
    expect(await rig.poller().poll(rig.accountId)).toMatchObject({ tickets: 0 });
  }, PAGING_TIMEOUT);

  it('R-CH-06 the look-back never starves a round of one page: a burst after catching up is read whole', async () => {
    rig = await startReclameAquiRig();
    const r = rig;
    const onePage = () => r.poller().poll(r.accountId, { maxPages: 1 });
    for (let n = 0; n < 60; n++) r.hugme.fileComplaint(complaint(n));
    for (let round = 0, more = true; round < 6 && more; round++) more = (await onePage()).more;
    expect((await complaintsStored(r)).size).toBe(60);
    // Caught up: the next round starts LOOK_BACK_MS before the cursor, where a full page of stored complaints sits.
    for (let n = 60; n < 120; n++) r.hugme.fileComplaint(complaint(n));
    for (let round = 0; round < 8 && (await complaintsStored(r)).size < 120; round++) await onePage();
    expect((await complaintsStored(r)).size).toBe(120);
    expect(await inboundCount(r)).toBe(120);
  }, PAGING_TIMEOUT);

  it('R-CH-06 a round stays within the rate limit: 250 complaints take two rounds of at most 4 pages at 30 s, with no 429 and none lost', async () => {
    expect([pagesPerRound(10), pagesPerRound(30), pagesPerRound(3600)]).toEqual([1, 4, 20]);
    rig = await startReclameAquiRig({ rateLimitPerMinute: 10 });
    for (let n = 0; n < 250; n++) rig.hugme.fileComplaint(complaint(n));
    // Each page after the first starts at the cursor's instant, so it answers that ticket again (skipped).
    expect(await rig.poller().poll(rig.accountId)).toEqual({ pages: 4, tickets: 50 + 3 * 49, more: true });
    expect(await rig.poller().poll(rig.accountId)).toMatchObject({ pages: 2, more: false });
    expect(rig.hugme.calls.filter((c) => c.status === 429)).toHaveLength(0);
    expect((await complaintsStored(rig)).size).toBe(250);
  }, PAGING_TIMEOUT);

  it('R-CH-06 the poll job waits out a 429 (Retry-After) and the same round then stores the complaint; a disabled account is not polled', async () => {
    rig = await startReclameAquiRig();
    const r = rig;
    const ticket = r.hugme.fileComplaint(complaint(1));
    r.hugme.failNext(tooManyRequests(1));
    const deps = { store: r.server.store, accounts: r.server.accounts, poller: r.poller(), log: () => {} };
    await schedulePolls(deps);
    const roundId = `job:${RECLAME_AQUI_POLL_JOB}.${keyOf(r.accountId)}.1`;
    const round = await until(() => r.server.store.get(roundId), (j) => j?.state === 'done', 15_000);
    expect(round).toMatchObject({ state: 'done', attempts: 2 });
    expect(r.hugme.calls.filter((c) => c.path === '/ticket/v1/tickets').map((c) => c.status)).toEqual([429, 200]);
    expect((await complaintsStored(r)).get(String(ticket.id))).toBe(1);

    const off = await call(r.server, 'PATCH', `/api/admin/channels/${r.accountId}`, { token: r.admin, body: { enabled: false } });
    expect(off.status).toBe(200);
    const calls = r.hugme.calls.length;
    await schedulePolls(deps);
    expect(await r.poller().poll(r.accountId)).toEqual({ pages: 0, tickets: 0, more: false });
    expect(r.hugme.calls.length).toBe(calls);
  });

  it('R-CH-06 an account an admin creates while the server runs is polled at once, not at the watchdog\'s next minute', async () => {
    const hugme = await new FakeHugMe({ ...CREDENTIALS, rateLimitPerMinute: 0 }).start();
    // Polling in the background, as in production: its watchdog checked at start, before the account existed.
    const server = await startTestServer();
    try {
      const ticket = hugme.fileComplaint(complaint(1));
      const admin = (await login(server, 'admin@demo.local')).accessToken;
      const created = await call<ChannelAccountView>(server, 'POST', '/api/admin/channels', {
        token: admin, body: { kind: 'reclameaqui', name: 'Reclame Aqui Nova', teamId: 'team:suporte', config: { ...CREDENTIALS, apiBaseUrl: hugme.baseUrl } },
      });
      expect(created.status).toBe(201);
      const firstRound = `job:${RECLAME_AQUI_POLL_JOB}.${keyOf(created.body.id)}.1`;
      expect(await until(() => server.store.get(firstRound), (job) => job?.state === 'done', 15_000)).toMatchObject({ state: 'done' });
      const stored = await server.store.find({ selector: { type: 'conversation', channelAccountId: created.body.id }, limit: 10 });
      expect(stored.map((c) => toWire<ConversationDoc>(c).channelMeta[RA_META.complaintId])).toEqual([String(ticket.id)]);
    } finally {
      await server.close();
      await hugme.stop();
    }
  });
});
