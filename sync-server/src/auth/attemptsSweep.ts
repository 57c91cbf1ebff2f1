import { startPeriodic } from '../jobs/periodic.js';
import { dropSettledJob } from '../jobs/queries.js';
import { jobId, newJob, type JobRunner } from '../jobs/types.js';
import type { DocStore, StoredDoc } from '../store/index.js';
import { LOGIN_ATTEMPTS_TYPE, type LoginAttemptsDoc } from './throttle.js';

/**
 * Anyone may type any e-mail at the login, and each new one writes a `login-attempts:` record
 * (throttle.ts): left alone they would pile up forever. A record past its `forgetAt` (window over,
 * no lock, lockouts forgotten, place no longer known) says nothing a missing one would not, so a
 * recurring job deletes those, a bounded batch at a time, each deletion revision-checked so a
 * guess counted meanwhile keeps its record. Scheduled like the Reclame Aqui reputation
 * (reputationJob.ts): slot n is the job `job:login-attempts-sweep.<n>`, written by every node,
 * created once, run by one.
 */
export const LOGIN_ATTEMPTS_SWEEP_JOB = 'login-attempts-sweep';
const FORGET_INDEX = 'idx-login-attempts-forget';
const SWEEP_EVERY_MS = 10 * 60_000;
/**
 * A record is swept only this long after its `forgetAt`: a guess taking the last seat just before
 * its window ends may still be hashing, and its lock must find the record (throttle.ts rebuilds it too).
 */
export const SWEEP_GRACE_MS = 60_000;
/** Records deleted per slot at most: a backlog is worked off over several slots, never in one long write. */
export const SWEEP_BATCH = 500;

export interface AttemptsSweepDeps {
  store: DocStore;
  log: (message: string) => void;
  /** The slot length; tests shorten it. */
  everyMs?: number;
  now?: () => number;
}

export async function ensureAttemptsIndex(store: DocStore): Promise<void> {
  await store.ensureIndex(FORGET_INDEX, ['type', 'forgetAt']);
}

/** Deletes up to `batch` records forgotten more than SWEEP_GRACE_MS before `now`; returns how many went. */
export async function sweepLoginAttempts(store: DocStore, now: number, batch = SWEEP_BATCH): Promise<number> {
  const before = now - SWEEP_GRACE_MS;
  const found = await store.find({
    selector: { type: LOGIN_ATTEMPTS_TYPE, forgetAt: { $lt: before } },
    limit: batch,
    useIndex: FORGET_INDEX,
  });
  // The index may lag the document: check again what was asked.
  const expired = (found as LoginAttemptsDoc[]).filter((d) => !d._deleted && d._rev && d.forgetAt < before);
  if (expired.length === 0) return 0;
  const results = await store.bulkWrite(expired.map((d): StoredDoc => ({ _id: d._id, _rev: d._rev as string, _deleted: true })));
  return results.filter((r) => r.ok).length;
}

/** Writes the current slot's sweep job unless some node did already. */
export async function scheduleAttemptsSweep(deps: AttemptsSweepDeps): Promise<void> {
  const slot = Math.floor((deps.now ?? Date.now)() / (deps.everyMs ?? SWEEP_EVERY_MS));
  if (await deps.store.get(jobId(LOGIN_ATTEMPTS_SWEEP_JOB, String(slot)))) return;
  // Two nodes writing the same slot at once: one write conflicts, the job exists once.
  await deps.store.bulkWrite([newJob(LOGIN_ATTEMPTS_SWEEP_JOB, String(slot), { slot })]);
}

/** Registers the sweep and starts this node's watchdog (first tick after one period); the returned function stops it. */
export async function registerLoginAttemptsSweep(jobs: JobRunner, deps: AttemptsSweepDeps): Promise<() => void> {
  await ensureAttemptsIndex(deps.store);
  jobs.register(LOGIN_ATTEMPTS_SWEEP_JOB, async (job) => {
    const swept = await sweepLoginAttempts(deps.store, (deps.now ?? Date.now)());
    if (swept > 0) deps.log(`login attempts: ${swept} forgotten records deleted`);
    // The slot before is settled: drop its job, so the sweep's own jobs do not pile up either.
    await dropSettledJob(deps.store, LOGIN_ATTEMPTS_SWEEP_JOB, String(Number(job.payload.slot) - 1));
  }, { policy: { maxAttempts: 3, baseDelayMs: 30_000, maxDelayMs: 5 * 60_000 }, concurrency: 1 });
  return startPeriodic(() => scheduleAttemptsSweep(deps), {
    everyMs: deps.everyMs ?? SWEEP_EVERY_MS, failed: (e) => deps.log(`login attempts sweep not scheduled: ${String(e)}`),
  });
}
