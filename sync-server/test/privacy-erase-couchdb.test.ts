import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Nano from 'nano';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectContact, type ContactHoldings } from '../src/privacy/collect.js';
import { erase, seedPerson, startRig, type Person, type Rig } from './erasureRig.js';
import { hasCouch } from './storeDrivers.js';

/**
 * R-PRIV-03 with CouchDB: the erasure purges (`_purge` of every leaf revision), so CouchDB itself
 * answers no revision, no change row and no view row of the person. CouchDB's files are on its
 * server, out of this test's reach: the byte-wise search is the embedded store's (privacy-erase.test.ts).
 */
const couchUrl = process.env.COUCHDB_URL ?? '';
const db = `atende-erasure-${randomUUID()}`;
const privacyDir = mkdtempSync(path.join(tmpdir(), 'atende-erasure-couch-privacy-'));

// Requires a CouchDB server: set COUCHDB_URL (as the store conformance suites do); skipped otherwise.
describe.skipIf(!hasCouch)('R-PRIV-03 erasure of a contact (CouchDB store)', () => {
  let rig: Rig;
  let person: Person;
  let other: Person;
  const held: ContactHoldings[] = [];

  beforeAll(async () => {
    rig = await startRig({ COUCHDB_URL: couchUrl, ATENDE_COUCHDB_DB: db, ATENDE_PRIVACY_DIR: privacyDir });
    person = await seedPerson(rig, 'Cd8Ps4');
    other = await seedPerson(rig, 'Cd3Kq7');
    for (const id of [person.whatsappContactId, person.webchatContactId]) {
      const h = await collectContact(rig.server.store, id);
      if (h) held.push(h);
    }
  }, 180_000);

  afterAll(async () => {
    await rig?.server.close();
    await rig?.graph.stop();
    await rm(rig?.dataDir ?? '', { recursive: true, force: true });
    await rm(privacyDir, { recursive: true, force: true });
    await Nano(couchUrl).db.destroy(db).catch(() => undefined);
  });

  it('R-PRIV-03 after the erasure CouchDB holds no revision, change row or view row of the person; the other customer stays', async () => {
    expect(held).toHaveLength(2);
    for (const h of held) expect((await erase(rig, h.contact._id)).status).toBe(200);
    const couch = Nano(couchUrl).use(db);
    const ids = held.flatMap((h) => [h.contact, ...h.conversations, ...h.messages, ...h.notes, ...h.media].map((d) => d._id).concat(h.other));
    for (const id of ids) {
      // A purged document is missing, not deleted: no tombstone revision is left to replicate or read.
      const leaves: unknown = await Nano(couchUrl).request({ db, doc: id, qs: { open_revs: 'all' } }).catch((e: { statusCode?: number }) => e.statusCode);
      expect(leaves === 404 || (Array.isArray(leaves) && leaves.every((l: { missing?: string }) => l.missing !== undefined)), id).toBe(true);
    }
    const wanted = new Set(ids);
    let since: string | number = 0;
    for (;;) {
      const page: Nano.DatabaseChangesResponse = await couch.changes({ since, limit: 500 });
      expect(page.results.filter((r) => wanted.has(r.id))).toEqual([]);
      since = page.last_seq;
      if (page.results.length < 500) break;
    }
    const all = await couch.list({ include_docs: true, limit: 100_000 });
    const text = JSON.stringify(all.rows);
    for (const needle of person.needles) expect(text).not.toContain(needle);
    expect(text).toContain(other.needles[0]);
    expect(await collectContact(rig.server.store, other.whatsappContactId)).toBeDefined();
  }, 120_000);
});
