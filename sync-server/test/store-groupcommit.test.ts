import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DelegatingStore } from '../src/store/delegate.js';
import { EmbeddedStore } from '../src/store/embedded.js';
import { withGroupCommit } from '../src/store/groupCommit.js';
import type { DocStore, StoredDoc, WriteOptions, WriteResult } from '../src/store/types.js';

/** Records every underlying bulk write (its ids); fails one whose documents carry `poison`. */
class CountingStore extends DelegatingStore {
  readonly writes: string[][] = [];

  override bulkWrite(docs: StoredDoc[], options?: WriteOptions): Promise<WriteResult[]> {
    this.writes.push(docs.map((d) => d._id));
    if (docs.some((d) => d.poison)) return Promise.reject(new Error('store unavailable'));
    return this.inner.bulkWrite(docs, options);
  }
}

const dirs: string[] = [];
const stores: DocStore[] = [];

function openEmbedded(): EmbeddedStore {
  const dir = mkdtempSync(path.join(tmpdir(), 'atende-groupcommit-'));
  dirs.push(dir);
  const store = new EmbeddedStore(dir);
  stores.push(store);
  return store;
}

function grouped(maxBatch?: number): { store: DocStore; counter: CountingStore } {
  const counter = new CountingStore(openEmbedded());
  return { store: withGroupCommit(counter, maxBatch === undefined ? {} : { maxBatch }), counter };
}

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** What a result says, without the revision (revisions are random per store). */
const outcome = (r: WriteResult) => (r.ok ? `${r.id}:ok` : `${r.id}:${r.error}`);

/**
 * 400 writers at once on a store holding d000…d299: correct updates, stale updates, blind
 * creates over existing ids and new ids, one or two documents per call.
 */
async function burst(store: DocStore, revs: Map<string, string>): Promise<string[][]> {
  const calls: StoredDoc[][] = [];
  for (let i = 0; i < 300; i++) {
    const id = `d${String(i).padStart(3, '0')}`;
    if (i % 3 === 0) calls.push([{ _id: id, _rev: revs.get(id), v: 2 }]);
    else if (i % 3 === 1) calls.push([{ _id: id, _rev: '1-00000000000000000000000000000000', v: 2 }]);
    else calls.push([{ _id: id, v: 2 }]);
  }
  for (let i = 0; i < 100; i++) calls.push([{ _id: `n${i}a`, v: 1 }, { _id: `n${i}b`, v: 1 }]);
  const results = await Promise.all(calls.map((docs) => store.bulkWrite(docs)));
  return results.map((r) => r.map(outcome));
}

async function seed(store: DocStore): Promise<Map<string, string>> {
  const docs = Array.from({ length: 300 }, (_, i) => ({ _id: `d${String(i).padStart(3, '0')}`, v: 1 }));
  const results = await store.bulkWrite(docs);
  return new Map(results.map((r) => [r.id, r.ok ? r.rev : '']));
}

describe('store group commit (issue 7 point 5, ARCHITECTURE §5)', () => {
  it('R-OPS-01 400 concurrent writers get the same per-document results as without batching, from one underlying write', async () => {
    const plain = openEmbedded();
    const expected = await burst(plain, await seed(plain));

    const { store, counter } = grouped();
    const revs = await seed(store);
    counter.writes.length = 0;
    const actual = await burst(store, revs);

    expect(actual).toEqual(expected);
    expect(actual.flat().filter((o) => o.endsWith(':conflict'))).toHaveLength(200);
    expect(counter.writes).toHaveLength(1);
    expect(counter.writes[0]).toHaveLength(500);
    expect(await store.get('d000')).toMatchObject({ v: 2 });
    expect(await store.get('d001')).toMatchObject({ v: 1 });
    expect(await store.get('n99b')).toMatchObject({ v: 1 });
  });

  it('R-OPS-01 two writes of one id in one tick go to separate batches, so the second gets its own revision check', async () => {
    const { store, counter } = grouped();
    const [created] = await store.bulkWrite([{ _id: 'x', v: 1 }]);
    if (!created?.ok) throw new Error('seed failed');
    counter.writes.length = 0;

    const [first, second, other, blindA, blindB] = await Promise.all([
      store.bulkWrite([{ _id: 'x', _rev: created.rev, v: 'a' }]),
      store.bulkWrite([{ _id: 'x', _rev: created.rev, v: 'b' }]),
      store.bulkWrite([{ _id: 'y', v: 1 }]),
      store.bulkWrite([{ _id: 'z', v: 'first' }]),
      store.bulkWrite([{ _id: 'z', v: 'second' }]),
    ]);

    expect(first?.map(outcome)).toEqual(['x:ok']);
    expect(second?.map(outcome)).toEqual(['x:conflict']);
    expect(other?.map(outcome)).toEqual(['y:ok']);
    expect(blindA?.map(outcome)).toEqual(['z:ok']);
    expect(blindB?.map(outcome)).toEqual(['z:conflict']);
    // Unrelated writes still share the first batch.
    expect(counter.writes).toEqual([['x', 'y', 'z'], ['x', 'z']]);
    expect(await store.get('x')).toMatchObject({ v: 'a' });
    expect(await store.get('z')).toMatchObject({ v: 'first' });
  });

  it("R-OPS-01 one call's documents stay together, even several revisions of one id (as the conflict sweeper writes)", async () => {
    const { store, counter } = grouped(2);
    await Promise.all([
      store.bulkWrite([{ _id: 'a', v: 1 }]),
      store.bulkWrite([{ _id: 'b', v: 1 }, { _id: 'c', v: 1 }, { _id: 'd', v: 1 }]),
      store.bulkWrite([{ _id: 'e', v: 1 }, { _id: 'e', v: 2 }]),
    ]);
    expect(counter.writes).toEqual([['a'], ['b', 'c', 'd'], ['e', 'e']]);
  });

  it('R-OPS-01 batches are capped: 120 writers with maxBatch 50 make writes of 50, 50 and 20', async () => {
    const { store, counter } = grouped(50);
    const results = await Promise.all(Array.from({ length: 120 }, (_, i) => store.bulkWrite([{ _id: `doc-${i}` }])));
    expect(results.every(([r]) => r?.ok)).toBe(true);
    expect(counter.writes.map((w) => w.length)).toEqual([50, 50, 20]);
  });

  it('R-OPS-01 a failed underlying write rejects only the callers of that batch', async () => {
    const { store, counter } = grouped(2);
    const settled = await Promise.allSettled([
      store.bulkWrite([{ _id: 'w1' }]),
      store.bulkWrite([{ _id: 'w2', poison: true }]),
      store.bulkWrite([{ _id: 'w3' }]),
      store.bulkWrite([{ _id: 'w4' }]),
    ]);
    expect(counter.writes).toEqual([['w1', 'w2'], ['w3', 'w4']]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'fulfilled', 'fulfilled']);
    expect(settled[0]).toMatchObject({ reason: { message: 'store unavailable' } });
    expect(await store.get('w1')).toBeUndefined();
    expect(await store.get('w4')).toMatchObject({ _id: 'w4' });
  });

  it('R-OPS-01 replicated writes and reads pass through; close() lets a queued write finish first', async () => {
    const { store, counter } = grouped();
    const rev = '1-0123456789abcdef0123456789abcdef';
    expect(await store.bulkWrite([{ _id: 'r', _rev: rev }], { newEdits: false })).toEqual([{ id: 'r', ok: true, rev }]);
    expect(await store.get('r')).toMatchObject({ _rev: rev });
    expect(store.kind).toBe('embedded');

    const queued = store.bulkWrite([{ _id: 'late', v: 1 }]);
    await store.close();
    expect((await queued).map(outcome)).toEqual(['late:ok']);
    expect(counter.writes).toEqual([['r'], ['late']]);
  });

  it('R-OPS-01 rejects a maxBatch that is not a positive integer', () => {
    expect(() => withGroupCommit(openEmbedded(), { maxBatch: 0 })).toThrow(/maxBatch/);
  });
});
