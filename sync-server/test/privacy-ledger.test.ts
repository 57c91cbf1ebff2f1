import { mkdtempSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_FILE } from '../src/backup/erasureLedger.js';
import { BACKUP_TOKEN_HEADER, readBackupToken } from '../src/backup/token.js';
import { collectContact, type ContactHoldings } from '../src/privacy/collect.js';
import type { PrivacyContext } from '../src/privacy/context.js';
import { sweepErased } from '../src/privacy/ledger.js';
import { restoreHere } from './backupRig.js';
import { call, pullAll, startTestServer } from './helpers.js';
import { until } from './until.js';
import { erase, seedPerson, startRig, type Person, type Rig } from './erasureRig.js';
import { storeNeedles } from './storeNeedles.js';

/**
 * The erasure ledger (issue 19 model point 4, R-PRIV-03): an erased person does not come back —
 * not from a backup taken before the erasure, not from an old replica pushing its copies, not from
 * a store put back by other means (the start-up sweep).
 */
let rig: Rig;
let person: Person;
let other: Person;
const held: ContactHoldings[] = [];
const work = mkdtempSync(path.join(tmpdir(), 'atende-ledger-'));
const backupFile = path.join(work, 'before-erasure.ndjson.gz');
let oldReplica: { contacts: Array<Record<string, unknown>>; notes: Array<Record<string, unknown>> };

const ids = (h: ContactHoldings) => [h.contact, ...h.conversations, ...h.messages, ...h.notes, ...h.media].map((d) => d._id).concat(h.other);

beforeAll(async () => {
  rig = await startRig();
  person = await seedPerson(rig, 'Lg5Bk3');
  other = await seedPerson(rig, 'Kp2Wd6');
  for (const id of [person.whatsappContactId, person.webchatContactId]) {
    const h = await collectContact(rig.server.store, id);
    if (!h) throw new Error(`${id} not collected`);
    held.push(h);
  }
  // Ana's replica as it was before the erasure.
  oldReplica = { contacts: (await pullAll(rig.server, rig.ana, 'contacts')).documents, notes: (await pullAll(rig.server, rig.ana, 'notes')).documents };
  const res = await fetch(`${rig.server.url}/api/admin/backup`, { headers: { authorization: `Bearer ${rig.admin}`, [BACKUP_TOKEN_HEADER]: readBackupToken(rig.dataDir) } });
  expect(res.status).toBe(200);
  await writeFile(backupFile, Buffer.from(await res.arrayBuffer()));
  for (const h of held) expect((await erase(rig, h.contact._id)).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await rig.server.close();
  await rig.graph.stop();
  await rm(rig.dataDir, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

describe('R-PRIV-03 the erasure ledger', () => {
  it('R-PRIV-03 the ledger file lists sha256 hex of the removed ids only (no id, name or number in clear)', async () => {
    const text = await readFile(path.join(rig.server.config.privacyDir, LEDGER_FILE), 'utf8');
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThanOrEqual(held.flatMap(ids).length);
    for (const line of lines) expect(line).toEqual({ h: expect.stringMatching(/^[0-9a-f]{64}$/) as string, at: expect.any(Number) as number, reason: 'erasure' });
    for (const needle of [...person.needles, ...held.flatMap(ids)]) expect(text).not.toContain(needle);
  });

  it('R-PRIV-03 an old replica pushing an erased note or contact is ignored (nothing written); a new note on the erased contact too', async () => {
    const note = oldReplica.notes.find((n) => n.contactId === person.whatsappContactId);
    const contact = oldReplica.contacts.find((c) => c.id === person.whatsappContactId);
    expect(note && contact).toBeTruthy();
    const push = (collection: string, doc: Record<string, unknown>, assumed: Record<string, unknown> | null) =>
      call<unknown[]>(rig.server, 'POST', `/api/sync/${collection}/push`, { token: rig.ana, body: [{ newDocumentState: doc, assumedMasterState: assumed }] });
    const strip = (d: Record<string, unknown>) => Object.fromEntries(Object.entries(d).filter(([k]) => k !== '_deleted'));
    expect((await push('notes', { ...strip(note ?? {}), text: 'editada offline' }, note ?? null)).body).toEqual([]);
    expect((await push('contacts', { ...strip(contact ?? {}), name: 'Editado offline' }, contact ?? null)).body).toEqual([]);
    const now = Date.now();
    const fresh = { id: 'note:01JZZZZZZZZZZZZZZZZZZZZZZZ', type: 'note', contactId: person.whatsappContactId, authorId: 'user:x', authorName: 'x', text: 'nova nota', teamIds: [], createdAt: now, updatedAt: now };
    expect((await push('notes', fresh, null)).body).toEqual([]);
    for (const id of [String(note?.id), person.whatsappContactId, fresh.id]) expect(await rig.server.store.get(id, { fresh: true }), id).toBeUndefined();
    // Messages are never pushed; a command on the erased conversation finds nothing.
    expect((await call(rig.server, 'POST', '/api/sync/messages/push', { token: rig.ana, body: [] })).status).toBe(403);
    const [conversation] = person.conversationIds;
    expect((await call(rig.server, 'POST', `/api/conversations/${conversation}/messages`, { token: rig.ana, body: { id: 'oldreplica0001', text: 'da fila offline' } })).status).toBe(404);
  });

  it('R-PRIV-03 a backup taken before the erasure, restored into an empty store with the ledger: the person does not come back', async () => {
    const dir = path.join(work, 'restored');
    const run = await restoreHere(backupFile, { ATENDE_DATA_DIR: dir, ATENDE_PRIVACY_DIR: rig.server.config.privacyDir });
    expect(run.code, run.out).toBe(0);
    expect(run.out).toMatch(/\d+ erased document\(s\) left out/);
    const restored = await startTestServer({ ATENDE_DATA_DIR: dir, ATENDE_PRIVACY_DIR: rig.server.config.privacyDir });
    try {
      for (const id of held.flatMap(ids)) expect(await restored.store.get(id), id).toBeUndefined();
      expect(await collectContact(restored.store, other.whatsappContactId)).toBeDefined();
    } finally {
      await restored.stop();
    }
    expect(await storeNeedles(dir, person.needles)).toEqual([]);
    expect((await storeNeedles(dir, other.needles)).length).toBeGreaterThan(0);
  }, 120_000);

  it('R-PRIV-03 restored without the ledger the person is back; the start-up sweep with the ledger purges them again', async () => {
    const dir = path.join(work, 'unledgered');
    const empty = path.join(work, 'no-ledger');
    expect((await restoreHere(backupFile, { ATENDE_DATA_DIR: dir, ATENDE_PRIVACY_DIR: empty })).code).toBe(0);
    const server = await startTestServer({ ATENDE_DATA_DIR: dir, ATENDE_PRIVACY_DIR: empty });
    try {
      expect(await server.store.get(person.whatsappContactId)).toBeDefined();
      const before = await server.store.identity();
      const log: string[] = [];
      const ctx = {
        store: server.store, privacyDir: rig.server.config.privacyDir, identityChanged: () => undefined, log: (m: string) => log.push(m), now: Date.now,
      } as unknown as PrivacyContext;
      const purged = await sweepErased(ctx);
      expect(purged).toBe(new Set(held.flatMap(ids)).size);
      for (const id of held.flatMap(ids)) expect(await server.store.get(id, { fresh: true }), id).toBeUndefined();
      expect(await collectContact(server.store, other.whatsappContactId)).toBeDefined();
      expect(await server.store.identity()).not.toBe(before);
      // The store's ledger now lists them too: the next start finds nothing to sweep.
      expect(await sweepErased(ctx)).toBe(0);
    } finally {
      await server.stop();
    }
    expect(await storeNeedles(dir, person.needles)).toEqual([]);
  }, 120_000);

  it('R-PRIV-03 a server started on such a store with the ledger purges them by itself (the start-up sweep)', async () => {
    const dir = path.join(work, 'swept-at-start');
    expect((await restoreHere(backupFile, { ATENDE_DATA_DIR: dir, ATENDE_PRIVACY_DIR: path.join(work, 'no-ledger-2') })).code).toBe(0);
    const server = await startTestServer({ ATENDE_DATA_DIR: dir, ATENDE_PRIVACY_DIR: rig.server.config.privacyDir });
    try {
      const left = await until(() => server.store.get(person.whatsappContactId, { fresh: true }), (doc) => doc === undefined, 20_000);
      expect(left).toBeUndefined();
      for (const id of held.flatMap(ids)) expect(await server.store.get(id, { fresh: true }), id).toBeUndefined();
      expect(await collectContact(server.store, other.whatsappContactId)).toBeDefined();
    } finally {
      await server.stop();
    }
  }, 120_000);
});
