import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withReadCache } from '../src/store/cache.js';
import { DelegatingStore } from '../src/store/delegate.js';
import { EmbeddedStore } from '../src/store/embedded.js';
import type { DocStore, Feed, FollowOptions, GetOptions, StoredDoc } from '../src/store/types.js';
import { updateDoc } from '../src/store/update.js';

/**
 * Counts the reads that reach the store. `feed: false` simulates a node whose change feed lags
 * (it never delivers), and `gate` holds reads until it is opened.
 */
class InnerStore extends DelegatingStore {
  readonly reads: string[] = [];
  feed = true;
  gate: Promise<void> | undefined;

  override async get(id: string, options?: GetOptions): Promise<StoredDoc | undefined> {
    this.reads.push(id);
    const doc = await this.inner.get(id, options);
    await this.gate;
    return doc;
  }

  override follow(options: FollowOptions): Feed {
    return this.feed ? this.inner.follow(options) : { stop: () => {} };
  }
}

const dirs: string[] = [];
const stores: DocStore[] = [];

function openEmbedded(): EmbeddedStore {
  const dir = mkdtempSync(path.join(tmpdir(), 'atende-cache-'));
  dirs.push(dir);
  const store = new EmbeddedStore(dir);
  stores.push(store);
  return store;
}

const PREFIXES = ['conversation:', 'thread:', 'session:'];

function node(shared: DocStore, options: { feed?: boolean; max?: number } = {}) {
  const inner = new InnerStore(shared);
  inner.feed = options.feed ?? true;
  const cached = withReadCache(inner, { prefixes: PREFIXES, max: options.max ?? 100 });
  stores.push(cached);
  return { cached, inner };
}

afterEach(async () => {
  for (const store of stores.splice(0).reverse()) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function put(store: DocStore, doc: StoredDoc): Promise<string> {
  const [result] = await store.bulkWrite([doc]);
  if (!result?.ok) throw new Error(`write failed: ${JSON.stringify(result)}`);
  return result.rev;
}

/** Polls until `check` holds; bounded so a broken feed fails the test instead of hanging it. */
async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('store read cache (issue 7 point 5)', () => {
  it('R-OPS-01 hot documents are read from the store once; other ids always; callers get copies', async () => {
    const { cached, inner } = node(openEmbedded());
    await put(cached, { _id: 'conversation:1', status: 'waiting' });
    await put(inner, { _id: 'contact:1', name: 'Maria' });
    await put(inner, { _id: 'session:1', userId: 'user:ana' });

    for (let i = 0; i < 3; i++) {
      expect(await cached.get('conversation:1')).toMatchObject({ status: 'waiting' });
      expect(await cached.get('session:1')).toMatchObject({ userId: 'user:ana' });
      expect(await cached.get('contact:1')).toMatchObject({ name: 'Maria' });
    }
    // conversation:1 came from its own write, session:1 from one read.
    expect(inner.reads).toEqual(['session:1', 'contact:1', 'contact:1', 'contact:1']);

    const copy = await cached.get('conversation:1');
    if (!copy) throw new Error('missing');
    copy.status = 'changed by a caller';
    expect(await cached.get('conversation:1')).toMatchObject({ status: 'waiting' });

    await cached.get('conversation:1', { fresh: true });
    expect(inner.reads.filter((id) => id === 'conversation:1')).toHaveLength(1);
  });

  it("R-OPS-01 another node's write reaches this node's cache through the change feed, deletions too", async () => {
    const shared = openEmbedded();
    const a = node(shared);
    const b = node(shared);
    await put(a.cached, { _id: 'conversation:1', status: 'waiting' });
    expect(await a.cached.get('conversation:1')).toMatchObject({ status: 'waiting' });

    await updateDoc(b.cached, 'conversation:1', (c) => c && { ...c, status: 'active', agentId: 'user:ana' });
    await waitFor(async () => (await a.cached.get('conversation:1'))?.status === 'active', 'the update on node A');
    expect(await a.cached.get('conversation:1')).toMatchObject({ agentId: 'user:ana' });
    expect(a.inner.reads).toEqual([]);

    const current = await b.cached.get('conversation:1');
    await put(b.cached, { ...current, _id: 'conversation:1', _deleted: true });
    await waitFor(async () => (await a.cached.get('conversation:1')) === undefined, 'the deletion on node A');
  });

  it('R-OPS-01 a stale cached document conflicts, and updateDoc retries with a fresh read and converges', async () => {
    const shared = openEmbedded();
    const lagging = node(shared, { feed: false });
    await put(shared, { _id: 'thread:1', n: 0 });
    expect(await lagging.cached.get('thread:1')).toMatchObject({ n: 0 });

    const current = await shared.get('thread:1');
    await put(shared, { ...current, _id: 'thread:1', n: 5 });
    expect(await lagging.cached.get('thread:1')).toMatchObject({ n: 0 }); // the feed never told it

    const seen: number[] = [];
    const result = await updateDoc<StoredDoc & { n: number }>(lagging.cached, 'thread:1', (doc) => {
      seen.push(doc?.n ?? -1);
      return doc && { ...doc, n: doc.n + 1 };
    });
    expect(seen).toEqual([0, 5]);
    expect(result).toMatchObject({ written: true, doc: { n: 6 } });
    expect(await lagging.cached.get('thread:1')).toMatchObject({ n: 6, _rev: result.doc?._rev });
    expect(await shared.get('thread:1')).toMatchObject({ n: 6 });
  });

  it('R-OPS-01 a missing document is never cached: it is read again and found once written elsewhere', async () => {
    const shared = openEmbedded();
    const lagging = node(shared, { feed: false });
    expect(await lagging.cached.get('thread:new')).toBeUndefined();
    await put(shared, { _id: 'thread:new', openConversationId: 'conversation:1' });
    expect(await lagging.cached.get('thread:new')).toMatchObject({ openConversationId: 'conversation:1' });
    expect(lagging.inner.reads).toEqual(['thread:new', 'thread:new']);
  });

  it('R-OPS-01 a read overtaken by a write keeps nothing: a deletion during the read is not undone', async () => {
    const { cached, inner } = node(openEmbedded());
    const rev = await put(inner, { _id: 'session:1', userId: 'user:ana' });
    let open: () => void = () => {};
    inner.gate = new Promise<void>((resolve) => (open = resolve));
    const read = cached.get('session:1');
    await waitFor(async () => inner.reads.length === 1, 'the read to start');
    await put(cached, { _id: 'session:1', _rev: rev, _deleted: true });
    inner.gate = undefined;
    open();
    expect(await read).toMatchObject({ userId: 'user:ana' }); // it started before the deletion
    expect(await cached.get('session:1')).toBeUndefined();
  });

  it('R-OPS-01 an attachment write drops the entry, so the next read has the new revision', async () => {
    const { cached } = node(openEmbedded());
    const rev = await put(cached, { _id: 'conversation:1', status: 'active' });
    const next = await cached.putAttachment('conversation:1', rev, 'a.txt', { data: Buffer.from('x'), contentType: 'text/plain' });
    expect(await cached.get('conversation:1')).toMatchObject({ _rev: next });
  });

  it('R-OPS-01 the cache is bounded: the least recently used document is read again', async () => {
    // No feed: its rows for these puts may arrive during the reads below (under load) and, rightly,
    // keep a read's answer out of the cache — which is not what this test measures.
    const { cached, inner } = node(openEmbedded(), { max: 2, feed: false });
    for (const id of ['thread:1', 'thread:2', 'thread:3']) await put(inner, { _id: id });
    for (const id of ['thread:1', 'thread:2', 'thread:3', 'thread:3', 'thread:1']) await cached.get(id);
    expect(inner.reads).toEqual(['thread:1', 'thread:2', 'thread:3', 'thread:1']);
  });

  it('R-OPS-01 refuses a cache without a size or prefixes', () => {
    const shared = openEmbedded();
    expect(() => withReadCache(shared, { prefixes: PREFIXES, max: 0 })).toThrow(/max/);
    expect(() => withReadCache(shared, { prefixes: [], max: 10 })).toThrow(/prefix/);
  });
});
