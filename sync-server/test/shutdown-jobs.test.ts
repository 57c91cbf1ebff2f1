import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type JobDoc, newJob, StoreJobRunner } from '../src/jobs/index.js';
import { drainThenExit } from '../src/lifecycle/shutdown.js';
import { EmbeddedStore } from '../src/store/embedded.js';
import type { DocStore } from '../src/store/types.js';
import { call, startTestServer } from './helpers.js';

/**
 * Issue 14 review of the job runner behind the graceful shutdown: stop() is bounded whatever the
 * store does and leaves nothing behind, and the `exclusive` takeover of running jobs holds only
 * while one runner works over an embedded store.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const quiet = (): void => {};
/** Run in order: what a test puts first (unshift) goes before the store it uses is closed. */
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function freshStore(): EmbeddedStore {
  const dir = mkdtempSync(path.join(tmpdir(), 'atende-shutdown-jobs-'));
  const store = new EmbeddedStore(dir);
  cleanups.push(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    if (await check()) return;
    await sleep(10);
  }
  throw new Error(`gave up waiting for ${what}`);
}

async function jobDoc(store: DocStore, id: string): Promise<JobDoc | undefined> {
  return (await store.get(id)) as JobDoc | undefined;
}

/** The store as a hung CouchDB would be once `hang()` is called: writes are taken and never answered until released. */
function hangingWrites(store: DocStore) {
  let hanging = false;
  let noticed: () => void = quiet;
  const hung = new Promise<void>((resolve) => (noticed = resolve));
  const held: Array<() => Promise<unknown>> = [];
  const bulkWrite: DocStore['bulkWrite'] = (docs) => {
    if (!hanging) return store.bulkWrite(docs);
    noticed();
    return new Promise((resolve) => held.push(() => store.bulkWrite(docs).then((results) => (resolve(results), results))));
  };
  const wrapped = new Proxy(store, {
    get(target, prop) {
      if (prop === 'bulkWrite') return bulkWrite;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    store: wrapped,
    hang: () => (hanging = true),
    hung,
    release: () => Promise.all(held.splice(0).map((write) => write())),
  };
}

describe('R-OPS-02 R-OPS-05 the job runner under a shutdown', () => {
  it('R-OPS-02 stop() returns within its bound while the store does not answer a claim, and the late claim starts nothing', async () => {
    const store = freshStore();
    const hanging = hangingWrites(store);
    const runs: string[] = [];
    const runner = new StoreJobRunner(hanging.store, { nodeId: 'node-a', log: quiet, pollMs: 200, stopTimeoutMs: 200 });
    runner.register('send', async (job) => void runs.push(job._id));
    await runner.start();
    hanging.hang();
    await store.bulkWrite([newJob('send', 'm1', {})]);
    await hanging.hung;
    // Before the fix this waited for the claim's write forever (the drain's own bound then forced the exit).
    await runner.stop();
    await hanging.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(runs).toEqual([]);
    // Claimed but not run: its lease runs out and another node (or this one restarted) takes it over.
    expect(await jobDoc(store, 'job:send.m1')).toMatchObject({ state: 'running', owner: 'node-a' });
  });

  it('R-OPS-02 R-OPS-05 a job still running at ATENDE_SHUTDOWN_TIMEOUT_MS is cut off: the exit code is 1 and the log says a job was cut off, not "drained"', async () => {
    const lines: string[] = [];
    const log = (line: string): void => void lines.push(line);
    const server = await startTestServer({ ATENDE_SHUTDOWN_TIMEOUT_MS: '300' }, { log });
    cleanups.push(() => server.close());
    let release: () => void = quiet;
    const released = new Promise<void>((resolve) => (release = resolve));
    cleanups.unshift(release);
    let started: () => void = quiet;
    const running = new Promise<void>((resolve) => (started = resolve));
    // A send whose upstream never answers, and that does not heed the abort either.
    server.jobs.register('slow', () => (started(), released));
    await server.store.bulkWrite([newJob('slow', 'k1', {})]);
    await running;
    // Before the fix the runner's stop (same bound, started first) gave up quietly and the drain exited 0 with "shutdown: drained".
    const code = await drainThenExit({ timeoutMs: 300, drain: (ms) => server.drain(ms), afterwards: async () => {}, log });
    expect(code).toBe(1);
    expect(lines).toContainEqual(expect.stringMatching(/jobs: stopped with 1 job\(s\) still running/));
    expect(lines).toContainEqual(expect.stringMatching(/shutdown: .*job\(s\) cut off/));
    expect(lines).not.toContain('shutdown: drained');
  });

  it('R-OPS-02 a job runner whose stop() fails makes the drain a forced one (exit code 1), not a clean one', async () => {
    const lines: string[] = [];
    const log = (line: string): void => void lines.push(line);
    const server = await startTestServer({ ATENDE_SHUTDOWN_TIMEOUT_MS: '2000' }, { log });
    cleanups.push(() => server.close());
    const stop = server.jobs.stop.bind(server.jobs);
    server.jobs.stop = async () => {
      await stop();
      throw new Error('queue connection lost');
    };
    const code = await drainThenExit({ timeoutMs: 2000, drain: (ms) => server.drain(ms), afterwards: async () => {}, log });
    expect(code).toBe(1);
    expect(lines).toContainEqual(expect.stringMatching(/shutdown: stopping jobs failed: .*queue connection lost/));
    expect(lines).not.toContain('shutdown: drained');
  });

  it('R-OPS-02 a stopped runner leaves no timer behind: a process that stopped it and closed its store exits by itself', async () => {
    const module = (file: string) => JSON.stringify(pathToFileURL(path.join(here, '../src', file)).href);
    // The bound is the longest ATENDE_SHUTDOWN_TIMEOUT_MS: before the fix the process lived that long after stop().
    const script = `
      import { mkdtempSync, rmSync } from 'node:fs';
      import { tmpdir } from 'node:os';
      import path from 'node:path';
      const { StoreJobRunner, newJob } = await import(${module('jobs/index.ts')});
      const { EmbeddedStore } = await import(${module('store/embedded.ts')});
      const dir = mkdtempSync(path.join(tmpdir(), 'atende-runner-exit-'));
      const store = new EmbeddedStore(dir);
      const runner = new StoreJobRunner(store, { nodeId: 'embedder', log: () => {}, pollMs: 50, stopTimeoutMs: 600000 });
      let ran;
      const done = new Promise((resolve) => (ran = resolve));
      runner.register('send', async () => ran());
      await runner.start();
      await store.bulkWrite([newJob('send', 'm1', {})]);
      await done;
      await runner.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
      console.log('stopped');
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.push(() => void child.kill('SIGKILL'));
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect({ code, output: output.trim() }).toEqual({ code: 0, output: 'stopped' });
  });

  it('R-OPS-01 alone over the store, a dead process\'s running job is taken over at once even while older jobs of ours are running', async () => {
    const store = freshStore();
    const runner = new StoreJobRunner(store, { nodeId: 'node-a', log: quiet, pollMs: 100, exclusive: true });
    cleanups.unshift(async () => void (await runner.stop()));
    let releaseSlow: () => void = quiet;
    const slowReleased = new Promise<void>((resolve) => (releaseSlow = resolve));
    cleanups.unshift(releaseSlow);
    runner.register('slow', () => slowReleased, { concurrency: 3 });
    const sends: number[] = [];
    // One free slot in all: the scan's page of running jobs is one long, and ours sort first.
    runner.register('send', async (_job, { attempt }) => void sends.push(attempt), { concurrency: 1 });
    await runner.start();
    const earlier = Date.now() - 60_000;
    await store.bulkWrite(['s1', 's2', 's3'].map((key) => newJob('slow', key, {}, { now: earlier })));
    await until(async () => {
      const states = await Promise.all(['s1', 's2', 's3'].map(async (key) => (await jobDoc(store, `job:slow.${key}`))?.state));
      return states.every((state) => state === 'running');
    }, 'the three slow jobs to run');
    // What a killed process left: running under a long lease, and later in the index than ours.
    const now = Date.now();
    await store.bulkWrite([{ ...newJob('send', 'm1', {}, { now }), state: 'running', owner: 'killed-node', attempts: 1, leaseUntil: now + 600_000 }]);
    // Before the fix the scan's page held only our own slow jobs, so this waited for them to end.
    await until(async () => (await jobDoc(store, 'job:send.m1'))?.state === 'done', 'the takeover');
    expect(sends).toEqual([2]);
    releaseSlow();
  });

  it('R-OPS-01 a second server of this process on an open data folder is refused (it would share the store and run the first one\'s jobs again)', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'atende-one-folder-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    // What makes it dangerous: in one process the second opening gets the first one's LevelDB handle.
    const raw = [new EmbeddedStore(dataDir), new EmbeddedStore(dataDir)] as const;
    await raw[0].bulkWrite([{ _id: 'probe', type: 'probe' }]);
    expect(await raw[1].get('probe')).toMatchObject({ _id: 'probe' });
    await raw[0].close();

    const first = await startTestServer({ ATENDE_DATA_DIR: dataDir });
    let closed = false;
    cleanups.unshift(async () => {
      if (!closed) await first.close();
    });
    await expect(startTestServer({ ATENDE_DATA_DIR: path.join(dataDir, '.') })).rejects.toThrow(/already open by another server of this process/);
    // The first one was not disturbed, and once it stopped the folder can be served again.
    expect((await call(first, 'GET', '/api/ready')).status).toBe(200);
    await first.close();
    closed = true;
    const again = await startTestServer({ ATENDE_DATA_DIR: dataDir });
    await again.close();
  });
});
