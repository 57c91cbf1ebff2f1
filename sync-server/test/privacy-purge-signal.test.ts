import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, FrameClient, pullAll } from './helpers.js';
import { erase, seedPerson, startRig, type Person, type Rig } from './erasureRig.js';

/**
 * The replicas' purge signal reaches desks that stay open (issue 19, R-PRIV-03 "from every client
 * replica"): an erasure raises the store's epoch and every agent socket is told to pull at once;
 * the pull with a checkpoint of the old identity is answered 409 replica_reset (the desk wipes its
 * replica), and frames after it carry the new identity.
 */
let rig: Rig;
let person: Person;

beforeAll(async () => {
  rig = await startRig();
  person = await seedPerson(rig, 'Pz3Sg9');
}, 120_000);

afterAll(async () => {
  await rig.server.close().catch(() => undefined);
  await rig.graph.stop();
  await rm(rig.dataDir, { recursive: true, force: true });
});

describe('R-PRIV-03 the purge signal on a live socket', () => {
  it('R-PRIV-03 an open desk is told to pull right after an erasure, and its old checkpoint is refused with replica_reset', async () => {
    const desk = await FrameClient.agent(rig.server, rig.ana);
    const storeOf = (c: FrameClient) => (c.frames.find((f) => f.type === 'welcome') as { replica?: { store: string } } | undefined)?.replica?.store;
    const before = storeOf(desk);
    expect(before).toBeTruthy();
    const { checkpoint } = await pullAll(rig.server, rig.ana, 'conversations');
    const hintsBefore = desk.frames.filter((f) => f.type === 'sync.changed').length;

    const reply = await erase(rig, person.whatsappContactId);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);

    await desk.next((f) => f.type === 'sync.changed' && desk.frames.filter((g) => g.type === 'sync.changed').length > hintsBefore);
    const pulled = await call<{ error: string }>(rig.server, 'GET', `/api/sync/conversations/pull?limit=10&checkpoint=${encodeURIComponent(JSON.stringify(checkpoint))}`, { token: rig.ana });
    expect([pulled.status, pulled.body.error]).toEqual([409, 'replica_reset']);

    // A fresh pull starts from the new identity, which a new socket's welcome names too.
    const fresh = await pullAll(rig.server, rig.ana, 'conversations');
    expect(JSON.stringify(fresh.checkpoint)).not.toEqual(JSON.stringify(checkpoint));
    const again = await FrameClient.agent(rig.server, rig.ana);
    expect(storeOf(again)).toBeTruthy();
    expect(storeOf(again)).not.toBe(before);
    desk.ws.close();
    again.ws.close();
  });
});
