import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { expect } from 'vitest';
import { failure, runRestore } from '../src/backup/cli.js';
import type { LeafRevision } from '../src/backup/format.js';
import { readBackup } from '../src/backup/load.js';
import { embeddedReplicaOf, type ReplicaDb } from '../src/backup/replica.js';
import { updateDoc } from '../src/store/index.js';
import { login, newVisitor, visitorSays, type TestServer } from './helpers.js';

/** Helpers of the backup tests (R-OPS-04): the CLI run as operators run it, and a store read whole. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

export interface CliRun {
  code: number;
  /** stdout and stderr together, in the order lines were printed per stream. */
  out: string;
}

/** `npm run backup|restore -- …` as a child process with `env` over the test's own environment. */
export function runCli(script: 'backup' | 'restore', args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(TSX, [path.join(ROOT, 'scripts', `${script}.ts`), ...args], {
      cwd: ROOT,
      // COUCHDB_URL empty counts as unset: the embedded store unless a test names CouchDB.
      env: { ...process.env, COUCHDB_URL: '', ATENDE_LOG_LEVEL: 'silent', ...env },
      timeout: 120_000,
    }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

/** `npm run restore` in this process (no child to start): the same code, exit code and lines. */
export async function restoreHere(file: string, env: Record<string, string>, force = false): Promise<CliRun> {
  const lines: string[] = [];
  const say = (line: string) => lines.push(line);
  try {
    say(await runRestore({ ATENDE_LOG_LEVEL: 'silent', ...env }, file, force, say));
    return { code: 0, out: lines.join('\n') };
  } catch (error) {
    return { code: failure(error, say), out: lines.join('\n') };
  }
}

/** A document's open revisions in a fixed order, as compared between stores. */
export type Leaves = LeafRevision[];
const byRev = (a: LeafRevision, b: LeafRevision) => a._rev.localeCompare(b._rev);

/**
 * Every document of a store with all its open revisions, history and attachments, read one
 * document at a time with `open_revs=all` (not the backup's `_bulk_get` path: an independent view).
 */
export async function everyDocument(db: ReplicaDb): Promise<Map<string, Leaves>> {
  const docs = new Map<string, Leaves>();
  let since: number | string = 0;
  for (;;) {
    const page = await db.changes({ since, limit: 500, style: 'all_docs' });
    for (const row of page.results) {
      const leaves = await db.get(row.id, { open_revs: 'all', revs: true, attachments: true });
      docs.set(row.id, leaves.flatMap((e) => ('ok' in e ? [e.ok] : [])).sort(byRev));
    }
    since = page.last_seq;
    if (page.results.length < 500) return docs;
  }
}

/** Ids written after `since` (a document is listed once, at its latest write). */
export async function changedSince(db: ReplicaDb, since: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let from: number | string = /^\d+$/.test(since) ? Number(since) : since;
  for (;;) {
    const page = await db.changes({ since: from, limit: 500, style: 'all_docs' });
    for (const row of page.results) ids.add(row.id);
    from = page.last_seq;
    if (page.results.length < 500) return ids;
  }
}

/** The backup file as a restore reads it: its header and each document's last line. */
export async function backupContents(file: string) {
  const docs = new Map<string, Leaves>();
  let snapshotSeq = '';
  for await (const item of readBackup(file)) {
    if (item.kind === 'header') snapshotSeq = item.header.snapshotSeq;
    if (item.kind === 'document') docs.set(item.line.id, [...item.line.leaves].sort(byRev));
  }
  return { docs, snapshotSeq };
}

/** Every revision `leaves` went through: their own and their histories. */
export function historyOf(leaves: Leaves): Set<string> {
  return new Set(leaves.flatMap((leaf) => leaf._revisions.ids.map((id, i) => `${leaf._revisions.start - i}-${id}`)));
}

/**
 * A document as a restore can give it back: PouchDB records an attachment written with its data
 * as added at the revision written (`revpos`), as its own replication does; bytes and digest stay.
 */
export function withoutRevpos(leaves: Leaves | undefined): unknown {
  return leaves?.map((leaf) => ({
    ...leaf,
    ...(leaf._attachments
      ? { _attachments: Object.fromEntries(Object.entries(leaf._attachments).map(([name, { revpos: _revpos, ...rest }]) => [name, rest])) }
      : {}),
  }));
}

export const PNG = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c33' } }).png().toBuffer();
export const FILLERS = 600;

/**
 * Varied data in a running server: a website conversation with messages, a picture (its file and
 * thumbnail attachments), many plain documents, a deleted one (a tombstone) and one with two open
 * revisions (a conflict). Answers the picture's media id.
 */
export async function seedVariedData(server: TestServer): Promise<string> {
  const ana = await login(server, 'ana@demo.local');
  const visitor = await newVisitor(server);
  for (const text of ['Olá', 'Preciso de ajuda', 'Obrigado']) await visitorSays(server, visitor, text);
  const body = new FormData();
  body.append('file', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'foto.png');
  const res = await fetch(`${server.url}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${ana.accessToken}` }, body });
  expect(res.status).toBe(201);
  const pictureId = ((await res.json()) as { id: string }).id;
  // Enough documents that a copy reads many pages while a writer goes on.
  const fillers = Array.from({ length: FILLERS }, (_, i) => ({ _id: `test:filler-${i}`, type: 'test', n: i, text: 'x'.repeat(200) }));
  expect((await server.store.bulkWrite(fillers)).every((r) => r.ok)).toBe(true);
  const [gone] = await server.store.bulkWrite([{ _id: 'test:gone', type: 'test' }]);
  if (!gone?.ok) throw new Error('test:gone was not written');
  await server.store.bulkWrite([{ _id: 'test:gone', _rev: gone.rev, _deleted: true }]);
  await server.store.bulkWrite([
    { _id: 'test:conflicted', _rev: '2-aaaa', type: 'test', side: 'a', _revisions: { start: 2, ids: ['aaaa', 'root'] } },
    { _id: 'test:conflicted', _rev: '2-bbbb', type: 'test', side: 'b', _revisions: { start: 2, ids: ['bbbb', 'root'] } },
  ], { newEdits: false });
  return pictureId;
}

/** Writes until stopped: new documents (visitor messages) and old ones moved to the end of the changes feed (fillers). */
export async function startWriter(server: TestServer): Promise<() => Promise<number>> {
  const visitor = await newVisitor(server);
  let writing = true;
  let written = 0;
  const loop = (async () => {
    while (writing) {
      await visitorSays(server, visitor, `mensagem ${written}`);
      await updateDoc(server.store, `test:filler-${(written * 37) % FILLERS}`, (doc) => (doc ? { ...doc, n: Number(doc.n) + FILLERS } : undefined));
      written += 1;
    }
  })();
  return async () => {
    writing = false;
    await loop;
    return written;
  };
}

/**
 * The backup taken while `source` was written to holds every document untouched since the copy
 * started exactly as the store has it now, and for every other one a revision it went through;
 * nothing the store never had. Checks the seeded tombstone, conflict and picture bytes too.
 */
export async function expectConsistentCopy(source: ReplicaDb, file: string, pictureId: string): Promise<void> {
  const now = await everyDocument(source);
  const backup = await backupContents(file);
  const changed = await changedSince(source, backup.snapshotSeq);
  expect(changed.size).toBeGreaterThan(0);
  let unchanged = 0;
  for (const [id, leaves] of now) {
    if (changed.has(id)) continue;
    expect(backup.docs.get(id), id).toEqual(leaves);
    unchanged += 1;
  }
  expect(unchanged).toBeGreaterThan(0);
  for (const [id, leaves] of backup.docs) {
    const current = now.get(id);
    expect(current, `${id} is in the backup but not in the store`).toBeDefined();
    const history = historyOf(current ?? []);
    for (const leaf of leaves) expect(history.has(leaf._rev), `${id} ${leaf._rev}`).toBe(true);
  }
  // Documents that existed at the start and were written during the copy are in it too.
  expect([...changed].filter((id) => id.startsWith('test:filler-')).length).toBeGreaterThan(0);
  for (let i = 0; i < FILLERS; i++) expect(backup.docs.has(`test:filler-${i}`), `test:filler-${i}`).toBe(true);
  expect(backup.docs.get('test:gone')).toEqual([expect.objectContaining({ _deleted: true })]);
  expect(backup.docs.get('test:conflicted')?.map((l) => l.side)).toEqual(['a', 'b']);
  const picture = backup.docs.get(pictureId)?.[0];
  const bytes = Buffer.from(String(picture?._attachments?.file?.data), 'base64');
  expect(createHash('sha256').update(bytes).digest('hex')).toBe(picture?.sha256);
  expect(bytes.equals(PNG)).toBe(true);
  expect(Object.keys(picture?._attachments ?? {}).sort()).toEqual(['file', 'thumbnail']);
}

/** The restored store holds the backup's documents, all and only them, as the backup has them. */
export async function expectRestored(restored: ReplicaDb, file: string): Promise<void> {
  const { docs } = await backupContents(file);
  const found = await everyDocument(restored);
  expect([...found.keys()].sort()).toEqual([...docs.keys()].sort());
  for (const [id, leaves] of docs) expect(withoutRevpos(found.get(id)), id).toEqual(withoutRevpos(leaves));
}

/** The running test server's own embedded database (never closed here), as its backup route reads it. */
export function runningReplica(server: TestServer): ReplicaDb {
  // Under the server's wrappers (cache, group commit…, each a DelegatingStore): the store it opened.
  let store: unknown = server.store;
  while (typeof store === 'object' && store !== null && 'inner' in store) store = (store as { inner: unknown }).inner;
  return embeddedReplicaOf(store);
}
