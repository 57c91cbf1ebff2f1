import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Nano from 'nano';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReplica } from '../src/backup/replica.js';
import { expectConsistentCopy, expectRestored, PNG, runCli, seedVariedData, startWriter } from './backupRig.js';
import { login, startTestServer, type TestServer } from './helpers.js';
import { hasCouch } from './storeDrivers.js';

/**
 * R-OPS-04 with CouchDB: the same backup format and checks as backup.test.ts, read from and
 * restored into CouchDB over HTTP, and across drivers (a CouchDB copy into an embedded folder).
 */
const couchUrl = process.env.COUCHDB_URL ?? '';
const sourceDb = `atende-backup-${randomUUID()}`;
const restoredDb = `atende-restored-${randomUUID()}`;
const work = mkdtempSync(path.join(tmpdir(), 'atende-backup-couch-'));
const file = path.join(work, 'couch.ndjson.gz');
const couch = (db: string) => ({ COUCHDB_URL: couchUrl, ATENDE_COUCHDB_DB: db });

// Requires a CouchDB server: set COUCHDB_URL (as the store conformance suites do); skipped otherwise.
describe.skipIf(!hasCouch)('R-OPS-04 backup of the CouchDB store', () => {
  let server: TestServer;
  let pictureId = '';

  beforeAll(async () => {
    server = await startTestServer({ ...couch(sourceDb), ATENDE_DEMO: '1', ATENDE_PUBLIC_RATE_LIMIT: '1000000' });
    pictureId = await seedVariedData(server);
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
    for (const db of [sourceDb, restoredDb]) await Nano(couchUrl).db.destroy(db).catch(() => undefined);
  });

  it('R-OPS-04 CouchDB is copied directly while the server writes; every document is a state it really had', async () => {
    const stopWriter = await startWriter(server);
    const run = await runCli('backup', ['--out', file], couch(sourceDb));
    expect(await stopWriter()).toBeGreaterThan(0);
    expect(run.code, run.out).toBe(0);
    expect(run.out).toContain('read directly');
    const source = await openReplica({ driver: 'couchdb', couchUrl, couchDb: sourceDb }, { create: false });
    try {
      await expectConsistentCopy(source.db, file, pictureId);
    } finally {
      await source.db.close();
    }
  }, 120_000);

  it('R-OPS-04 the copy restores into an empty CouchDB database and the server starts on it', async () => {
    const run = await runCli('restore', [file], couch(restoredDb));
    expect(run.code, run.out).toBe(0);
    const restored = await openReplica({ driver: 'couchdb', couchUrl, couchDb: restoredDb }, { create: false });
    try {
      await expectRestored(restored.db, file);
    } finally {
      await restored.db.close();
    }
    const copy = await startTestServer({ ...couch(restoredDb), ATENDE_DEMO: '0' });
    try {
      const ana = await login(copy, 'ana@demo.local');
      const res = await fetch(`${copy.url}/api/media/${pictureId}`, { headers: { authorization: `Bearer ${ana.accessToken}` } });
      expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
    } finally {
      await copy.close();
    }
    const again = await runCli('restore', [file], couch(restoredDb));
    expect(again.code).toBe(1);
    expect(again.out).toContain('the target store is not empty');
  }, 120_000);

  it('R-OPS-04 a CouchDB copy restores into an empty embedded folder (one format for both stores)', async () => {
    const dataDir = path.join(work, 'embedded');
    const run = await runCli('restore', [file], { ATENDE_DATA_DIR: dataDir });
    expect(run.code, run.out).toBe(0);
    const restored = await openReplica({ driver: 'embedded', dataDir }, { create: false });
    try {
      await expectRestored(restored.db, file);
    } finally {
      await restored.db.close();
    }
  }, 120_000);
});
