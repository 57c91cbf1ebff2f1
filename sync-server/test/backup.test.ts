import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEmpty, openReplica, sharedEmbeddedReplica } from '../src/backup/replica.js';
import { updateDoc } from '../src/store/index.js';
import { backupContents, changedSince, everyDocument, historyOf, restoreHere, runCli, withoutRevpos } from './backupRig.js';
import { call, login, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';

/**
 * R-OPS-04: `npm run backup` copies a running server's embedded store while writes go on,
 * `npm run restore` rebuilds it in an empty folder, document for document, and the server starts
 * on the copy. The CouchDB variant is in backup-couchdb.test.ts.
 */
const work = mkdtempSync(path.join(tmpdir(), 'atende-backup-'));
const sourceDir = path.join(work, 'source');
const restoredDir = path.join(work, 'restored');
const file = path.join(work, 'running.ndjson.gz');
const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c33' } }).png().toBuffer();
const FILLERS = 600;

let server: TestServer;
let pictureId = '';
let serverStopped = false;

async function uploadPicture(token: string): Promise<string> {
  const body = new FormData();
  body.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'foto.png');
  const res = await fetch(`${server.url}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

beforeAll(async () => {
  // The writer below talks to the public visitor routes faster than their rate limit allows.
  server = await startTestServer({ ATENDE_DATA_DIR: sourceDir, ATENDE_PUBLIC_RATE_LIMIT: '1000000' });
  const ana = await login(server, 'ana@demo.local');
  const visitor = await newVisitor(server);
  for (const text of ['Olá', 'Preciso de ajuda', 'Obrigado']) await visitorSays(server, visitor, text);
  pictureId = await uploadPicture(ana.accessToken);
  // Enough documents that the copy reads many pages while the writer below goes on.
  const fillers = Array.from({ length: FILLERS }, (_, i) => ({ _id: `test:filler-${i}`, type: 'test', n: i, text: 'x'.repeat(200) }));
  expect((await server.store.bulkWrite(fillers)).every((r) => r.ok)).toBe(true);
  // A deleted document (a tombstone) and a document with two open revisions (a conflict).
  const [gone] = await server.store.bulkWrite([{ _id: 'test:gone', type: 'test' }]);
  await server.store.bulkWrite([{ _id: 'test:gone', _rev: gone?.rev, _deleted: true }]);
  await server.store.bulkWrite([
    { _id: 'test:conflicted', _rev: '2-aaaa', type: 'test', side: 'a', _revisions: { start: 2, ids: ['aaaa', 'root'] } },
    { _id: 'test:conflicted', _rev: '2-bbbb', type: 'test', side: 'b', _revisions: { start: 2, ids: ['bbbb', 'root'] } },
  ], { newEdits: false });
}, 60_000);

afterAll(async () => {
  if (!serverStopped) await server.close();
  rmSync(work, { recursive: true, force: true });
});

const admin = { ATENDE_BACKUP_EMAIL: 'admin@demo.local', ATENDE_BACKUP_PASSWORD: 'atende123' };

describe('R-OPS-04 backup of the embedded store', () => {
  it('R-OPS-04 a running server is copied through its admin route while writes continue; every document is a state it really had', async () => {
    const visitor = await newVisitor(server);
    let writing = true;
    let written = 0;
    const writer = (async () => {
      // New documents (messages) and old ones moved to the end of the changes feed (fillers).
      while (writing) {
        await visitorSays(server, visitor, `mensagem ${written}`);
        await updateDoc(server.store, `test:filler-${(written * 37) % FILLERS}`, (doc) => (doc ? { ...doc, n: Number(doc.n) + FILLERS } : undefined));
        written += 1;
      }
    })();
    const run = await runCli('backup', ['--out', file], { ATENDE_DATA_DIR: sourceDir, ATENDE_BACKUP_URL: server.url, ...admin });
    writing = false;
    await writer;
    expect(run.out).toContain('copied by the running server');
    expect(run.code, run.out).toBe(0);

    const source = sharedEmbeddedReplica(server.dataDir); // the server's own handle: never closed here
    const now = await everyDocument(source);
    const backup = await backupContents(file);
    const changed = await changedSince(source, backup.snapshotSeq);
    // The writer went on during the copy, so some documents changed after it started.
    expect(written).toBeGreaterThan(0);
    expect(changed.size).toBeGreaterThan(0);
    let unchanged = 0;
    for (const [id, leaves] of now) {
      if (changed.has(id)) continue;
      // Untouched since the copy started: in it exactly (revisions, history, bodies, attachments).
      expect(backup.docs.get(id), id).toEqual(leaves);
      unchanged += 1;
    }
    expect(unchanged).toBeGreaterThan(0);
    for (const [id, leaves] of backup.docs) {
      const current = now.get(id);
      expect(current, `${id} is in the backup but not in the store`).toBeDefined();
      // Written during the copy: the backup holds one of the revisions it went through.
      const history = historyOf(current ?? []);
      for (const leaf of leaves) expect(history.has(leaf._rev), `${id} ${leaf._rev}`).toBe(true);
    }
    expect(backup.docs.get('test:gone')).toEqual([expect.objectContaining({ _deleted: true })]);
    expect(backup.docs.get('test:conflicted')?.map((l) => l.side)).toEqual(['a', 'b']);
    const picture = backup.docs.get(pictureId)?.[0];
    const bytes = Buffer.from(String(picture?._attachments?.file?.data), 'base64');
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(picture?.sha256);
    expect(bytes.equals(png)).toBe(true);
    expect(Object.keys(picture?._attachments ?? {}).sort()).toEqual(['file', 'thumbnail']);
  }, 120_000);

  it('R-OPS-04 restore into an empty folder gives the same documents, and the server starts on it and an agent signs in', async () => {
    const run = await runCli('restore', [file], { ATENDE_DATA_DIR: restoredDir });
    expect(run.code, run.out).toBe(0);
    expect(run.out).toMatch(/restored into .*the store counts \d+ live documents, as the backup does/);
    const { docs } = await backupContents(file);
    const opened = await openReplica({ driver: 'embedded', dataDir: restoredDir }, { create: false });
    try {
      const restored = await everyDocument(opened.db);
      expect([...restored.keys()].sort()).toEqual([...docs.keys()].sort());
      for (const [id, leaves] of docs) expect(withoutRevpos(restored.get(id)), id).toEqual(withoutRevpos(leaves));
    } finally {
      await opened.db.close();
    }

    const copy = await startTestServer({ ATENDE_DATA_DIR: restoredDir });
    try {
      const ana = await login(copy, 'ana@demo.local');
      const res = await fetch(`${copy.url}/api/media/${pictureId}`, { headers: { authorization: `Bearer ${ana.accessToken}` } });
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
    } finally {
      await copy.close();
    }
  }, 120_000);

  it('R-OPS-04 restore refuses a store that is not empty, unless --force', async () => {
    const refused = await runCli('restore', [file], { ATENDE_DATA_DIR: restoredDir });
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('the target store is not empty');
    const forced = await restoreHere(file, { ATENDE_DATA_DIR: restoredDir }, true);
    expect(forced.code, forced.out).toBe(0);
  }, 60_000);

  it('R-OPS-04 a damaged, cut or unfinished backup file is refused with a clear error and nothing is written', async () => {
    const bytes = readFileSync(file);
    const flipped = Buffer.from(bytes);
    const middle = Math.floor(flipped.length / 2);
    flipped[middle] = (flipped[middle] ?? 0) ^ 0xff;
    const lines = gunzipSync(bytes).toString('utf8').trimEnd().split('\n');
    const cases: Array<[string, Buffer, RegExp]> = [
      ['flipped', flipped, /damaged/],
      ['cut', bytes.subarray(0, middle), /damaged or incomplete/],
      // Whole gzip, but without the end line: lost lines cannot pass for a smaller backup.
      ['unfinished', gzipSync(`${lines.slice(0, -1).join('\n')}\n`), /incomplete: it ends after \d+ documents/],
      ['foreign', gzipSync('{"hello":"world"}\n'), /not an Atende backup file/],
    ];
    for (const [name, content, message] of cases) {
      const bad = path.join(work, `${name}.ndjson.gz`);
      writeFileSync(bad, content);
      const target = path.join(work, `target-${name}`);
      // One through the command itself (its exit code), the rest through the same code in-process.
      const run = name === 'cut' ? await runCli('restore', [bad], { ATENDE_DATA_DIR: target }) : await restoreHere(bad, { ATENDE_DATA_DIR: target });
      expect(run.code, `${name}: ${run.out}`).toBe(1);
      expect(run.out, name).toMatch(message);
      const opened = await openReplica({ driver: 'embedded', dataDir: target }, { create: true });
      expect(await isEmpty(opened.db), name).toBe(true);
      await opened.db.close();
    }
  }, 120_000);

  it('R-OPS-04 the backup route is for admins only', async () => {
    const ana = await login(server, 'ana@demo.local');
    expect((await call(server, 'GET', '/api/admin/backup')).status).toBe(401);
    expect((await call(server, 'GET', '/api/admin/backup', { token: ana.accessToken })).status).toBe(403);
  });

  it('R-OPS-04 with the server stopped the CLI reads the folder directly, and the copy equals the store', async () => {
    await server.close();
    serverStopped = true;
    const stopped = path.join(work, 'stopped.ndjson.gz');
    const run = await runCli('backup', ['--out', stopped], { ATENDE_DATA_DIR: sourceDir });
    expect(run.code, run.out).toBe(0);
    expect(run.out).toContain('read directly');
    const opened = await openReplica({ driver: 'embedded', dataDir: sourceDir }, { create: false });
    try {
      const store = await everyDocument(opened.db);
      const { docs } = await backupContents(stopped);
      expect(docs).toEqual(store);
    } finally {
      await opened.db.close();
    }
  }, 60_000);
});
