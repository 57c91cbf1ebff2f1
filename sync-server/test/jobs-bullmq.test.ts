import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BullJobRunner, type JobDoc, type JobPolicy, newJob, openJobRunner, RetryLater,
} from '../src/jobs/index.js';
import { EmbeddedStore } from '../src/store/embedded.js';
import type { DocStore } from '../src/store/types.js';
import { hasRedis, startRedis, type TestRedis, until } from './redis.js';

/**
 * Issue 7 point 2 with `REDIS_URL`: the same outbox documents, run through BullMQ against a real
 * redis-server on loopback, two runners standing for two nodes sharing one store.
 */

const FAST: Partial<JobPolicy> = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 };
const WAIT_MS = 15_000;
const quiet = (): void => {};

async function jobDoc(store: DocStore, id: string): Promise<JobDoc> {
  const doc = await store.get(id);
  if (!doc) throw new Error(`${id} is missing`);
  return doc as JobDoc;
}

async function stateOf(store: DocStore, id: string): Promise<string | undefined> {
  return (await store.get(id))?.state as string | undefined;
}

// Skipped only when the Debian package is missing; .ci/run installs it.
describe.skipIf(!hasRedis)('BullJobRunner (needs the redis-server package)', () => {
  let redis: TestRedis;
  let dir: string;
  let store: EmbeddedStore;
  let prefix: string;
  let suite = 0;
  const runners: BullJobRunner[] = [];

  function runner(nodeId: string, options: { stopTimeoutMs?: number } = {}): BullJobRunner {
    const created = new BullJobRunner(store, {
      redisUrl: redis.url,
      nodeId,
      log: quiet,
      // Each test its own queues; a short lock and stalled check make a dead node's jobs move quickly.
      prefix,
      lockDurationMs: 1_000,
      stalledIntervalMs: 300,
      sweepMs: 500,
      stopTimeoutMs: options.stopTimeoutMs ?? 5_000,
    });
    runners.push(created);
    return created;
  }

  beforeAll(async () => {
    redis = await startRedis();
  });

  afterAll(async () => {
    await redis?.stop();
  });

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'atende-bull-'));
    store = new EmbeddedStore(dir);
    prefix = `atende-test-${process.pid}-${++suite}`;
  });

  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('R-OPS-01 two nodes run each of 200 jobs exactly once through BullMQ', async () => {
    const runs = new Map<string, number>();
    const handler = async (job: JobDoc): Promise<void> => {
      runs.set(job._id, (runs.get(job._id) ?? 0) + 1);
    };
    const a = runner('node-a');
    const b = runner('node-b');
    a.register('send', handler, { policy: FAST, concurrency: 8 });
    b.register('send', handler, { policy: FAST, concurrency: 8 });
    await Promise.all([a.start(), b.start()]);

    const jobs = Array.from({ length: 200 }, (_, i) => newJob('send', `message:${i}`, { i }));
    for (let i = 0; i < jobs.length; i += 50) await store.bulkWrite(jobs.slice(i, i + 50));

    await until(() => runs.size === 200, WAIT_MS);
    await Promise.all([a.idle(), b.idle()]);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    const docs = await Promise.all(jobs.map((job) => jobDoc(store, job._id)));
    expect(docs.every((doc) => doc.state === 'done' && doc.attempts === 1)).toBe(true);
  });

  it('R-OPS-02 RetryLater with retry_after waits that long; a failing job goes dead with one dead letter', async () => {
    const startedAt: number[] = [];
    const dead: JobDoc[] = [];
    const a = runner('node-a');
    a.register(
      'send',
      async (job, { attempt }) => {
        if (job.key === 'rate-limited') {
          startedAt.push(Date.now());
          if (attempt === 1) throw new RetryLater('429 Too Many Requests', 400);
          return;
        }
        throw new Error('upstream 500');
      },
      { policy: { ...FAST, baseDelayMs: 1, maxDelayMs: 2 }, onDead: async (job) => void dead.push(job) },
    );
    await a.start();
    await store.bulkWrite([newJob('send', 'rate-limited', {}), newJob('send', 'broken', {})]);

    await until(async () => (await stateOf(store, 'job:send.broken')) === 'dead', WAIT_MS);
    await until(async () => (await stateOf(store, 'job:send.rate-limited')) === 'done', WAIT_MS);
    await a.idle();

    expect(startedAt).toHaveLength(2);
    const [first, second] = startedAt as [number, number];
    expect(second - first).toBeGreaterThanOrEqual(400);
    expect(await jobDoc(store, 'job:send.rate-limited')).toMatchObject({ attempts: 2, lastError: null });
    expect(await jobDoc(store, 'job:send.broken')).toMatchObject({ attempts: 3, lastError: 'upstream 500' });
    expect(dead.map((job) => job._id)).toEqual(['job:send.broken']);
  });

  it('R-OPS-01 a dead node\'s running job is taken over by another node', async () => {
    let releaseA: () => void = () => {};
    const a = runner('node-a', { stopTimeoutMs: 50 });
    a.register('send', async () => {
      await new Promise<void>((resolve) => (releaseA = resolve));
      throw new Error('node A should not settle this');
    }, { policy: FAST });
    await a.start();
    await store.bulkWrite([newJob('send', 'm1', {})]);
    await until(async () => (await jobDoc(store, 'job:send.m1')).owner === 'node-a', WAIT_MS);

    const runs: number[] = [];
    const b = runner('node-b');
    b.register('send', async (_job, { attempt }) => void runs.push(attempt), { policy: FAST });
    await b.start();
    // Node A dies: its worker goes away without finishing; the BullMQ lock lapses.
    await a.stop();

    await until(async () => (await stateOf(store, 'job:send.m1')) === 'done', WAIT_MS);
    releaseA();
    // Room for node A's (wrong) late outcome to land before the document is checked.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(runs).toEqual([2]);
    expect(await jobDoc(store, 'job:send.m1')).toMatchObject({ owner: 'node-b', attempts: 2, lastError: null });
  });

  it('R-OPS-02 stop() says whether every job finished: false when one was cut off at the bound, true when all ended', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const a = runner('node-a', { stopTimeoutMs: 100 });
    a.register('send', () => released, { policy: FAST });
    await a.start();
    await store.bulkWrite([newJob('send', 'm1', {})]);
    await until(async () => (await jobDoc(store, 'job:send.m1')).owner === 'node-a', WAIT_MS);
    // A drain reads this: a cut-off job must not pass for a clean stop (exit code 0).
    expect(await a.stop()).toBe(false);
    release();
    const b = runner('node-b');
    b.register('send', async () => {}, { policy: FAST });
    await b.start();
    expect(await b.stop()).toBe(true);
  });

  it('R-OPS-02 stop() returns while Redis is down and a job runs, and says that job was cut off', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const a = runner('node-a', { stopTimeoutMs: 200 });
    a.register('send', () => released, { policy: FAST });
    await a.start();
    await store.bulkWrite([newJob('send', 'm1', {})]);
    await until(async () => (await jobDoc(store, 'job:send.m1')).owner === 'node-a', WAIT_MS);
    let stopped: boolean | undefined;
    // Pausing and closing are bounded too (a Redis that accepts but never answers would hold them); a stopped Redis answers at once.
    await redis.restart(async () => {
      stopped = await a.stop();
    });
    release();
    expect(stopped).toBe(false);
  });

  it('R-OPS-01 jobs Redis never saw (written before start, or left running by a dead node) are run from the store', async () => {
    const orphan: JobDoc = {
      ...newJob('send', 'orphan', {}),
      state: 'running', attempts: 1, owner: 'node-dead', leaseUntil: Date.now() - 1,
    };
    await store.bulkWrite([newJob('send', 'early', {}), orphan]);
    const runs: string[] = [];
    const a = runner('node-a');
    a.register('send', async (job) => void runs.push(job.key), { policy: FAST });
    await a.start();

    await until(async () => (await stateOf(store, orphan._id)) === 'done' && (await stateOf(store, 'job:send.early')) === 'done', WAIT_MS);
    expect(runs.sort()).toEqual(['early', 'orphan']);
  });

  it('R-OPS-02 openJobRunner goes through BullMQ when a Redis URL is configured', () => {
    expect(openJobRunner(store, { redisUrl: redis.url, nodeId: 'node-a', log: quiet })).toBeInstanceOf(BullJobRunner);
  });
});
