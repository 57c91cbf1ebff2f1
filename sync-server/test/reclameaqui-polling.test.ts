import { afterEach, describe, expect, it } from 'vitest';
import { RA_META, type ConversationDoc } from '@atende/protocol';
import { pagesPerRound } from '../src/channels/reclameaqui/poller.js';
import { toWire } from '../src/store/wire.js';
import { complaint, startReclameAquiRig, type ReclameAquiRig } from './reclameaquiSetup.js';

/**
 * The durable cursor and HugMe's rate limit (issue 12): paging survives a restart, and a round
 * reads only as many pages as the account's share of ~10 calls per minute allows.
 */
let rig: ReclameAquiRig | undefined;
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
  });

  it('R-CH-06 a round stays within the rate limit: 250 complaints take two rounds of at most 4 pages at 30 s, with no 429 and none lost', async () => {
    expect([pagesPerRound(10), pagesPerRound(30), pagesPerRound(3600)]).toEqual([1, 4, 20]);
    rig = await startReclameAquiRig({ rateLimitPerMinute: 10 });
    for (let n = 0; n < 250; n++) rig.hugme.fileComplaint(complaint(n));
    // Each page after the first starts at the cursor's instant, so it answers that ticket again (skipped).
    expect(await rig.poller().poll(rig.accountId)).toEqual({ pages: 4, tickets: 50 + 3 * 49, more: true });
    expect(await rig.poller().poll(rig.accountId)).toMatchObject({ pages: 2, more: false });
    expect(rig.hugme.calls.filter((c) => c.status === 429)).toHaveLength(0);
    expect((await complaintsStored(rig)).size).toBe(250);
  });
});
