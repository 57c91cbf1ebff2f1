import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type JobDoc, type JobPolicy, type JobRunner, newJob, nextDelay, openJobRunner, PermanentFailure, RetryLater,
  StoreJobRunner,
} from '../src/jobs/index.js';
import { EmbeddedStore } from '../src/store/embedded.js';
import type { DocStore, StoredDoc } from '../src/store/types.js';

/** Issue 7 point 2: the outbox runner in process over the store (embedded mode, or nodes sharing CouchDB). */

const FAST: Partial<JobPolicy> = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, leaseMs: 2_000 };
const WAIT_MS = 10_000;
const quiet = (): void => {};

async function waitFor(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up after ${WAIT_MS} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function jobDoc(store: DocStore, id: string): Promise<JobDoc> {
  const doc = await store.get(id);
  if (!doc) throw new Error(`${id} is missing`);
  return doc as JobDoc;
}

let dir: string;
let store: EmbeddedStore;
const runners: JobRunner[] = [];

function runner(nodeId: string, options: { stopTimeoutMs?: number } = {}): StoreJobRunner {
  const created = new StoreJobRunner(store, { nodeId, log: quiet, pollMs: 200, ...options });
  runners.push(created);
  return created;
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'atende-jobs-'));
  store = new EmbeddedStore(dir);
});

afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('nextDelay', () => {
  const policy: JobPolicy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1_000, leaseMs: 1_000 };

  it('R-OPS-02 backoff grows exponentially with equal jitter and is capped', () => {
    const lowest = [1, 2, 3, 4, 5, 6].map((attempt) => nextDelay(attempt, policy, undefined, () => 0));
    const highest = [1, 2, 3, 4, 5, 6].map((attempt) => nextDelay(attempt, policy, undefined, () => 1));
    expect(highest).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(lowest).toEqual([50, 100, 200, 400, 500, 500]);
    expect(nextDelay(3, policy, undefined, () => 0.5)).toBe(300);
  });

  it('R-OPS-02 an upstream retry_after is never cut short, even past the cap', () => {
    expect(nextDelay(1, policy, 5_000, () => 1)).toBe(5_000);
    expect(nextDelay(4, policy, 10, () => 1)).toBe(800);
  });
});

describe('StoreJobRunner', () => {
  it('R-OPS-02 a job written in the same write as its state change runs once; the same cause cannot enqueue twice', async () => {
    const runs: JobDoc[] = [];
    const a = runner('node-a');
    a.register('send', async (job) => {
      runs.push(job);
    });
    await a.start();

    const message: StoredDoc = { _id: 'message:1', type: 'message', status: 'queued' };
    const results = await store.bulkWrite([message, newJob('send', 'message:1', { messageId: 'message:1' })]);
    expect(results.every((r) => r.ok)).toBe(true);
    const [again] = await store.bulkWrite([newJob('send', 'message:1', { messageId: 'message:1' })]);
    expect(again?.ok).toBe(false);

    await waitFor(async () => (await jobDoc(store, 'job:send.message:1')).state === 'done', 'the job to be done');
    await a.idle();
    expect(runs).toHaveLength(1);
    expect(runs[0]?.payload).toEqual({ messageId: 'message:1' });
    expect(runs[0]?.attempts).toBe(1);
    const done = await jobDoc(store, 'job:send.message:1');
    expect(done).toMatchObject({ attempts: 1, owner: 'node-a', leaseUntil: null, lastError: null });
  });

  it('R-OPS-02 RetryLater with retry_after is not retried earlier than that', async () => {
    const startedAt: number[] = [];
    const a = runner('node-a');
    a.register(
      'send',
      async (_job, { attempt }) => {
        startedAt.push(Date.now());
        if (attempt === 1) throw new RetryLater('429 Too Many Requests', 400);
      },
      { policy: { ...FAST, baseDelayMs: 1, maxDelayMs: 2 } },
    );
    await a.start();
    await store.bulkWrite([newJob('send', 'm1', {})]);

    await waitFor(async () => (await jobDoc(store, 'job:send.m1')).attempts === 1 && startedAt.length === 1, 'the first attempt');
    await waitFor(async () => (await jobDoc(store, 'job:send.m1')).state !== 'running', 'the first attempt to settle');
    const afterFirst = await jobDoc(store, 'job:send.m1');
    expect(afterFirst.state).toBe('pending');
    expect(afterFirst.lastError).toBe('429 Too Many Requests');
    expect(afterFirst.runAt - afterFirst.updatedAt).toBeGreaterThanOrEqual(400);

    await waitFor(async () => (await jobDoc(store, 'job:send.m1')).state === 'done', 'the retry');
    expect(startedAt).toHaveLength(2);
    expect(startedAt[1]).toBeGreaterThanOrEqual(afterFirst.runAt);
  });

  it('R-OPS-02 a failing job ends dead after maxAttempts and the dead letter is delivered exactly once', async () => {
    const dead: Array<{ job: JobDoc; error: Error }> = [];
    let attempts = 0;
    const a = runner('node-a');
    a.register(
      'send',
      async () => {
        attempts++;
        throw new Error('upstream 500');
      },
      { policy: FAST, onDead: async (job, error) => void dead.push({ job, error }) },
    );
    await a.start();
    await store.bulkWrite([newJob('send', 'm1', {})]);

    await waitFor(async () => (await jobDoc(store, 'job:send.m1')).state === 'dead', 'the job to go dead');
    await a.idle();
    expect(attempts).toBe(3);
    expect(dead).toHaveLength(1);
    expect(dead[0]?.error.message).toBe('upstream 500');
    expect(await jobDoc(store, 'job:send.m1')).toMatchObject({ state: 'dead', attempts: 3, lastError: 'upstream 500' });
  });

  it('R-OPS-02 a PermanentFailure goes dead at once', async () => {
    const dead: JobDoc[] = [];
    const a = runner('node-a');
    a.register(
      'send',
      async () => {
        throw new PermanentFailure('recipient blocked the business');
      },
      { policy: FAST, onDead: async (job) => void dead.push(job) },
    );
    await a.start();
    await store.bulkWrite([newJob('send', 'm1', {})]);
    await waitFor(() => dead.length === 1, 'the dead letter');
    await a.idle();
    expect(await jobDoc(store, 'job:send.m1')).toMatchObject({ state: 'dead', attempts: 1, lastError: 'recipient blocked the business' });
    expect(dead).toHaveLength(1);
  });

  it('R-OPS-01 two runners on one store run each of 200 jobs exactly once', async () => {
    const runs = new Map<string, number>();
    const handler = async (job: JobDoc): Promise<void> => {
      runs.set(job._id, (runs.get(job._id) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 1));
    };
    const a = runner('node-a');
    const b = runner('node-b');
    a.register('send', handler, { policy: FAST, concurrency: 8 });
    b.register('send', handler, { policy: FAST, concurrency: 8 });
    await Promise.all([a.start(), b.start()]);

    const jobs = Array.from({ length: 200 }, (_, i) => newJob('send', `m${i}`, { i }));
    for (let i = 0; i < jobs.length; i += 50) await store.bulkWrite(jobs.slice(i, i + 50));

    await waitFor(() => runs.size === 200, 'all 200 jobs to run');
    await Promise.all([a.idle(), b.idle()]);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    const docs = await Promise.all(jobs.map((job) => jobDoc(store, job._id)));
    expect(docs.every((doc) => doc.state === 'done' && doc.attempts === 1)).toBe(true);
  });

  it('R-OPS-01 a job left running by a dead node is taken over once its lease expired', async () => {
    const orphan: JobDoc = {
      ...newJob('send', 'm1', {}),
      state: 'running', attempts: 1, owner: 'node-dead', leaseUntil: Date.now() - 1,
    };
    await store.bulkWrite([orphan]);
    const runs: number[] = [];
    const b = runner('node-b');
    b.register('send', async (_job, { attempt }) => void runs.push(attempt), { policy: FAST });
    await b.start();

    await waitFor(async () => (await jobDoc(store, orphan._id)).state === 'done', 'the takeover');
    expect(runs).toEqual([2]);
    expect(await jobDoc(store, orphan._id)).toMatchObject({ owner: 'node-b', attempts: 2 });
  });

  it('R-OPS-01 a runner stopped mid-job leaves it to another node, and its late outcome is not written', async () => {
    let aborted = false;
    let releaseA: () => void = () => {};
    const a = runner('node-a', { stopTimeoutMs: 50 });
    a.register(
      'send',
      async (_job, { signal }) => {
        signal.addEventListener('abort', () => (aborted = true));
        await new Promise<void>((resolve) => (releaseA = resolve));
        throw new Error('node A should not settle this');
      },
      { policy: { ...FAST, leaseMs: 300 } },
    );
    await a.start();
    await store.bulkWrite([newJob('send', 'm1', {})]);
    await waitFor(async () => (await jobDoc(store, 'job:send.m1')).state === 'running', 'node A to claim the job');
    await a.stop();
    expect(aborted).toBe(true);

    const b = runner('node-b');
    b.register('send', async () => {}, { policy: { ...FAST, leaseMs: 300 } });
    await b.start();
    await waitFor(async () => (await jobDoc(store, 'job:send.m1')).state === 'done', 'node B to take the job over');
    releaseA();
    // Room for node A's (wrong) late outcome to land before the document is checked.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await b.idle();
    expect(await jobDoc(store, 'job:send.m1')).toMatchObject({ state: 'done', owner: 'node-b', attempts: 2, lastError: null });
  });

  it('R-OPS-01 a long job keeps its lease, so another node does not run it too', async () => {
    let runs = 0;
    const slow = async (): Promise<void> => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 700));
    };
    const policy = { ...FAST, leaseMs: 150 };
    const a = runner('node-a');
    const b = runner('node-b');
    a.register('send', slow, { policy });
    b.register('send', slow, { policy });
    await Promise.all([a.start(), b.start()]);
    await store.bulkWrite([newJob('send', 'm1', {})]);
    await waitFor(async () => (await jobDoc(store, 'job:send.m1')).state === 'done', 'the slow job');
    expect(runs).toBe(1);
  });

  it('R-OPS-02 per-kind concurrency bounds the jobs running at once on a node', async () => {
    let running = 0;
    let most = 0;
    const a = runner('node-a');
    a.register(
      'send',
      async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
      },
      { policy: FAST, concurrency: 2 },
    );
    await a.start();
    await store.bulkWrite(Array.from({ length: 20 }, (_, i) => newJob('send', `m${i}`, {})));
    await waitFor(async () => (await store.find({ selector: { type: 'job', state: 'done' }, limit: 50 })).length === 20, 'all jobs');
    expect(most).toBe(2);
  });

  it('R-OPS-02 a job scheduled for later (a timer) waits until its time', async () => {
    const ranAt: number[] = [];
    const a = runner('node-a');
    a.register('timeout', async () => void ranAt.push(Date.now()), { policy: FAST });
    await a.start();
    const runAt = Date.now() + 300;
    await store.bulkWrite([newJob('timeout', 'c1', {}, { runAt })]);
    await waitFor(() => ranAt.length === 1, 'the timer');
    expect(ranAt[0]).toBeGreaterThanOrEqual(runAt);
  });

  it('R-OPS-02 openJobRunner runs in process without REDIS_URL', () => {
    const opened = openJobRunner(store, { nodeId: 'node-a', log: quiet });
    expect(opened).toBeInstanceOf(StoreJobRunner);
    expect(() => newJob('bad.kind', 'k', {})).toThrow(/job kind/);
  });
});
