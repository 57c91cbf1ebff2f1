import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../src/store/embedded.js';
import type { ChangeRow, DocStore, StoredDoc, ViewDesign } from '../src/store/types.js';
import { START_SEQ } from '../src/store/types.js';
import { findBytes } from './storeBytes.js';

/**
 * R-PRIV-03 / issue 19 point 1: after `purge` the embedded store's folder holds no byte of the
 * purged documents — id, fields, older revisions, conflicting revisions, attachments, Mango index
 * and view rows, a stale view's rows — in any file: LevelDB's write-ahead logs, tables, MANIFEST
 * and info logs, of the main LevelDB and every `-mrview-` one.
 *
 * The needles are uppercase G–Z without repeated letters, and the filler lowercase hex: LevelDB
 * compresses table blocks (Snappy), which can replace a repeated run with a back-reference, but
 * the first occurrence of a string in a block stays literal — so a leftover is always visible.
 * Each test first proves its needles ARE found before the purge.
 */

const GONE = {
  id: 'QWERTYUIOPGONE',
  name: 'Joãozinho PLMKJNHGVBSX', // non-ASCII on purpose
  oldText: 'ZXCVBNMLKJHGOLD',
  conflict: 'MNBVCXZLKJHGTRW',
  attachment: 'POIUYTRWQLKJHGFX',
  address: 'address:whatsapp:+5511987654321',
};
const KEPT_NAME = 'Kept HGFDSAZXCVBNM';

const NAMES_V1: ViewDesign = { name: 'bytes-names', views: { by_name: 'function (doc) { if (doc.name) emit(doc.name, doc.note || null); }' } };
const NAMES_V2: ViewDesign = { name: 'bytes-names', views: { by_name: 'function (doc) { if (doc.name) emit([doc.type, doc.name], null); }' } };

/** About 10 MB of lowercase hex in 40 documents: the memory table spills into tables on disk. */
function filler(): StoredDoc[] {
  return Array.from({ length: 40 }, (_, i) => ({ _id: `filler:${String(i).padStart(3, '0')}`, type: 'filler', blob: randomBytes(128 * 1024).toString('hex') }));
}

async function writeOk(store: DocStore, docs: StoredDoc[]): Promise<string[]> {
  const results = await store.bulkWrite(docs);
  return results.map((r) => {
    if (!r.ok) throw new Error(`write failed: ${JSON.stringify(r)}`);
    return r.rev;
  });
}

const needles = [GONE.id, 'PLMKJNHGVBSX', GONE.oldText, GONE.conflict, GONE.attachment, GONE.address];

describe('R-PRIV-03 issue 19: the embedded store keeps no byte of a purged document', () => {
  let dir: string;
  let store: EmbeddedStore;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'atende-purge-bytes-'));
    store = new EmbeddedStore(dir);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('R-PRIV-03 issue 19: id, fields, old and conflicting revisions, attachments, index and view rows (a stale view too) leave every file; the rest survives a restart', async () => {
    await store.ensureIndex('bytes-by-name', ['name']);
    await store.ensureView(NAMES_V1);
    const id = `contact:${GONE.id}`;
    const [rev1] = await writeOk(store, [
      { _id: id, type: 'contact', name: GONE.name, note: GONE.oldText, changedAt: 1 },
      { _id: GONE.address, type: 'address', contactId: id },
      { _id: 'contact:kept', type: 'contact', name: KEPT_NAME, changedAt: 2 },
    ]);
    const rev2 = await store.putAttachment(id, rev1 ?? '', 'photo.jpg', { data: Buffer.from(`jpeg ${GONE.attachment} bytes`), contentType: 'image/jpeg' });
    // A conflicting branch, then a newer winning revision without the old text.
    const hash = (rev: string) => rev.split('-')[1] ?? '';
    await store.bulkWrite([{ _id: id, _rev: '3-c0c0', _revisions: { start: 3, ids: ['c0c0', hash(rev2), hash(rev1 ?? '')] }, type: 'contact', name: GONE.conflict }], { newEdits: false });
    await store.warmIndexes();
    // The view's definition changes: its old LevelDB (with the rows above) stays on disk, unused.
    await store.ensureView(NAMES_V2);
    await writeOk(store, filler());
    await store.warmIndexes();

    const before = await findBytes(dir, needles);
    expect(new Set(before.map((hit) => hit.needle))).toEqual(new Set(needles));
    expect(before.some((hit) => hit.file.endsWith('.ldb'))).toBe(true);
    const viewFolders = readdirSync(dir).filter((name) => name.includes('-mrview-'));
    expect(viewFolders.length).toBeGreaterThanOrEqual(4); // sync index, Mango index, the view's two definitions

    expect(await store.purge([id, GONE.address])).toBe(2);

    expect(await findBytes(dir, needles)).toEqual([]);
    expect((await findBytes(dir, [KEPT_NAME])).length).toBeGreaterThan(0);

    await store.close();
    store = new EmbeddedStore(dir);
    expect((await store.get('contact:kept'))?.name).toBe(KEPT_NAME);
    expect(await store.get(id)).toBeUndefined();
    const { results } = await store.changes({ since: START_SEQ, limit: 1000 });
    expect(results.map((row) => row.id)).not.toContain(id);
    expect(results.filter((row) => row.id.startsWith('filler:'))).toHaveLength(40);
    expect((await store.find({ selector: { name: { $gt: '' } }, limit: 10 })).map((d) => d._id)).toEqual(['contact:kept']);
    const rows = await store.queryView(NAMES_V2, { view: 'by_name', startkey: ['contact'], endkey: ['contact', {}], limit: 10 });
    expect(rows.map((row) => row.id)).toEqual(['contact:kept']);
    expect(await findBytes(dir, needles)).toEqual([]);
  });

  it('R-PRIV-03 issue 19: writes during a purge all land and a live follow delivers each of them once, before and after the LevelDBs reopen', async () => {
    await writeOk(store, [{ _id: `contact:${GONE.id}`, type: 'contact', name: GONE.name }]);
    const rows: ChangeRow[] = [];
    const feed = store.follow({ since: 'now', onChange: (row) => rows.push(row) });
    try {
      const writes = Array.from({ length: 30 }, (_, i) => writeOk(store, [{ _id: `message:${i}`, type: 'message', text: `m${i}` }]));
      const purged = store.purge([`contact:${GONE.id}`]);
      const more = Array.from({ length: 30 }, (_, i) => writeOk(store, [{ _id: `message:late-${i}`, type: 'message', text: `l${i}` }]));
      await Promise.all([...writes, ...more]);
      expect(await purged).toBe(1);
      const messages = () => rows.filter((row) => row.id.startsWith('message:'));
      const deadline = Date.now() + 5_000;
      while (messages().length < 60 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(new Set(messages().map((row) => row.id)).size).toBe(60);
      expect(messages()).toHaveLength(60);
      expect(await findBytes(dir, [GONE.id, 'PLMKJNHGVBSX'])).toEqual([]);
    } finally {
      feed.stop();
    }
  });
});
