import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErasedIds, erasedIdsOf } from '../src/backup/erasureLedger.js';
import { waInbound } from '../src/channels/whatsapp/simulator/graph.js';
import type { PrivacyContext } from '../src/privacy/context.js';
import { removeRecords } from '../src/privacy/erasure.js';
import { PHONE_NUMBER_ID, seedPerson, settled, startRig, type Person, type Rig } from './erasureRig.js';
import { until } from './until.js';

/**
 * removeRecords, the one removal primitive (issue 19 model point 3), as the retention calls it:
 * conversations alone. Their messages, files and jobs go; the contact, its note and the thread
 * numbering its conversations stay — so the customer's next message opens a conversation with a
 * new id, never the id of one removed (which the ledger lists as erased).
 */
let rig: Rig;
let person: Person;
let ctx: PrivacyContext;

beforeAll(async () => {
  rig = await startRig();
  person = await seedPerson(rig, 'Rt6Vb2');
  ctx = {
    store: rig.server.store, privacyDir: rig.server.config.privacyDir, identityChanged: () => undefined, log: () => undefined, now: Date.now,
  } as unknown as PrivacyContext;
}, 120_000);

afterAll(async () => {
  await rig.server.close();
  await rig.graph.stop();
  await rm(rig.dataDir, { recursive: true, force: true });
});

describe('R-PRIV-03 removeRecords (the primitive retention shares)', () => {
  it('R-PRIV-03 removing a conversation keeps its contact, note and thread; the next message opens a conversation with a new id', async () => {
    const [removed] = person.conversationIds as [string];
    const messages = await rig.server.store.find({ selector: { type: 'message', conversationId: removed }, limit: 100 });
    const counts = await removeRecords(ctx, { contactIds: [], conversationIds: [removed], noteIds: [] }, 'retention');
    expect(counts).toMatchObject({ contacts: 0, conversations: 1, messages: messages.length, notes: 0, media: 1 });
    expect(await rig.server.store.get(removed)).toBeUndefined();
    for (const m of messages) expect(await rig.server.store.get(m._id)).toBeUndefined();
    expect(await rig.server.store.get(person.whatsappContactId)).toBeDefined();
    expect(await rig.server.store.find({ selector: { type: 'note', contactId: person.whatsappContactId }, limit: 5 })).toHaveLength(1);
    const again = waInbound(PHONE_NUMBER_ID, person.phone, 'text', { text: { body: 'voltei' } }, { name: 'ZacariasRt6Vb2Quixaba' });
    expect((await rig.graph.deliver(rig.webhook, again.body)).status).toBe(200);
    const [stored] = await until(() => rig.server.store.find({ selector: { type: 'message', externalId: again.id }, limit: 1 }), (d) => d.length === 1);
    const next = String(stored?.conversationId);
    expect(next).not.toBe(removed);
    expect(await erasedIdsOf(rig.server.store).has(next)).toBe(false);
    expect((await rig.server.store.get(next))?.contactId).toBe(person.whatsappContactId);
    await settled(rig.server);
  }, 60_000);

  it('R-PRIV-03 a message stored while the removal runs (after it was collected) is removed too and counted', async () => {
    const [, web] = person.conversationIds as [string, string];
    const store = rig.server.store;
    const before = await store.find({ selector: { type: 'message', conversationId: web }, limit: 100 });
    const now = Date.now();
    const late = {
      _id: 'message:late-arrival-0001', type: 'message', conversationId: web, teamId: 'team:suporte', formerTeamIds: [], direction: 'in',
      authorId: person.webchatContactId, authorName: 'x', kind: 'text', text: 'chegou-durante-Rt6Vb2', attachments: [], visibility: 'public',
      status: 'delivered', error: null, externalId: null, payload: {}, createdAt: now, updatedAt: now,
    };
    let arrived = false;
    // The customer's message lands just as the purge starts: collected before, written before the purge.
    const racing = new Proxy(store, {
      get(target, name) {
        if (name === 'purge') {
          return async (ids: readonly string[]) => {
            if (!arrived) {
              arrived = true;
              expect((await target.bulkWrite([late]))[0]?.ok).toBe(true);
            }
            return target.purge(ids);
          };
        }
        const value: unknown = Reflect.get(target, name);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const counts = await removeRecords({ ...ctx, store: racing }, { contactIds: [], conversationIds: [web], noteIds: [] }, 'retention');
    expect(arrived).toBe(true);
    expect(counts).toMatchObject({ conversations: 1, messages: before.length + 1 });
    expect(await store.get(late._id, { fresh: true })).toBeUndefined();
    // Read from the ledger's documents: the node's cached copy belongs to the store object the
    // removal used (the proxy here) and this store's copy re-reads at most once a second.
    expect(await new ErasedIds(store).has(late._id)).toBe(true);
  });

  it('R-PRIV-03 nothing to remove removes nothing and leaves the store identity alone', async () => {
    const before = await rig.server.store.identity();
    expect(await removeRecords(ctx, { contactIds: ['contact:none'], conversationIds: ['conversation:none'], noteIds: ['note:none'] }, 'retention'))
      .toEqual({ contacts: 0, conversations: 0, messages: 0, notes: 0, media: 0, other: 0 });
    expect(await rig.server.store.identity()).toBe(before);
  });
});
