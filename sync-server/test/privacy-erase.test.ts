import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashId, LEDGER_FILE } from '../src/backup/erasureLedger.js';
import { addressId } from '../src/contacts/directory.js';
import { collectContact, type ContactHoldings } from '../src/privacy/collect.js';
import { call, pullAll } from './helpers.js';
import { erase, reportToday, seedPerson, settled, startRig, type Person, type Rig } from './erasureRig.js';
import { storeNeedles } from './storeNeedles.js';

/**
 * Erasure of a person on their request (issue 19, R-PRIV-03): everything of them leaves the store
 * for good — documents, attachments, address claims whose ids hold the number, jobs, receipts, the
 * search index — while the reports keep the anonymised figures and another customer keeps theirs.
 */
let rig: Rig;
let person: Person;
let other: Person;
const held: ContactHoldings[] = [];
let reportBefore: unknown;
let anaCheckpoint: unknown;

const ids = (h: ContactHoldings) => [h.contact, ...h.conversations, ...h.messages, ...h.notes, ...h.media].map((d) => d._id).concat(h.other);

beforeAll(async () => {
  rig = await startRig();
  person = await seedPerson(rig, 'Qx7Rk2');
  other = await seedPerson(rig, 'Mv4Tn8');
  reportBefore = await reportToday(rig);
  anaCheckpoint = (await pullAll(rig.server, rig.ana, 'contacts')).checkpoint;
  for (const id of [person.whatsappContactId, person.webchatContactId]) {
    const h = await collectContact(rig.server.store, id);
    if (!h) throw new Error(`${id} not collected`);
    held.push(h);
  }
}, 120_000);

afterAll(async () => {
  // The last test stops the server to read its folder; close() is then a no-op that may throw.
  await rig.server.close().catch(() => undefined);
  await rig.graph.stop();
  await rm(rig.dataDir, { recursive: true, force: true });
});

describe('R-PRIV-03 erasure of a contact (embedded store)', () => {
  it('R-PRIV-03 collectContact finds the person\'s contact, conversation, messages, note, picture and the documents naming them', () => {
    const [wa] = held;
    expect(wa?.conversations).toHaveLength(1);
    expect(wa?.messages.map((m) => m.text)).toEqual(expect.arrayContaining([expect.stringContaining('zap-texto-Qx7Rk2'), expect.stringContaining('resposta-Qx7Rk2')]));
    expect(wa?.notes.map((n) => n.text)).toEqual(['nota-Qx7Rk2-cliente']);
    expect(wa?.media).toHaveLength(1);
    // The address claim's id holds the number; the send and download jobs name the messages.
    const phone = person.needles[2] ?? '';
    expect(wa?.other).toEqual(expect.arrayContaining([
      addressId('whatsapp', phone), expect.stringMatching(/^job:channel-send\./), expect.stringMatching(/^job:media-download\./),
      expect.stringMatching(/^sendlog:/), expect.stringMatching(/^thread:/),
    ]));
    expect(held[1]?.other).toEqual(expect.arrayContaining([expect.stringMatching(/^visitor:/), expect.stringMatching(/^job:visitor-notice\./)]));
  });

  it('R-PRIV-03 an admin erases both contacts: 200 with the counts; no document of theirs is left; the audit and ledger hold ids only', async () => {
    const answers = [];
    for (const h of held) {
      const reply = await erase(rig, h.contact._id);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      answers.push(reply.body.removed);
    }
    const [wa, web] = held as [ContactHoldings, ContactHoldings];
    expect(answers[0]).toMatchObject({ contacts: 1, conversations: 1, messages: wa.messages.length, notes: 1, media: 1 });
    expect(answers[0]?.other).toBeGreaterThanOrEqual(wa.other.length);
    expect(answers[1]).toMatchObject({ contacts: 1, conversations: 1, messages: web.messages.length, notes: 0 });
    for (const id of [...ids(wa), ...ids(web)]) expect(await rig.server.store.get(id, { fresh: true }), id).toBeUndefined();
    for (const h of held) expect(await collectContact(rig.server.store, h.contact._id)).toBeUndefined();
    expect(await rig.server.store.getAttachment(wa.media[0]?._id ?? '', 'file')).toBeUndefined();
    // Nothing of them answers a query either (the Mango indexes and views dropped them).
    for (const type of ['message', 'note', 'contact']) {
      const docs = await rig.server.store.find({ selector: { type }, limit: 10_000 });
      expect(JSON.stringify(docs)).not.toContain('Qx7Rk2');
    }
    const audit = await rig.server.store.find({ selector: { type: 'audit', action: 'erase' }, limit: 10 });
    expect(audit.map((a) => a.subjectId).sort()).toEqual(held.map((h) => h.contact._id).sort());
    expect(audit[0]?.detail).toMatch(/^contacts=1 conversations=1 messages=\d+ notes=\d media=\d other=\d+$/);
    const ledger = await readFile(path.join(rig.server.config.privacyDir, LEDGER_FILE), 'utf8');
    for (const id of ids(wa)) expect(ledger).toContain(hashId(id));
    for (const needle of person.needles) expect(`${ledger}${JSON.stringify(audit)}`).not.toContain(needle);
  }, 60_000);

  it('R-PRIV-03 another customer\'s data is intact', async () => {
    const kept = await collectContact(rig.server.store, other.whatsappContactId);
    expect(kept?.contact.name).toBe('ZacariasMv4Tn8Quixaba');
    expect(kept?.messages.map((m) => m.text)).toEqual(expect.arrayContaining(['zap-texto-Mv4Tn8-pedido', 'resposta-Mv4Tn8-agente']));
    expect(kept?.notes.map((n) => n.text)).toEqual(['nota-Mv4Tn8-cliente']);
    expect(kept?.media).toHaveLength(1);
    expect(await rig.server.store.getAttachment(kept?.media[0]?._id ?? '', 'file')).toBeDefined();
    expect(await collectContact(rig.server.store, other.webchatContactId)).toBeDefined();
  });

  it('R-PRIV-03 the reports keep the erased conversations\' figures (the anonymised record)', async () => {
    await settled(rig.server);
    expect(await reportToday(rig)).toEqual(reportBefore);
    const facts = await rig.server.store.find({ selector: { type: 'reportFact', conversationId: { $in: person.conversationIds } }, limit: 10 });
    expect(facts).toHaveLength(2);
    for (const fact of facts) {
      expect(fact.anonymised).toBe(true);
      expect(JSON.stringify(fact)).not.toMatch(/contact:|Qx7Rk2/);
    }
  });

  it('R-PRIV-03 an agent\'s replica pulling with its old checkpoint is told to reset (409 replica_reset)', async () => {
    const query = `?limit=100&checkpoint=${encodeURIComponent(JSON.stringify(anaCheckpoint))}`;
    const reply = await call<{ error: string }>(rig.server, 'GET', `/api/sync/contacts/pull${query}`, { token: rig.ana });
    expect([reply.status, reply.body.error]).toEqual([409, 'replica_reset']);
    const fresh = await pullAll(rig.server, rig.ana, 'contacts');
    expect(JSON.stringify(fresh.documents)).not.toContain('Qx7Rk2');
    expect(JSON.stringify(fresh.documents)).toContain('Mv4Tn8');
  });

  it('R-PRIV-03 erasing the same contact again: 404', async () => {
    expect((await erase(rig, person.whatsappContactId)).status).toBe(404);
  });

  it('R-PRIV-03 byte-wise, no file of the store\'s folder holds their name, number or texts; the other customer\'s are still found', async () => {
    await rig.server.stop();
    const [erased, kept] = await Promise.all([storeNeedles(rig.dataDir, person.needles), storeNeedles(rig.dataDir, other.needles)]);
    expect(erased).toEqual([]);
    // The search is not blind: every needle of the customer kept is found.
    expect(new Set(kept.map((h) => h.needle))).toEqual(new Set(other.needles));
  }, 60_000);
});
