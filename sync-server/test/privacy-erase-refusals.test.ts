import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_FILE, LEDGER_PREFIX } from '../src/backup/erasureLedger.js';
import { call } from './helpers.js';
import { erase, seedPerson, startRig, type Person, type Rig } from './erasureRig.js';

/**
 * Erasure refused (issue 19, R-PRIV-03): an unknown contact, a caller who is not an admin, an open
 * conversation, a legal hold — each answered with nothing written: no purge, no ledger entry, no
 * audit entry, the store's identity (the replicas' reset signal) unchanged.
 */
let rig: Rig;
let person: Person;

beforeAll(async () => {
  rig = await startRig();
  person = await seedPerson(rig, 'Rf9Zw1', { finish: false });
}, 120_000);

afterAll(async () => {
  await rig.server.close();
  await rig.graph.stop();
  await rm(rig.dataDir, { recursive: true, force: true });
});

/** What an erasure writes; a refusal must leave all of it as it was. */
async function traces() {
  const [ledgerDocs, audit, identity] = await Promise.all([
    rig.server.store.find({ selector: { _id: { $gt: LEDGER_PREFIX, $lt: `${LEDGER_PREFIX}\uffff` } }, limit: 10 }),
    rig.server.store.find({ selector: { type: 'audit', action: 'erase' }, limit: 10 }),
    rig.server.store.identity(),
  ]);
  const contacts = await Promise.all([person.whatsappContactId, person.webchatContactId].map((id) => rig.server.store.get(id, { fresh: true })));
  return {
    ledgerDocs: ledgerDocs.length, audit: audit.length, identity,
    ledgerFile: existsSync(path.join(rig.server.config.privacyDir, LEDGER_FILE)),
    contacts: contacts.map((c) => c?._rev),
  };
}

const hold = (kind: 'contacts' | 'conversations', id: string, legalHold: boolean, token = rig.carla) =>
  call<{ id: string; legalHold: boolean }>(rig.server, 'PUT', `/api/privacy/${kind}/${id}/legal-hold`, { token, body: { legalHold } });

describe('R-PRIV-03 erasure refused, nothing written', () => {
  it('R-PRIV-03 an unknown contact is 404, a malformed id 400, a supervisor or an agent 403', async () => {
    const before = await traces();
    expect((await erase(rig, 'contact:nobody-here')).status).toBe(404);
    expect((await erase(rig, 'conversation:not-a-contact')).status).toBe(404);
    expect((await erase(rig, 'nada')).status).toBe(400);
    expect((await erase(rig, person.webchatContactId, rig.carla)).status).toBe(403);
    expect((await erase(rig, person.webchatContactId, rig.ana)).status).toBe(403);
    expect((await call(rig.server, 'POST', `/api/privacy/contacts/${person.webchatContactId}/erase`)).status).toBe(401);
    expect(await traces()).toEqual(before);
  });

  it('R-PRIV-03 a conversation still open: 409 conversation_open', async () => {
    const before = await traces();
    const reply = await erase(rig, person.whatsappContactId);
    expect([reply.status, reply.body.error]).toEqual([409, 'conversation_open']);
    expect(await traces()).toEqual(before);
    expect(before.ledgerFile).toBe(false);
  });

  it('R-PRIV-03 a legal hold on the contact, or on one conversation: 409 legal_hold until it is lifted', async () => {
    const [open] = person.conversationIds;
    expect((await call(rig.server, 'POST', `/api/conversations/${open}/finish`, { token: rig.ana, body: {} })).status).toBe(200);
    expect((await hold('contacts', person.whatsappContactId, true)).body).toEqual({ id: person.whatsappContactId, legalHold: true });
    let before = await traces();
    let reply = await erase(rig, person.whatsappContactId);
    expect([reply.status, reply.body.error]).toEqual([409, 'legal_hold']);
    expect(await traces()).toEqual(before);

    expect((await hold('contacts', person.whatsappContactId, false)).status).toBe(200);
    expect((await hold('conversations', open ?? '', true, rig.admin)).status).toBe(200);
    before = await traces();
    reply = await erase(rig, person.whatsappContactId);
    expect([reply.status, reply.body.error]).toEqual([409, 'legal_hold']);
    expect(await traces()).toEqual(before);

    expect((await hold('conversations', open ?? '', false, rig.admin)).status).toBe(200);
    reply = await erase(rig, person.whatsappContactId);
    expect(reply.status).toBe(200);
    expect(reply.body.removed).toMatchObject({ contacts: 1, conversations: 1, notes: 1 });
    const after = await traces();
    expect(after.identity).not.toBe(before.identity);
    expect([after.ledgerFile, after.audit]).toEqual([true, 1]);
  }, 60_000);
});
