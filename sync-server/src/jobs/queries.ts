import type { DocStore, Selector } from '../store/types.js';
import { isJobDoc, jobId, type JobDoc } from './types.js';

/** One index serves both questions the runners ask: which pending jobs are due, which leases expired. */
export const JOB_INDEX = 'idx-job-due';
const JOB_INDEX_FIELDS = ['type', 'state', 'runAt'];
const SORT_BY_RUN_AT: Array<Record<string, 'asc'>> = [{ type: 'asc' }, { state: 'asc' }, { runAt: 'asc' }];

export async function ensureJobIndex(store: DocStore): Promise<void> {
  await store.ensureIndex(JOB_INDEX, JOB_INDEX_FIELDS);
}

/**
 * PouchDB answers index-covered fields from the index but returns the document as it is now, so a
 * job claimed between the two shows up here as `running`: the runners check again what they asked.
 */
function jobs(docs: unknown[], still: (job: JobDoc) => boolean): JobDoc[] {
  return docs.filter((doc): doc is JobDoc => isJobDoc(doc as JobDoc) && still(doc as JobDoc));
}

/**
 * Pending jobs of these kinds, earliest first, due or not: the first one not yet due tells the
 * runner how long it may sleep.
 */
export async function findPending(store: DocStore, kinds: string[], limit: number): Promise<JobDoc[]> {
  const selector: Selector = { type: 'job', state: 'pending', runAt: { $gte: 0 }, kind: { $in: kinds } };
  const found = await store.find({ selector, sort: SORT_BY_RUN_AT, limit, useIndex: JOB_INDEX });
  return jobs(found, (job) => job.state === 'pending');
}

/** Jobs whose owner stopped renewing the lease: a dead node's work, to be taken over. */
export async function findExpiredLeases(
  store: DocStore,
  kinds: string[],
  now: number,
  limit: number,
): Promise<JobDoc[]> {
  // runAt is only there so PouchDB accepts the index: its fields must cover a prefix of the index.
  const selector: Selector = {
    type: 'job', state: 'running', runAt: { $gte: 0 }, kind: { $in: kinds }, leaseUntil: { $lt: now },
  };
  const found = await store.find({ selector, limit, useIndex: JOB_INDEX });
  return jobs(found, (job) => job.state === 'running' && job.leaseUntil !== null && job.leaseUntil < now);
}

/** True when no job of these kinds is due and no job at all is running, store-wide (every node). */
export async function nothingDue(store: DocStore, kinds: string[], now: number): Promise<boolean> {
  const due = await store.find({
    selector: { type: 'job', state: 'pending', runAt: { $lte: now }, kind: { $in: kinds } },
    limit: 1,
    useIndex: JOB_INDEX,
  });
  if (due.length > 0) return false;
  const running = await store.find({ selector: { type: 'job', state: 'running' }, limit: 1, useIndex: JOB_INDEX });
  return running.length === 0;
}

/**
 * Deletes the job `kind`/`key` once it is settled (done or dead): chains that write a job per
 * round or period drop the one before, so their documents do not pile up. A job still pending or
 * running, or changed meanwhile (a conflict), is left alone.
 */
export async function dropSettledJob(store: DocStore, kind: string, key: string): Promise<void> {
  const job = (await store.get(jobId(kind, key))) as JobDoc | undefined;
  if (job?._rev && !job._deleted && (job.state === 'done' || job.state === 'dead')) {
    await store.bulkWrite([{ _id: job._id, _rev: job._rev, _deleted: true }]);
  }
}

