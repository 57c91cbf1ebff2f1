import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, failure } from '../src/backup/cli.js';
import { writeBackup } from '../src/backup/dump.js';
import type { LeafRevision } from '../src/backup/format.js';
import { PartialRestoreError, restoreBackup } from '../src/backup/load.js';
import { openReplica, type ReplicaDb } from '../src/backup/replica.js';
import { backupContents, everyDocument, withoutRevpos } from './backupRig.js';

/**
 * R-OPS-04: a backup and a restore hold a bounded amount of attachment data at a time (media go up
 * to 100 MB each), and a restore that stops part-way says what it knows of the target, no more.
 */
const BUDGET = 64_000;
const work = mkdtempSync(path.join(tmpdir(), 'atende-backup-limits-'));
const file = path.join(work, 'limits.ndjson.gz');
let source: ReplicaDb;

const rev = (n: number, id: string) => ({ _rev: `${n}-${id}`, _revisions: { start: n, ids: [id] } });
const attached = (bytes: number) => ({ file: { content_type: 'application/octet-stream', data: randomBytes(bytes).toString('base64') } });
const dataBytes = (leaves: LeafRevision[]) =>
  leaves.reduce((n, leaf) => n + Object.values(leaf._attachments ?? {}).reduce((m, a) => m + (a.data ? Buffer.from(a.data, 'base64').length : 0), 0), 0);

interface Call { docs: number; bytes: number }

/** `db` with every `_bulk_get` (with or without bodies) and `_bulk_docs` recorded: documents and attachment bytes. */
function recorded(db: ReplicaDb, bulkDocs: ReplicaDb['bulkDocs'] = (docs, options) => db.bulkDocs(docs, options)) {
  const stubReads: Call[] = [];
  const bodyReads: Call[] = [];
  const writes: Call[] = [];
  const wrapped: ReplicaDb = {
    info: () => db.info(),
    changes: (options) => db.changes(options),
    get: (id, options) => db.get(id, options),
    close: () => db.close(),
    bulkGet: async (options) => {
      const answer = await db.bulkGet(options);
      const leaves = answer.results.flatMap((r) => r.docs.flatMap((d) => ('ok' in d ? [d.ok] : [])));
      (options.attachments ? bodyReads : stubReads).push({ docs: new Set(options.docs.map((d) => d.id)).size, bytes: dataBytes(leaves) });
      return answer;
    },
    bulkDocs: (docs, options) => {
      writes.push({ docs: new Set(docs.map((d) => d._id)).size, bytes: dataBytes(docs) });
      return bulkDocs(docs, options);
    },
  };
  return { db: wrapped, stubReads, bodyReads, writes };
}

/** Each call stays within the budget, unless it carries one document alone. */
const bounded = (calls: Call[]) => calls.filter((c) => c.bytes > BUDGET && c.docs > 1);

beforeAll(async () => {
  source = (await openReplica({ driver: 'embedded', dataDir: path.join(work, 'source') }, { create: true })).db;
  const docs: LeafRevision[] = [
    // Each over the budget: read and written alone.
    ...Array.from({ length: 4 }, (_, i) => ({ _id: `big-${i}`, ...rev(1, `b${i}`), _attachments: attached(100_000) })),
    // Several fit one read.
    ...Array.from({ length: 8 }, (_, i) => ({ _id: `small-${i}`, ...rev(1, `s${i}`), _attachments: attached(10_000) })),
    // Two open revisions, 80 kB together.
    { _id: 'two', ...rev(2, 'aaaa'), _revisions: { start: 2, ids: ['aaaa', 'root'] }, side: 'a', _attachments: attached(40_000) },
    { _id: 'two', ...rev(2, 'bbbb'), _revisions: { start: 2, ids: ['bbbb', 'root'] }, side: 'b', _attachments: attached(40_000) },
    ...Array.from({ length: 30 }, (_, i) => ({ _id: `plain-${i}`, ...rev(1, `p${i}`), n: i })),
  ];
  const results = await source.bulkDocs(docs, { new_edits: false });
  expect(results.filter((r) => r.error)).toEqual([]);
  const spy = recorded(source);
  await writeBackup(spy.db, createWriteStream(file), { driver: 'embedded', attachmentBudget: BUDGET });
  // The page itself is read with stubs only; the bodies in reads bounded by the budget.
  expect(spy.stubReads.length).toBeGreaterThan(0);
  expect(spy.stubReads.every((c) => c.bytes === 0)).toBe(true);
  expect(bounded(spy.bodyReads)).toEqual([]);
  expect(spy.bodyReads.filter((c) => c.bytes > BUDGET)).toHaveLength(5);
  // Small ones share a read: the budget groups, it does not read one document per request.
  expect(spy.bodyReads.some((c) => c.docs > 1)).toBe(true);
}, 60_000);

afterAll(async () => {
  await source.close();
  rmSync(work, { recursive: true, force: true });
});

describe('R-OPS-04 bounded backups', () => {
  it('R-OPS-04 attachments bigger than the page budget are read and restored a bounded batch at a time, byte for byte', async () => {
    const target = await openReplica({ driver: 'embedded', dataDir: path.join(work, 'target') }, { create: true });
    try {
      const spy = recorded(target.db);
      const result = await restoreBackup(file, spy.db, { attachmentBudget: BUDGET });
      expect(result.written).toBe(43);
      expect(bounded(spy.writes)).toEqual([]);
      expect(spy.writes.length).toBeGreaterThan(5);
      const before = await everyDocument(source);
      const after = await everyDocument(target.db);
      expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
      for (const [id, leaves] of before) expect(withoutRevpos(after.get(id)), id).toEqual(withoutRevpos(leaves));
      const { docs } = await backupContents(file);
      for (const [id, leaves] of before) expect(withoutRevpos(docs.get(id)), id).toEqual(withoutRevpos(leaves));
      expect(dataBytes(after.get('big-0') ?? [])).toBe(100_000);
    } finally {
      await target.db.close();
    }
  });

  it('R-OPS-04 a store that refuses some documents of a batch: the error counts the ones written, and the target holds exactly those', async () => {
    const target = await openReplica({ driver: 'embedded', dataDir: path.join(work, 'refusing') }, { create: true });
    const refuse = new Set(['plain-3', 'small-5']);
    // Writes the rest of the batch, as CouchDB does, and answers an error for each refused one.
    const spy = recorded(target.db, async (docs, options) => {
      const kept = await target.db.bulkDocs(docs.filter((d) => !refuse.has(d._id)), options);
      return [...kept, ...[...refuse].filter((id) => docs.some((d) => d._id === id)).map((id) => ({ id, error: 'forbidden', reason: 'disk quota' }))];
    });
    try {
      const error = await restoreBackup(file, spy.db, { attachmentBudget: BUDGET }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PartialRestoreError);
      const partial = error as PartialRestoreError;
      const held = await target.db.changes({ since: 0, limit: 1000, style: 'all_docs' });
      const ids = held.results.map((r) => r.id);
      expect(ids.some((id) => refuse.has(id))).toBe(false);
      // Not "the whole batch failed": every document written is counted, and only those.
      expect(partial.written).toBe(held.results.length);
      expect(partial.written).toBeGreaterThan(0);
      expect(partial.unsure).toBe(0);
      expect(partial.message).toMatch(new RegExp(`^restore stopped after writing ${held.results.length} of 43 documents \\(the store refused documents\\); [12] refused, perhaps in part \\((plain-3|small-5): disk quota`));
      expect(failure(error, () => {})).toBe(EXIT.partial);
    } finally {
      await target.db.close();
    }
  });
});
