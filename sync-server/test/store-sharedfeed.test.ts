import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DelegatingStore } from '../src/store/delegate.js';
import { EmbeddedStore } from '../src/store/embedded.js';
import { withSharedFeed } from '../src/store/sharedFeed.js';
import type { ChangeRow, DocStore, Feed, FollowOptions, StoredDoc } from '../src/store/types.js';

/** Counts the feeds opened on the store underneath, and can make them fail. */
class CountingStore extends DelegatingStore {
  readonly opened: FollowOptions[] = [];
  active = 0;
  private readonly failers = new Set<(error: Error) => void>();

  override follow(options: FollowOptions): Feed {
    this.opened.push(options);
    this.active += 1;
    const feed = this.inner.follow(options);
    const fail = (error: Error) => options.onError?.(error);
    this.failers.add(fail);
    let stopped = false;
    return {
      stop: () => {
        if (stopped) return;
        stopped = true;
        this.active -= 1;
        this.failers.delete(fail);
        feed.stop();
      },
    };
  }

  fail(error: Error): void {
    for (const fail of this.failers) fail(error);
  }
}

const dirs: string[] = [];
const stores: DocStore[] = [];

function open(): { shared: DocStore; counting: CountingStore; embedded: EmbeddedStore } {
  const dir = mkdtempSync(path.join(tmpdir(), 'atende-sharedfeed-'));
  dirs.push(dir);
  const embedded = new EmbeddedStore(dir);
  const counting = new CountingStore(embedded);
  const shared = withSharedFeed(counting);
  stores.push(shared);
  return { shared, counting, embedded };
}

afterEach(async () => {
  for (const store of stores.splice(0).reverse()) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Polls until `check` holds; bounded so a broken feed fails the test instead of hanging it. */
async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

function collect(store: DocStore, selector?: FollowOptions['selector']) {
  const ids: string[] = [];
  const errors: Error[] = [];
  const feed = store.follow({
    since: 'now',
    ...(selector ? { selector } : {}),
    onChange: (row: ChangeRow) => ids.push(row.id),
    onError: (error) => errors.push(error),
  });
  return { ids, errors, feed };
}

async function put(store: DocStore, ...docs: StoredDoc[]): Promise<void> {
  const results = await store.bulkWrite(docs);
  if (!results.every((r) => r.ok)) throw new Error(`write failed: ${JSON.stringify(results)}`);
}

/** Lets the embedded store's live feed (which pins 'now' asynchronously) start before writing. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('one change feed per node (ARCHITECTURE §6, issue 7 point 5)', () => {
  it('R-OPS-01 three listeners, one underlying feed; rows reach only matching listeners; stop of one leaves the others', async () => {
    const { shared, counting, embedded } = open();
    const jobs = collect(shared, { type: 'job' });
    const hub = collect(shared, { type: { $in: ['message', 'conversation'] } });
    const cache = collect(shared);
    // What the store's own filtered feeds show, to compare with the in-memory matching.
    const ownJobs = collect(embedded, { type: 'job' });
    const ownHub = collect(embedded, { type: { $in: ['message', 'conversation'] } });
    expect(counting.opened).toHaveLength(1);
    expect(counting.opened[0]?.selector).toBeUndefined();
    await settle();

    await put(shared, { _id: 'job:1', type: 'job' }, { _id: 'message:1', type: 'message' }, { _id: 'user:1', type: 'user' });
    await put(shared, { _id: 'conversation:1', type: 'conversation' }, { _id: 'contact:1', type: 'contact' });
    await waitFor(() => cache.ids.length === 5 && ownJobs.ids.length === 1 && ownHub.ids.length === 2, 'the first rows');
    expect(jobs.ids).toEqual(ownJobs.ids);
    expect(jobs.ids).toEqual(['job:1']);
    expect(hub.ids).toEqual(ownHub.ids);
    expect(hub.ids).toEqual(['message:1', 'conversation:1']);

    jobs.feed.stop();
    await put(shared, { _id: 'job:2', type: 'job' }, { _id: 'message:2', type: 'message' });
    await waitFor(() => cache.ids.length === 7 && hub.ids.length === 3, 'rows after one stop');
    expect(jobs.ids).toEqual(['job:1']);
    expect(hub.ids.at(-1)).toBe('message:2');
    expect(counting.active).toBe(1);
    for (const f of [hub, cache, ownJobs, ownHub]) f.feed.stop();
  });

  it('R-OPS-01 the last stop ends the underlying feed; the next follow opens a new one', async () => {
    const { shared, counting } = open();
    const a = collect(shared);
    const b = collect(shared, { type: 'job' });
    b.feed.stop();
    b.feed.stop(); // twice is harmless
    expect(counting.active).toBe(1);
    a.feed.stop();
    expect(counting.active).toBe(0);

    const c = collect(shared, { type: 'job' });
    expect(counting.opened).toHaveLength(2);
    expect(counting.active).toBe(1);
    await settle();
    await put(shared, { _id: 'job:3', type: 'job' });
    await waitFor(() => c.ids.length === 1, 'a row on the new feed');
    expect(a.ids).toEqual([]);
    c.feed.stop();
    expect(counting.active).toBe(0);
  });

  it('R-OPS-01 follows from a sequence or with conflicts keep their own feed', async () => {
    const { shared, counting } = open();
    const fromStart = shared.follow({ since: '0', onChange: () => {} });
    const sweeper = shared.follow({ since: 'now', conflicts: true, onChange: () => {} });
    const live = collect(shared);
    expect(counting.opened.map((o) => [o.since, o.conflicts === true])).toEqual([['0', false], ['now', true], ['now', false]]);
    for (const feed of [fromStart, sweeper, live.feed]) feed.stop();
    expect(counting.active).toBe(0);
  });

  it('R-OPS-03 a feed error reaches every listener; a throwing listener keeps no row from the others', async () => {
    const { shared, counting } = open();
    const jobs = collect(shared, { type: 'job' });
    const thrown: Error[] = [];
    const faulty = shared.follow({
      since: 'now',
      onChange: () => {
        throw new Error('listener bug');
      },
      onError: (error) => thrown.push(error),
    });
    const after = collect(shared);
    counting.fail(new Error('feed broke'));
    expect(jobs.errors.map((e) => e.message)).toEqual(['feed broke']);
    expect(thrown.map((e) => e.message)).toEqual(['feed broke']);
    expect(after.errors.map((e) => e.message)).toEqual(['feed broke']);

    await settle();
    await put(shared, { _id: 'job:4', type: 'job' });
    await waitFor(() => after.ids.length === 1, 'the row past the throwing listener');
    expect(jobs.ids).toEqual(['job:4']);
    expect(thrown.map((e) => e.message)).toEqual(['feed broke', 'listener bug']);
    for (const feed of [jobs.feed, faulty, after.feed]) feed.stop();
  });
});
