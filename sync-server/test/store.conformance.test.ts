import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeRow, DocStore, Feed, Selector, StoredDoc, WriteResult } from '../src/store/types.js';
import { START_SEQ, StoreError } from '../src/store/types.js';
import { updateDoc } from '../src/store/update.js';
import { couchDriver, embeddedDriver, hasCouch, type Opened } from './storeDrivers.js';

/**
 * One conformance suite for every `DocStore` driver (ARCHITECTURE §5, issue 2 point 3 "Store
 * drivers"). Each test gets a fresh, empty database from `open`. Sequences are only ever passed
 * back to the store, never parsed or compared, so the suite holds for clustered CouchDB too.
 */

const WAIT_MS = 5_000;

/** Polls `check` until it holds; fails after a bounded wait instead of hanging the suite. */
async function waitFor(check: () => boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function okRev(result: WriteResult | undefined): string {
  if (!result?.ok) throw new Error(`write failed: ${JSON.stringify(result)}`);
  return result.rev;
}

async function put(store: DocStore, doc: StoredDoc): Promise<string> {
  const [result] = await store.bulkWrite([doc]);
  return okRev(result);
}

async function mustGet(store: DocStore, id: string): Promise<StoredDoc> {
  const doc = await store.get(id);
  if (!doc) throw new Error(`${id} is missing`);
  return doc;
}

/** Reads the whole feed and returns where it ends: the sequence to pass back later. */
async function headSeq(store: DocStore): Promise<string> {
  let since = START_SEQ;
  for (let page = 0; page < 1_000; page++) {
    const { results, lastSeq } = await store.changes({ since, limit: 100 });
    since = lastSeq;
    if (results.length < 100) return since;
  }
  throw new Error('the changes feed never ended');
}

/** Pages through `changes` with a small limit, passing `lastSeq` back until a page is short. */
async function pageChanges(store: DocStore, since: string, selector: Selector | undefined, limit: number) {
  const rows: ChangeRow[] = [];
  let pages = 0;
  for (;;) {
    if (++pages > 100) throw new Error('paging never produced a short page');
    const page = await store.changes(selector ? { since, limit, selector } : { since, limit });
    expect(page.results.length).toBeLessThanOrEqual(limit);
    expect(typeof page.lastSeq).toBe('string');
    rows.push(...page.results);
    since = page.lastSeq;
    if (page.results.length < limit) return { rows, lastSeq: since, pages };
  }
}

/** A revision hash as CouchDB makes them (32 hex digits), derived from a label. */
const hash = (label: string) => createHash('md5').update(label).digest('hex');

/**
 * Two nodes' edits of one document, as replication delivers them: a common first revision,
 * then two second revisions written with `newEdits: false`. Returns the two revisions, `a` < `b`.
 */
async function branch(store: DocStore, id: string, a: Omit<StoredDoc, '_id'>, b: Omit<StoredDoc, '_id'>) {
  const base = await put(store, { _id: id, ...a });
  const baseHash = base.slice(base.indexOf('-') + 1);
  const [ha, hb] = [hash(`${id}-a`), hash(`${id}-b`)].sort();
  if (!ha || !hb) throw new Error('unreachable');
  const results = await store.bulkWrite(
    [
      { ...a, _id: id, _rev: `2-${ha}`, _revisions: { start: 2, ids: [ha, baseHash] } },
      { ...b, _id: id, _rev: `2-${hb}`, _revisions: { start: 2, ids: [hb, baseHash] } },
    ],
    { newEdits: false },
  );
  expect(results.every((r) => r.ok)).toBe(true);
  return { a: `2-${ha}`, b: `2-${hb}` };
}

interface Recorder {
  rows: ChangeRow[];
  errors: Error[];
  feed: Feed;
  ids(): string[];
}

function record(store: DocStore, since: string, selector?: Selector, conflicts = false): Recorder {
  const rows: ChangeRow[] = [];
  const errors: Error[] = [];
  const feed = store.follow({
    since,
    ...(selector ? { selector } : {}),
    ...(conflicts ? { conflicts } : {}),
    onChange: (row) => rows.push(row),
    onError: (error) => errors.push(error),
  });
  return { rows, errors, feed, ids: () => rows.map((row) => row.id) };
}

/**
 * A feed from 'now' starts at some moment after `follow` returns. Writes matching probes until
 * one arrives, so later writes are certainly after the feed's start.
 */
async function untilLive(store: DocStore, recorder: Recorder, probe: Omit<StoredDoc, '_id'>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  for (let i = 0; Date.now() < deadline; i++) {
    await put(store, { ...probe, _id: `probe-${i}` });
    try {
      await waitFor(() => recorder.ids().some((id) => id.startsWith('probe-')), 'a probe', 250);
      return;
    } catch {
      /* not live yet: write another probe */
    }
  }
  throw new Error(`the live feed delivered no probe within ${WAIT_MS} ms`);
}

function conformance(name: string, open: () => Promise<Opened>): void {
  describe(`ARCHITECTURE §5 store conformance: ${name}`, () => {
    let opened: Opened;
    let store: DocStore;

    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });
    afterEach(async () => {
      await opened.cleanup();
    });

    it('store: create gives a _rev, an update with it a new _rev, a stale _rev conflicts (ARCHITECTURE §5 revisions)', async () => {
      expect(await store.get('doc-1')).toBeUndefined();

      const rev1 = await put(store, { _id: 'doc-1', title: 'first' });
      expect(typeof rev1).toBe('string');
      expect(await store.get('doc-1')).toMatchObject({ _id: 'doc-1', _rev: rev1, title: 'first' });

      const rev2 = await put(store, { _id: 'doc-1', _rev: rev1, title: 'second' });
      expect(rev2).not.toBe(rev1);
      expect(await store.get('doc-1')).toMatchObject({ _rev: rev2, title: 'second' });

      const [stale] = await store.bulkWrite([{ _id: 'doc-1', _rev: rev1, title: 'lost update' }]);
      expect(stale).toMatchObject({ id: 'doc-1', ok: false, error: 'conflict' });
      const [blind] = await store.bulkWrite([{ _id: 'doc-1', title: 'create over an existing doc' }]);
      expect(blind).toMatchObject({ id: 'doc-1', ok: false, error: 'conflict' });

      expect(await store.get('doc-1')).toMatchObject({ _rev: rev2, title: 'second' });
    });

    it('store: a stale _rev conflicts only that document in a bulk write (issue 2 point 3, 409 per document)', async () => {
      const revA = await put(store, { _id: 'a', v: 1 });
      const revB1 = await put(store, { _id: 'b', v: 1 });
      const revB2 = await put(store, { _id: 'b', _rev: revB1, v: 2 });
      const revC = await put(store, { _id: 'c', v: 1 });

      const results = await store.bulkWrite([
        { _id: 'a', _rev: revA, v: 2 },
        { _id: 'b', _rev: revB1, v: 99 },
        { _id: 'd', v: 1 },
        { _id: 'c', v: 99 },
        { _id: 'e', v: 1 },
      ]);

      expect(results.map((r) => [r.id, r.ok])).toEqual([
        ['a', true],
        ['b', false],
        ['d', true],
        ['c', false],
        ['e', true],
      ]);
      expect(results[1]).toMatchObject({ ok: false, error: 'conflict' });
      expect(results[3]).toMatchObject({ ok: false, error: 'conflict' });

      expect(await store.get('a')).toMatchObject({ _rev: okRev(results[0]), v: 2 });
      expect(await store.get('d')).toMatchObject({ _rev: okRev(results[2]), v: 1 });
      expect(await store.get('e')).toMatchObject({ _rev: okRev(results[4]), v: 1 });
      expect(await store.get('b')).toMatchObject({ _rev: revB2, v: 2 });
      expect(await store.get('c')).toMatchObject({ _rev: revC, v: 1 });
    });

    it('store: find by selector with an index, sort, skip and limit (ARCHITECTURE §5 selector queries)', async () => {
      await store.ensureIndex('by-kind-rank', ['kind', 'rank']);
      await store.ensureIndex('by-kind-rank', ['kind', 'rank']); // idempotent, as every start-up calls it
      const ranks = [5, 1, 4, 2, 3, 6];
      await store.bulkWrite([
        ...ranks.map((rank) => ({ _id: `ticket-${rank}`, kind: 'ticket', rank })),
        ...[1, 2, 3].map((rank) => ({ _id: `note-${rank}`, kind: 'note', rank })),
      ]);

      const ascending = await store.find({
        selector: { kind: 'ticket', rank: { $gte: 2 } },
        sort: [{ kind: 'asc' }, { rank: 'asc' }],
        limit: 3,
      });
      expect(ascending.map((d) => d._id)).toEqual(['ticket-2', 'ticket-3', 'ticket-4']);

      const skipped = await store.find({
        selector: { kind: 'ticket', rank: { $gte: 2 } },
        sort: [{ kind: 'asc' }, { rank: 'asc' }],
        skip: 1,
        limit: 2,
        useIndex: 'by-kind-rank',
      });
      expect(skipped.map((d) => d._id)).toEqual(['ticket-3', 'ticket-4']);

      const descending = await store.find({
        selector: { kind: 'ticket', rank: { $gt: 0 } },
        sort: [{ kind: 'desc' }, { rank: 'desc' }],
        limit: 2,
      });
      expect(descending.map((d) => d._id)).toEqual(['ticket-6', 'ticket-5']);

      const notes = await store.find({ selector: { kind: 'note' }, limit: 100 });
      expect(notes.map((d) => d._id).sort()).toEqual(['note-1', 'note-2', 'note-3']);
      expect(notes.every((d) => typeof d._rev === 'string')).toBe(true);

      const gone = await mustGet(store, 'ticket-6');
      await put(store, { ...gone, _deleted: true });
      const afterDelete = await store.find({
        selector: { kind: 'ticket', rank: { $gt: 0 } },
        sort: [{ kind: 'desc' }, { rank: 'desc' }],
        limit: 2,
      });
      expect(afterDelete.map((d) => d._id)).toEqual(['ticket-5', 'ticket-4']);
    });

    it('store: changes since START_SEQ with a selector, paged by passing lastSeq back (ARCHITECTURE §5 changes)', async () => {
      const wanted: string[] = [];
      const unwanted: string[] = [];
      for (let i = 0; i < 20; i++) {
        const kind = i % 3 === 0 ? 'other' : 'ticket';
        const id = `${kind}-${String(i).padStart(2, '0')}`;
        (kind === 'ticket' ? wanted : unwanted).push(id);
        await put(store, { _id: id, kind, i });
      }
      // An update of a matching doc still shows it once, with its latest revision.
      const updated = await mustGet(store, 'ticket-01');
      const latest = await put(store, { ...updated, note: 'edited' });

      const { rows, lastSeq, pages } = await pageChanges(store, START_SEQ, { kind: 'ticket' }, 4);
      expect(pages).toBeGreaterThan(1);
      const ids = rows.map((r) => r.id);
      expect([...ids].sort()).toEqual([...wanted].sort());
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.filter((id) => unwanted.includes(id))).toEqual([]);
      expect(rows.every((r) => r.deleted === false && r.doc._id === r.id && r.doc.kind === 'ticket')).toBe(true);
      expect(rows.find((r) => r.id === 'ticket-01')?.doc).toMatchObject({ _rev: latest, note: 'edited' });

      // Caught up: the last sequence handed back yields nothing new, until something is written.
      expect((await store.changes({ since: lastSeq, limit: 4, selector: { kind: 'ticket' } })).results).toEqual([]);
      await put(store, { _id: 'other-late', kind: 'other' });
      await put(store, { _id: 'ticket-late', kind: 'ticket' });
      const next = await pageChanges(store, lastSeq, { kind: 'ticket' }, 4);
      expect(next.rows.map((r) => r.id)).toEqual(['ticket-late']);
    });

    it('store: sequences are opaque strings, only ever passed back as since; a row\'s sequence resumes after the rows emitted before it in that read (issue 2 point 3, ARCHITECTURE §5 sharded feed)', async () => {
      await put(store, { _id: 'first', kind: 'ticket' });
      await put(store, { _id: 'second', kind: 'ticket' });
      await put(store, { _id: 'third', kind: 'ticket' });

      const page = await store.changes({ since: START_SEQ, limit: 10 });
      expect(typeof page.lastSeq).toBe('string');
      expect(page.lastSeq.length).toBeGreaterThan(0);
      for (const row of page.results) {
        expect(typeof row.seq).toBe('string');
        expect(row.seq.length).toBeGreaterThan(0);
      }

      // A row's own sequence, handed back verbatim, resumes after the rows already emitted in
      // that read — on a sharded CouchDB not write order, so which rows those are depends on
      // where the row was: every row emitted after it must come again, the rows before may not.
      expect(page.results.map((r) => r.id).sort()).toEqual(['first', 'second', 'third']);
      for (const [index, row] of page.results.entries()) {
        const resumed = await store.changes({ since: row.seq, limit: 10 });
        const later = page.results.slice(index + 1).map((r) => r.id);
        expect(resumed.results.map((r) => r.id)).toEqual(expect.arrayContaining(later));
      }

      // The page's lastSeq, handed back verbatim, is the end of the feed.
      expect((await store.changes({ since: page.lastSeq, limit: 10 })).results).toEqual([]);
    });

    it('store: a deletion appears in changes with deleted=true and keeps its body (ARCHITECTURE §5 changes)', async () => {
      const rev = await put(store, { _id: 'conv-1', kind: 'ticket', teamId: 'team:x' });
      await put(store, { _id: 'conv-2', kind: 'ticket', teamId: 'team:x' });
      const before = await headSeq(store);

      await put(store, { _id: 'conv-1', _rev: rev, kind: 'ticket', teamId: 'team:x', _deleted: true });
      expect(await store.get('conv-1')).toBeUndefined();

      const since = await pageChanges(store, before, { kind: 'ticket' }, 10);
      expect(since.rows).toHaveLength(1);
      expect(since.rows[0]).toMatchObject({ id: 'conv-1', deleted: true });
      expect(since.rows[0]?.doc).toMatchObject({ _id: 'conv-1', _deleted: true, kind: 'ticket', teamId: 'team:x' });

      const all = await pageChanges(store, START_SEQ, { kind: 'ticket' }, 10);
      expect(all.rows.map((r) => [r.id, r.deleted])).toEqual(
        expect.arrayContaining([
          ['conv-1', true],
          ['conv-2', false],
        ]),
      );
      expect(all.rows).toHaveLength(2);
    });

    it("store: follow('now') delivers later matching writes only, and stop() ends it (ARCHITECTURE §5 live follow)", async () => {
      const live = record(store, 'now', { kind: 'ticket' });
      try {
        await untilLive(store, live, { kind: 'ticket' });

        await put(store, { _id: 'skip-me', kind: 'other' });
        const rev = await put(store, { _id: 'take-me', kind: 'ticket' });
        await waitFor(() => live.ids().includes('take-me'), 'take-me on the live feed');
        await put(store, { _id: 'take-me', _rev: rev, kind: 'ticket', v: 2 });
        await waitFor(() => live.rows.some((r) => r.id === 'take-me' && r.doc.v === 2), 'the update of take-me');

        // Not proof by order (a sharded feed need not deliver skip-me before take-me): it is
        // checked again at the end, after a control feed has seen a later write.
        expect(live.ids()).not.toContain('skip-me');
        expect(live.rows.every((r) => r.doc.kind === 'ticket')).toBe(true);
        expect(live.errors).toEqual([]);

        live.feed.stop();
        const takeMe = live.rows.find((r) => r.id === 'take-me');
        if (!takeMe) throw new Error('unreachable');
        const countAtStop = live.rows.length;
        await put(store, { _id: 'after-stop', kind: 'ticket' });
        // A second feed replays from before that write; once it has the write, the stopped one would too.
        const control = record(store, takeMe.seq, { kind: 'ticket' });
        try {
          await waitFor(() => control.ids().includes('after-stop'), 'after-stop on the control feed');
        } finally {
          control.feed.stop();
        }
        expect(live.ids()).not.toContain('after-stop');
        expect(live.ids()).not.toContain('skip-me');
        expect(live.rows).toHaveLength(countAtStop);
      } finally {
        live.feed.stop();
      }
    });

    it('store: follow from a past sequence replays, then keeps delivering, in no assumed cross-document order (ARCHITECTURE §5 live follow, sharded feed)', async () => {
      await put(store, { _id: 'early', kind: 'ticket' });
      const mark = await headSeq(store);
      await put(store, { _id: 'r-1', kind: 'ticket' });
      await put(store, { _id: 'r-x', kind: 'other' });
      await put(store, { _id: 'r-2', kind: 'ticket' });

      const replay = record(store, mark, { kind: 'ticket' });
      // Compared as sets: a sharded feed delivers r-1 and r-2 in either order.
      const seen = () => [...new Set(replay.ids())].sort();
      try {
        await waitFor(() => ['r-1', 'r-2'].every((id) => replay.ids().includes(id)), 'the replay of r-1 and r-2');
        expect(seen()).toEqual(['r-1', 'r-2']);

        await put(store, { _id: 'r-3', kind: 'ticket' });
        await waitFor(() => replay.ids().includes('r-3'), 'r-3 after the replay');
        expect(seen()).toEqual(['r-1', 'r-2', 'r-3']);
        expect(replay.errors).toEqual([]);
      } finally {
        replay.feed.stop();
      }
    });

    it('store: attachments round-trip binary data and content type; a missing one is undefined (ARCHITECTURE §5 attachments)', async () => {
      const rev = await put(store, { _id: 'msg-1', kind: 'message', text: 'photo' });
      // Every byte value, including ones that are never valid UTF-8 (0x80 alone, 0xc3 0x28, 0xff).
      const bytes = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x00])]);

      const rev2 = await store.putAttachment('msg-1', rev, 'photo.png', { data: bytes, contentType: 'image/png' });
      expect(rev2).not.toBe(rev);
      expect(await store.get('msg-1')).toMatchObject({ _rev: rev2, kind: 'message', text: 'photo' });

      const got = await store.getAttachment('msg-1', 'photo.png');
      if (!got) throw new Error('attachment missing after put');
      expect(Buffer.isBuffer(got.data)).toBe(true);
      expect(got.data.equals(bytes)).toBe(true);
      expect(got.contentType).toBe('image/png');

      // A text attachment comes back as the same bytes too (Latin-1 'ç' and 'ã' are not UTF-8), and a
      // name with a space, '#', '?' and non-ASCII letters is a name, not part of a URL.
      const latin1 = Buffer.from('Nota fiscal: ação, preço R$ 10', 'latin1');
      const noteName = 'nota fiscal #1? ção.txt';
      const rev3 = await store.putAttachment('msg-1', rev2, noteName, { data: latin1, contentType: 'text/plain' });
      const note = await store.getAttachment('msg-1', noteName);
      if (!note) throw new Error('text attachment missing after put');
      expect(Buffer.isBuffer(note.data)).toBe(true);
      expect(note.data.equals(latin1)).toBe(true);
      expect(note.contentType).toMatch(/^text\/plain/);
      expect(await store.get('msg-1')).toMatchObject({ _rev: rev3 });
      expect((await store.getAttachment('msg-1', 'photo.png'))?.data.equals(bytes)).toBe(true);

      expect(await store.getAttachment('msg-1', 'other.png')).toBeUndefined();
      expect(await store.getAttachment('no-such-doc', 'photo.png')).toBeUndefined();

      const stale = store.putAttachment('msg-1', rev, 'late.png', { data: bytes, contentType: 'image/png' });
      await expect(stale).rejects.toBeInstanceOf(StoreError);
      await expect(stale).rejects.toMatchObject({ status: 409 });
      expect(await store.getAttachment('msg-1', 'late.png')).toBeUndefined();
    });

    it('store: updateDoc under 20 concurrent increments of one counter ends at exactly 20 (ARCHITECTURE §5 revisions)', async () => {
      interface Counter extends StoredDoc {
        n: number;
      }
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          updateDoc<Counter>(store, 'counter', (current) => ({ ...(current ?? { _id: 'counter' }), n: (current?.n ?? 0) + 1 })),
        ),
      );
      expect(results.every((r) => r.written)).toBe(true);
      expect((await mustGet(store, 'counter')).n).toBe(20);
      expect(results.map((r) => r.doc?.n).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));

      const untouched = await updateDoc<Counter>(store, 'counter', () => undefined);
      expect(untouched).toMatchObject({ written: false, doc: { n: 20 } });
    });

    it('store: replicated writes (newEdits: false) make conflicting revisions; getWithConflicts and conflictedIds show them (ARCHITECTURE §5 conflicts, R-OPS-01)', async () => {
      await put(store, { _id: 'plain', kind: 'ticket' });
      const revs: Record<string, { a: string; b: string }> = {};
      for (const id of ['conv-c1', 'conv-c2', 'conv-c3']) {
        revs[id] = await branch(store, id, { status: 'active' }, { status: 'finished' });
      }
      const c1 = revs['conv-c1'];
      if (!c1) throw new Error('unreachable');

      // CouchDB's winner among equally long branches is the greater revision id.
      expect(await store.get('conv-c1')).toMatchObject({ _rev: c1.b, status: 'finished' });
      expect(await store.get('conv-c1', { fresh: true })).toMatchObject({ _rev: c1.b });
      const found = await store.getWithConflicts('conv-c1');
      expect(found?.doc).toMatchObject({ _id: 'conv-c1', _rev: c1.b, status: 'finished' });
      expect(found?.doc._conflicts).toBeUndefined();
      expect(found?.conflicts).toEqual([expect.objectContaining({ _id: 'conv-c1', _rev: c1.a, status: 'active' })]);
      expect(await store.getWithConflicts('plain')).toMatchObject({ doc: { _id: 'plain' }, conflicts: [] });
      expect(await store.getWithConflicts('no-such-doc')).toBeUndefined();

      expect(await store.conflictedIds({ limit: 10 })).toEqual(['conv-c1', 'conv-c2', 'conv-c3']);
      expect(await store.conflictedIds({ limit: 2 })).toEqual(['conv-c1', 'conv-c2']);
      expect(await store.conflictedIds({ limit: 2, after: 'conv-c2' })).toEqual(['conv-c3']);

      // Deleting the losing leaf resolves the conflict; a stale delete of it then conflicts.
      const [resolved] = await store.bulkWrite([{ _id: 'conv-c1', _rev: c1.a, _deleted: true }]);
      expect(resolved).toMatchObject({ id: 'conv-c1', ok: true });
      expect(await store.getWithConflicts('conv-c1')).toMatchObject({ doc: { _rev: c1.b }, conflicts: [] });
      expect(await store.conflictedIds({ limit: 10 })).toEqual(['conv-c2', 'conv-c3']);
      expect(await store.conflictedIds({ limit: 10, after: 'conv-c1' })).toEqual(['conv-c2', 'conv-c3']);
    });

    it('store: a replicated write stores the given revision, and follow({ conflicts: true }) shows _conflicts (ARCHITECTURE §5 conflicts, R-OPS-01)', async () => {
      const mark = await headSeq(store);
      const live = record(store, mark, undefined, true);
      try {
        const rev = `1-${hash('x')}`;
        const [written] = await store.bulkWrite([{ _id: 'replicated', _rev: rev, v: 1 }], { newEdits: false });
        expect(written).toEqual({ id: 'replicated', ok: true, rev });
        // The same revision again changes nothing and is no error: replication is idempotent.
        expect(await store.bulkWrite([{ _id: 'replicated', _rev: rev, v: 1 }], { newEdits: false })).toEqual([written]);
        expect(await store.get('replicated')).toMatchObject({ _rev: rev, v: 1 });

        const { a, b } = await branch(store, 'conv-live', { status: 'active' }, { status: 'finished' });
        await waitFor(() => live.rows.some((r) => r.id === 'conv-live' && Array.isArray(r.doc._conflicts)), 'a row with _conflicts');
        const row = live.rows.findLast((r) => r.id === 'conv-live');
        expect(row?.doc).toMatchObject({ _rev: b, _conflicts: [a] });
        expect(live.errors).toEqual([]);
      } finally {
        live.feed.stop();
      }
    });

    it('store: after a restart (close, reopen the same data) documents, revisions and indexes remain, and changes resume from an earlier sequence (issue 2 point 3)', async () => {
      const { reopen } = opened;
      if (!reopen) throw new Error(`${name} gives no way to reopen its data`);
      await store.ensureIndex('by-kind-rank', ['kind', 'rank']);
      const revA = await put(store, { _id: 'a', kind: 'ticket', rank: 2 });
      const revB = await put(store, { _id: 'b', kind: 'ticket', rank: 1 });
      const beforeRestart = await headSeq(store);

      await store.close();
      await store.close(); // closing twice is harmless (the cleanup closes it a third time)
      const again = await reopen();

      expect(await again.get('a')).toMatchObject({ _rev: revA, rank: 2 });
      expect(await again.get('b')).toMatchObject({ _rev: revB, rank: 1 });
      const sorted = await again.find({ selector: { kind: 'ticket', rank: { $gt: 0 } }, sort: [{ kind: 'asc' }, { rank: 'asc' }], limit: 10 });
      expect(sorted.map((d) => d._id)).toEqual(['b', 'a']);

      // Revisions survived: the pre-restart rev still updates, and goes stale after.
      await put(again, { _id: 'a', _rev: revA, kind: 'ticket', rank: 3 });
      const [stale] = await again.bulkWrite([{ _id: 'a', _rev: revA, kind: 'ticket', rank: 4 }]);
      expect(stale).toMatchObject({ ok: false, error: 'conflict' });
      await put(again, { _id: 'c', kind: 'ticket', rank: 5 });

      const resumed = await pageChanges(again, beforeRestart, undefined, 2);
      expect(resumed.rows.map((r) => r.id).sort()).toEqual(['a', 'c']);
      expect(resumed.rows.find((r) => r.id === 'a')?.doc).toMatchObject({ rank: 3 });

      const replay = record(again, beforeRestart, { kind: 'ticket' });
      try {
        await waitFor(() => replay.ids().includes('c'), 'c replayed after the restart');
        expect(replay.ids().sort()).toEqual(['a', 'c']);
      } finally {
        replay.feed.stop();
      }
    });
  });
}

conformance(embeddedDriver.name, embeddedDriver.open);

describe.skipIf(!hasCouch)('CouchDB driver', () => { // requires a CouchDB server: set COUCHDB_URL
  conformance(couchDriver.name, couchDriver.open);
});
