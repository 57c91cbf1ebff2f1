import { setTimeout as sleep } from 'node:timers/promises';
import type { DocStore, Feed } from '../store/types.js';
import {
  abandonedAtLastAttempt, claimed, deliverDeadLetter, JobKinds, type KindEntry, type Outcome, settle, toError,
} from './kinds.js';
import { ensureJobIndex, findExpiredLeases, findPending, nothingDue } from './queries.js';
import type { JobDoc, JobHandler, JobRunner, RegisterOptions } from './types.js';

export interface StoreRunnerOptions {
  /** Written as the owner of claimed jobs; one per process. */
  nodeId: string;
  log: (message: string) => void;
  /** Longest sleep between scans when the change feed is quiet (it wakes the runner at once). */
  pollMs?: number;
  /** How long stop() waits for running handlers before leaving them to lease takeover. */
  stopTimeoutMs?: number;
  /**
   * This runner is the only one over the store (an embedded store, which one process holds): a
   * running job it did not start was left by a dead process (kill -9, power loss) and is taken
   * over at once instead of after that process's lease (issue 14: messages stayed queued a minute).
   */
  exclusive?: boolean;
}

interface Execution {
  kind: string;
  controller: AbortController;
  /** Set when stop() gave up on the handler: its result must not be written any more. */
  abandoned: boolean;
  finished: Promise<void>;
}

const IDLE_CHECK_MS = 20;
/** Feed-seen jobs kept in memory; past this the scan picks the rest up. */
const MAX_SEEN = 10_000;

/**
 * In-process workers over the store (embedded mode, or several nodes sharing one CouchDB without
 * Redis). A job is claimed by a revision-checked write, so two runners never run one job at the same
 * time; a claim carries a lease that the owner renews, and a job whose lease expired is taken over.
 * At most `concurrency` jobs per kind are claimed at once, which bounds what a node holds in memory.
 */
export class StoreJobRunner implements JobRunner {
  private readonly kinds = new JobKinds();
  private readonly executions = new Map<string, Execution>();
  private readonly pollMs: number;
  private readonly stopTimeoutMs: number;
  private feed: Feed | undefined;
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private stopping = false;
  private stopped: Promise<boolean> | undefined;
  /** stop() ran out of time: nothing may start any more, not even a claim that was in flight. */
  private gaveUp = false;
  private pumping: Promise<void> | undefined;
  private wokenWhilePumping = false;
  /**
   * Pending jobs seen on the change feed, claimed straight from it: the index scan is only the
   * safety net (jobs written before start, leases of dead nodes), because under a steady stream of
   * writes PouchDB's lazily updated Mango index can take seconds to answer.
   */
  private readonly seen = new Map<string, JobDoc>();
  private lastScanAt = 0;
  private scanning: Promise<void> | undefined;
  /** Claims are written one batch at a time so free slots are never handed out twice. */
  private claiming: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: DocStore,
    private readonly options: StoreRunnerOptions,
  ) {
    this.pollMs = options.pollMs ?? 1_000;
    this.stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  }

  register(kind: string, handler: JobHandler, options?: RegisterOptions): void {
    this.kinds.register(kind, handler, options);
    this.wake();
  }

  async start(): Promise<void> {
    if (this.started) return;
    await ensureJobIndex(this.store);
    this.started = true;
    // Subscribed before the first scan, so a job written in between is not missed.
    this.feed = this.store.follow({
      since: 'now',
      selector: { type: 'job' },
      onChange: (row) => {
        const job = row.doc as JobDoc;
        if (!row.deleted && job.state === 'pending' && this.kinds.get(job.kind)) {
          if (this.seen.size < MAX_SEEN) this.seen.set(job._id, job);
          this.wake();
        } else {
          this.seen.delete(row.id);
        }
      },
      onError: (error) => this.options.log(`jobs: change feed failed: ${error.message}`),
    });
    this.wake();
  }

  /** Once: a second call (the drain, then an embedder's close) gets the first one's answer. */
  stop(): Promise<boolean> {
    if (!this.started) return Promise.resolve(true);
    return (this.stopped ??= this.stopNow());
  }

  private async stopNow(): Promise<boolean> {
    this.stopping = true;
    this.feed?.stop();
    clearTimeout(this.timer);
    // One bound for all of it: a store that stopped answering must not hold stop() (and a drain) forever.
    const settled = (async () => {
      await Promise.all([this.pumping, this.scanning, this.claiming]);
      await Promise.all([...this.executions.values()].map((e) => e.finished));
      return true;
    })();
    // Cleared once settled: a timer as long as the shutdown bound would keep the process (a test worker, an embedder) alive.
    const bound = new AbortController();
    const outOfTime = sleep(this.stopTimeoutMs, false, { signal: bound.signal }).catch(() => false);
    const inTime = await Promise.race([settled, outOfTime]);
    bound.abort();
    if (inTime) return true;
    // Their leases run out and another node takes the jobs over, as after a crash; a claim still in
    // flight that lands after this is left to the same takeover (claimNow starts nothing any more).
    this.gaveUp = true;
    for (const execution of this.executions.values()) {
      execution.abandoned = true;
      execution.controller.abort(new Error('job runner stopped'));
    }
    this.options.log(`jobs: stopped with ${this.executions.size} job(s) still running; their leases will expire`);
    // Out of time even with no handler running: a claim that lands late leaves its job to lease takeover too.
    return false;
  }

  async idle(): Promise<void> {
    for (;;) {
      if (this.executions.size === 0 && !this.pumping && (await nothingDue(this.store, this.kinds.names(), Date.now()))) {
        return;
      }
      await sleep(IDLE_CHECK_MS);
    }
  }

  private readonly wake = (): void => {
    if (!this.started || this.stopping) return;
    if (this.pumping) {
      this.wokenWhilePumping = true;
      return;
    }
    clearTimeout(this.timer);
    this.pumping = this.pump().finally(() => {
      this.pumping = undefined;
    });
  };

  private async pump(): Promise<void> {
    let nextRunAt: number | undefined;
    do {
      this.wokenWhilePumping = false;
      try {
        nextRunAt = await this.claimDueJobs();
      } catch (error) {
        this.options.log(`jobs: scan failed: ${toError(error).message}`);
        nextRunAt = undefined;
      }
    } while (this.wokenWhilePumping && !this.stopping);
    if (this.stopping) return;
    const sleepMs = nextRunAt === undefined ? this.pollMs : Math.min(this.pollMs, Math.max(0, nextRunAt - Date.now()));
    this.timer = setTimeout(this.wake, sleepMs);
  }

  private freeSlots(): Map<string, number> {
    const free = new Map<string, number>();
    for (const entry of this.kinds.all()) {
      let busy = 0;
      for (const execution of this.executions.values()) if (execution.kind === entry.kind) busy++;
      if (entry.concurrency > busy) free.set(entry.kind, entry.concurrency - busy);
    }
    return free;
  }

  /**
   * Claims the due jobs the feed showed, and starts a scan of the index when the last one is older
   * than pollMs (without waiting for it). Returns when the earliest known job not yet due becomes due.
   */
  private async claimDueJobs(): Promise<number | undefined> {
    const now = Date.now();
    const due: JobDoc[] = [];
    let nextRunAt: number | undefined;
    for (const job of this.seen.values()) {
      if (job.runAt <= now) due.push(job);
      else nextRunAt = Math.min(nextRunAt ?? Infinity, job.runAt);
    }
    if (due.length > 0) await this.claim(due, now);
    if (now - this.lastScanAt >= this.pollMs && !this.scanning) {
      this.lastScanAt = now;
      this.scanning = this.scan().finally(() => {
        this.scanning = undefined;
      });
    }
    return nextRunAt;
  }

  /** The safety net: due jobs and expired leases from the index, whatever the feed showed. */
  private async scan(): Promise<void> {
    try {
      const kinds = this.kinds.names();
      const now = Date.now();
      const room = Math.max(1, [...this.freeSlots().values()].reduce((sum, n) => sum + n, 0));
      // Alone over the store, every running job not ours is a dead process's. Ours come back too (and
      // sort first when older), so the page is widened by them and they are dropped from it.
      const expired = this.options.exclusive
        ? (await findExpiredLeases(this.store, kinds, Number.MAX_SAFE_INTEGER, room + this.executions.size))
            .filter((job) => !this.executions.has(job._id))
        : await findExpiredLeases(this.store, kinds, now, room);
      const pending = await findPending(this.store, kinds, room + 1);
      for (const job of pending) if (this.seen.size < MAX_SEEN) this.seen.set(job._id, job);
      await this.claim([...expired, ...pending.filter((job) => job.runAt <= now)], now);
      // Jobs found for later are in `seen` now: the pump's timer follows the earliest of them.
      if (pending.length > 0) this.wake();
    } catch (error) {
      this.options.log(`jobs: scan failed: ${toError(error).message}`);
    }
  }

  private claim(candidates: JobDoc[], now: number): Promise<void> {
    const run = this.claiming.then(() => this.claimNow(candidates, now));
    this.claiming = run.catch(() => undefined);
    return run;
  }

  private async claimNow(candidates: JobDoc[], now: number): Promise<void> {
    const free = this.freeSlots();
    const picked: Array<{ job: JobDoc; entry: KindEntry }> = [];
    for (const job of candidates) {
      const entry = this.kinds.get(job.kind);
      const slots = free.get(job.kind) ?? 0;
      if (!entry || slots === 0 || this.executions.has(job._id)) continue;
      free.set(job.kind, slots - 1);
      picked.push({ job, entry });
    }
    if (picked.length === 0 || this.stopping) return;
    for (const { job } of picked) this.seen.delete(job._id);

    const claims = picked.map(({ job, entry }) =>
      abandonedAtLastAttempt(job, entry.policy)
        ? settle(job, { ok: false, error: new Error(`abandoned by ${job.owner ?? 'a stopped node'} during its last attempt`) }, entry.policy, now).doc
        : claimed(job, this.options.nodeId, entry.policy.leaseMs, now),
    );
    const results = await this.store.bulkWrite(claims);
    results.forEach((result, i) => {
      const claim = claims[i];
      const pick = picked[i];
      // A conflict means another node claimed it first (or the feed's copy was stale): not ours to run.
      if (!result.ok || !claim || !pick || this.gaveUp) return;
      const job: JobDoc = { ...claim, _rev: result.rev };
      if (pick.job.state === 'running') {
        this.options.log(`jobs: ${job._id} taken over from ${pick.job.owner ?? 'unknown owner'}`);
      }
      if (job.state === 'dead') {
        void deliverDeadLetter(pick.entry, job, new Error(job.lastError ?? 'abandoned'), this.options.log);
      } else {
        this.execute(job, pick.entry);
      }
    });
  }

  private execute(claim: JobDoc, entry: KindEntry): void {
    const controller = new AbortController();
    const execution: Execution = { kind: entry.kind, controller, abandoned: false, finished: Promise.resolve() };
    this.executions.set(claim._id, execution);
    execution.finished = this.run(claim, entry, execution)
      .catch((error) => this.options.log(`jobs: ${claim._id}: ${toError(error).message}`))
      .finally(() => {
        this.executions.delete(claim._id);
        this.wake();
      });
  }

  private async run(claim: JobDoc, entry: KindEntry, execution: Execution): Promise<void> {
    let current = claim;
    // Renewals are chained so none is in flight when the outcome is written with the latest revision.
    let renewal = Promise.resolve();
    const renewLease = async (): Promise<void> => {
      if (execution.controller.signal.aborted) return;
      const renewed: JobDoc = { ...current, leaseUntil: Date.now() + entry.policy.leaseMs, updatedAt: Date.now() };
      const [result] = await this.store.bulkWrite([renewed]);
      if (result?.ok) current = { ...renewed, _rev: result.rev };
      else execution.controller.abort(new Error('lease lost to another node'));
    };
    const renewTimer = setInterval(() => {
      renewal = renewal.then(renewLease).catch((error) => this.options.log(`jobs: renewing ${claim._id}: ${toError(error).message}`));
    }, Math.max(10, Math.floor(entry.policy.leaseMs / 3)));

    let outcome: Outcome;
    try {
      await entry.handler(claim, { attempt: claim.attempts, signal: execution.controller.signal });
      outcome = { ok: true };
    } catch (error) {
      outcome = { ok: false, error };
    } finally {
      clearInterval(renewTimer);
      await renewal;
    }
    if (execution.abandoned || execution.controller.signal.aborted) return;

    const { doc, dead } = settle(current, outcome, entry.policy, Date.now());
    const [result] = await this.store.bulkWrite([doc]);
    if (!result?.ok) {
      this.options.log(`jobs: ${claim._id}: outcome dropped, the job changed meanwhile (${result?.reason ?? 'no result'})`);
      return;
    }
    if (!outcome.ok && !dead) {
      this.options.log(`jobs: ${claim._id} attempt ${claim.attempts} failed, retry at ${new Date(doc.runAt).toISOString()}: ${doc.lastError ?? ''}`);
    }
    if (dead) await deliverDeadLetter(entry, { ...doc, _rev: result.rev }, dead, this.options.log);
  }
}
