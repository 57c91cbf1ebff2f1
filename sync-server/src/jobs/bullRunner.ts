import { setTimeout as sleep } from 'node:timers/promises';
import type * as BullMQModule from 'bullmq';
import type { Job, Queue, Worker } from 'bullmq';
import type { DocStore, Feed } from '../store/types.js';
import { updateDoc } from '../store/update.js';
import {
  abandonedAtLastAttempt, claimed, deliverDeadLetter, JobKinds, type KindEntry, type Outcome, settle, toError,
} from './kinds.js';
import { ensureJobIndex, findExpiredLeases, findPending, nothingDue } from './queries.js';
import { isJobDoc, JOB_ID_PREFIX, type JobDoc, type JobHandler, type JobRunner, type RegisterOptions } from './types.js';

export interface BullRunnerOptions {
  redisUrl: string;
  nodeId: string;
  log: (message: string) => void;
  /** BullMQ key prefix, so several deployments can share one Redis. */
  prefix?: string;
  /** BullMQ lock on a running job; a dead node's jobs are taken over once it lapses. */
  lockDurationMs?: number;
  /** How often BullMQ looks for jobs whose lock lapsed. */
  stalledIntervalMs?: number;
  /** Store re-scan for pending jobs Redis does not know (lost Redis data, failed adds). */
  sweepMs?: number;
  stopTimeoutMs?: number;
}

/** BullMQ (and ioredis under it) is loaded only when a node runs with Redis: ~0.2 s of every other start. */
type BullMQ = typeof BullMQModule;

interface BullData {
  docId: string;
}

interface KindQueue {
  entry: KindEntry;
  queue: Queue<BullData>;
  worker: Worker<BullData>;
}

const SWEEP_PAGE = 500;
/** Closing the queues after stop()'s bound: within the shutdown's grace for releasing (lifecycle/shutdown.ts). */
const CLOSE_GRACE_MS = 2_000;
const IDLE_CHECK_MS = 20;
// Clocks of several nodes differ a little; a job picked up this early just runs.
const EARLY_TOLERANCE_MS = 250;

/**
 * A job BullMQ hands over too early waits: a retry not yet due, or one still leased by a live node
 * (a duplicate BullMQ job must not run it twice; a dead node's lease has lapsed by the time BullMQ's
 * stalled check hands its job over).
 */
function notBefore(job: JobDoc, now: number): number | undefined {
  if (job.state === 'pending' && job.runAt > now + EARLY_TOLERANCE_MS) return job.runAt;
  if (job.state === 'running' && job.leaseUntil !== null && job.leaseUntil > now + EARLY_TOLERANCE_MS) return job.leaseUntil;
  return undefined;
}

/** True when `step` settled within `ms` (a failed step counts as settled); the timer never outlives it. */
async function within(step: Promise<unknown>, ms: number): Promise<boolean> {
  const bound = new AbortController();
  const outOfTime = sleep(Math.max(0, ms), false, { signal: bound.signal }).catch(() => false);
  try {
    return await Promise.race([step.then(() => true, () => true), outOfTime]);
  } finally {
    bound.abort();
  }
}

/** BullMQ refuses custom ids with ':'; the doc id travels in the job data anyway. */
export function bullJobId(docId: string): string {
  return docId.slice(JOB_ID_PREFIX.length).replaceAll('%', '%25').replaceAll(':', '%3A');
}

/**
 * Jobs through BullMQ so any node can run them (`REDIS_URL`). The job document in the store stays
 * the durable outbox record and the visible state; Redis only schedules. Every node feeds pending
 * job documents to BullMQ with jobId derived from the document id, so BullMQ deduplicates the adds;
 * BullMQ's lock and stalled-job check give each job one worker at a time and take over a dead
 * node's jobs. Attempts, backoff and the dead letter are decided here from the document, so both
 * runners behave the same.
 */
export class BullJobRunner implements JobRunner {
  private readonly kinds = new JobKinds();
  private readonly queues = new Map<string, KindQueue>();
  private readonly controllers = new Set<AbortController>();
  private readonly inFlight = new Set<Promise<void>>();
  private feed: Feed | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private started = false;
  private stopping = false;
  private stopped: Promise<boolean> | undefined;
  private readonly connection: { url: string };
  private bull: BullMQ | undefined;

  constructor(
    private readonly store: DocStore,
    private readonly options: BullRunnerOptions,
  ) {
    this.connection = { url: options.redisUrl };
  }

  register(kind: string, handler: JobHandler, options?: RegisterOptions): void {
    const entry = this.kinds.register(kind, handler, options);
    if (this.started) this.openQueue(entry);
  }

  async start(): Promise<void> {
    if (this.started) return;
    await ensureJobIndex(this.store);
    this.bull ??= await import('bullmq');
    this.started = true;
    for (const entry of this.kinds.all()) this.openQueue(entry);
    this.feed = this.store.follow({
      since: 'now',
      selector: { type: 'job', state: 'pending' },
      onChange: (row) => {
        if (isJobDoc(row.doc) && row.doc.state === 'pending') void this.enqueue([row.doc]);
      },
      onError: (error) => this.options.log(`jobs: change feed failed: ${error.message}`),
    });
    await this.sweep();
    this.sweepTimer = setInterval(() => void this.sweep(), this.options.sweepMs ?? 30_000);
  }

  /** Once: a second call (the drain, then an embedder's close) gets the first one's answer. */
  stop(): Promise<boolean> {
    if (!this.started) return Promise.resolve(true);
    return (this.stopped ??= this.stopNow());
  }

  private async stopNow(): Promise<boolean> {
    this.stopping = true;
    this.feed?.stop();
    clearInterval(this.sweepTimer);
    // One bound for pausing and waiting: a Redis that stopped answering must not hold stop() (and a drain) forever.
    const deadline = Date.now() + (this.options.stopTimeoutMs ?? 10_000);
    const workers = [...this.queues.values()].map((q) => q.worker);
    const paused = await within(Promise.all(workers.map((w) => w.pause(true))), deadline - Date.now());
    const finished = paused && (await within(Promise.allSettled([...this.inFlight]), deadline - Date.now()));
    const force = !finished;
    if (force) {
      // Left as after a crash: BullMQ's stalled check hands these jobs to another node.
      for (const controller of this.controllers) controller.abort(new Error('job runner stopped'));
      this.options.log(`jobs: stopped with ${this.inFlight.size} job(s) still running; another node takes them over`);
    }
    // A graceful close() is memoised and would wait for abandoned jobs forever: decide once. Closing
    // gets a short grace of its own, past the bound: a Redis that is down never answers it.
    const closing = Promise.all([...workers.map((w) => w.close(force)), ...[...this.queues.values()].map((q) => q.queue.close())]);
    if (!(await within(closing, CLOSE_GRACE_MS))) this.options.log(`jobs: Redis did not answer closing the queues within ${CLOSE_GRACE_MS} ms; left open`);
    return finished;
  }

  async idle(): Promise<void> {
    while (!(await nothingDue(this.store, this.kinds.names(), Date.now()))) await sleep(IDLE_CHECK_MS);
  }

  private openQueue(entry: KindEntry): void {
    const { Queue, Worker } = this.loaded();
    const common = { connection: this.connection, prefix: this.options.prefix ?? 'atende' };
    const queue = new Queue<BullData>(entry.kind, common);
    const worker = new Worker<BullData>(entry.kind, (job, token, signal) => this.track(this.process(entry, job, token, signal)), {
      ...common,
      concurrency: entry.concurrency,
      lockDuration: this.options.lockDurationMs ?? 30_000,
      stalledInterval: this.options.stalledIntervalMs ?? 30_000,
      // Attempts are counted in the job document, so a job may stall more often than BullMQ's default.
      maxStalledCount: entry.policy.maxAttempts,
      name: this.options.nodeId,
    });
    queue.on('error', (error) => this.options.log(`jobs: queue ${entry.kind}: ${error.message}`));
    worker.on('error', (error) => this.options.log(`jobs: worker ${entry.kind}: ${error.message}`));
    this.queues.set(entry.kind, { entry, queue, worker });
  }

  private async enqueue(docs: JobDoc[]): Promise<void> {
    const now = Date.now();
    const byKind = new Map<Queue<BullData>, JobDoc[]>();
    for (const doc of docs) {
      const queue = this.queues.get(doc.kind)?.queue;
      if (queue) byKind.set(queue, [...(byKind.get(queue) ?? []), doc]);
    }
    for (const [queue, kindDocs] of byKind) {
      try {
        await queue.addBulk(
          kindDocs.map((doc) => ({
            name: doc.kind,
            data: { docId: doc._id },
            opts: {
              jobId: bullJobId(doc._id),
              delay: Math.max(0, doc.runAt - now),
              // Freed ids let a job document that goes pending again (a resend) be added again.
              removeOnComplete: true,
              removeOnFail: true,
            },
          })),
        );
      } catch (error) {
        if (!this.stopping) this.options.log(`jobs: adding to ${queue.name} failed (the sweep retries): ${toError(error).message}`);
      }
    }
  }

  /** Pending jobs and lapsed leases in the store that Redis may not know; re-adding is harmless. */
  private async sweep(): Promise<void> {
    try {
      const kinds = this.kinds.names();
      if (kinds.length === 0 || this.stopping) return;
      await this.enqueue(await findExpiredLeases(this.store, kinds, Date.now(), SWEEP_PAGE));
      await this.enqueue(await findPending(this.store, kinds, SWEEP_PAGE));
    } catch (error) {
      this.options.log(`jobs: sweep failed: ${toError(error).message}`);
    }
  }

  private track(run: Promise<void>): Promise<void> {
    const settled = run.then(() => {}, () => {});
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
    return run;
  }

  private async process(entry: KindEntry, bullJob: Job<BullData>, token?: string, bullSignal?: AbortSignal): Promise<void> {
    const docId = bullJob.data.docId;
    const now = Date.now();
    let before: JobDoc | undefined;
    let waitUntil: number | undefined;
    const { doc: claim, written } = await updateDoc<JobDoc>(this.store, docId, (current) => {
      before = isJobDoc(current) ? current : undefined;
      waitUntil = before ? notBefore(before, now) : undefined;
      // Done, dead or gone: a late add from another node's feed.
      if (!before || before.state === 'done' || before.state === 'dead' || waitUntil !== undefined) return undefined;
      return abandonedAtLastAttempt(before, entry.policy)
        ? settle(before, { ok: false, error: new Error(`abandoned by ${before.owner ?? 'a stopped node'} during its last attempt`) }, entry.policy, now).doc
        : claimed(before, this.options.nodeId, this.options.lockDurationMs ?? 30_000, now);
    });
    if (waitUntil !== undefined) return this.delay(bullJob, waitUntil, token);
    if (!written || !claim) return;
    if (claim.state === 'dead') return deliverDeadLetter(entry, claim, new Error(claim.lastError ?? 'abandoned'), this.options.log);
    if (before?.state === 'running') this.options.log(`jobs: ${docId} taken over from ${before.owner ?? 'unknown owner'}`);

    const controller = new AbortController();
    this.controllers.add(controller);
    const signal = bullSignal ? AbortSignal.any([controller.signal, bullSignal]) : controller.signal;
    let outcome: Outcome;
    try {
      await entry.handler(claim, { attempt: claim.attempts, signal });
      outcome = { ok: true };
    } catch (error) {
      outcome = { ok: false, error };
    } finally {
      this.controllers.delete(controller);
    }
    // Abandoned by stop(): the node is as good as dead and another one owns the job now.
    if (controller.signal.aborted) return;

    const { doc, dead } = settle(claim, outcome, entry.policy, Date.now());
    const [result] = await this.store.bulkWrite([doc]);
    if (!result?.ok) {
      this.options.log(`jobs: ${docId}: outcome dropped, the job changed meanwhile (${result?.reason ?? 'no result'})`);
      return;
    }
    if (dead) return deliverDeadLetter(entry, { ...doc, _rev: result.rev }, dead, this.options.log);
    if (doc.state === 'pending') {
      this.options.log(`jobs: ${docId} attempt ${claim.attempts} failed, retry at ${new Date(doc.runAt).toISOString()}: ${doc.lastError ?? ''}`);
      return this.delay(bullJob, doc.runAt, token);
    }
  }

  /** BullMQ's pattern for a job that must wait: move it while holding its lock, then say so. */
  private async delay(bullJob: Job<BullData>, runAt: number, token: string | undefined): Promise<never> {
    await bullJob.moveToDelayed(runAt, token);
    throw new (this.loaded().DelayedError)();
  }

  /** Queues open only once start() has loaded BullMQ. */
  private loaded(): BullMQ {
    if (!this.bull) throw new Error('jobs: BullMQ used before start()');
    return this.bull;
  }
}
