import { DomainError, NO_REMOVALS, ulid, type RetentionRun } from '@atende/protocol';
import type { DocStore, StoredDoc } from '../store/index.js';
import { updateDoc } from '../store/update.js';

/**
 * The record of each retention run (R-PRIV-01: "a scheduled job that reports what it removed"):
 * a server-only `retentionrun:<ulid>` document (its type is not replicated, store/syncView.ts),
 * written `running` when the run starts and settled `done` or `failed`, so a run cut short by a
 * crash still shows that it started. Counts and ids of teams only: nothing of the people removed.
 */
export const RUN_PREFIX = 'retentionrun:';
export const RUNS_LISTED = 50;

type RunFields = Omit<RetentionRun, 'id'>;
interface RunDoc extends StoredDoc, RunFields {
  type: 'retentionrun';
  /** Who asked: the daily schedule, or an admin's "Executar agora". */
  trigger: 'schedule' | 'admin';
}

function runOf(doc: StoredDoc): RetentionRun {
  const d = doc as RunDoc;
  return {
    id: d._id, startedAt: d.startedAt, finishedAt: d.finishedAt, status: d.status,
    teams: d.teams, held: d.held, removed: d.removed, error: d.error,
  };
}

export const runId = (at: number): string => `${RUN_PREFIX}${ulid(at)}`;

export async function startRun(store: DocStore, id: string, at: number, trigger: RunDoc['trigger']): Promise<RetentionRun> {
  const doc: RunDoc = {
    _id: id, type: 'retentionrun', trigger, startedAt: at, finishedAt: null,
    status: 'running', teams: [], held: 0, removed: { ...NO_REMOVALS }, error: null,
  };
  const [written] = await store.bulkWrite([doc]);
  if (!written?.ok) throw new Error(`retention run not recorded: ${written ? written.reason : 'no result'}`);
  return runOf(doc);
}

/** Settles the run's record with what it did (or how it failed). */
export async function settleRun(store: DocStore, run: RetentionRun): Promise<RetentionRun> {
  const { id, ...fields } = run;
  const { doc } = await updateDoc<RunDoc>(store, id, (current) => (current ? { ...current, ...fields } : undefined));
  return doc ? runOf(doc) : run;
}

/** The newest runs first, at most RUNS_LISTED (ulid ids sort by time). */
export async function listRuns(store: DocStore): Promise<RetentionRun[]> {
  const docs = await store.find({
    selector: { _id: { $gt: RUN_PREFIX, $lt: `${RUN_PREFIX}\uffff` } }, sort: [{ _id: 'desc' }], limit: RUNS_LISTED,
  });
  return docs.filter((d) => !d._deleted).map(runOf);
}

/**
 * One run at a time across every node: a lock document taken with a revision-checked write
 * (created without a revision, or over a released or stale one with its revision), so of two
 * takers one meets a conflict. The run renews it between steps (keepLock); one not renewed for
 * LOCK_STALE_MS is a node that died mid-run, and the next run may take it over.
 */
const LOCK_ID = 'retentionlock:run';
export const LOCK_STALE_MS = 30 * 60_000;

export const retentionBusy = () =>
  new DomainError('conflict', 'retention_running', 'Uma execução da retenção já está em andamento; aguarde o resultado dela.');

/** Takes the lock for `runKey`; false when another run holds it. */
export async function takeLock(store: DocStore, now: number, runKey: string): Promise<boolean> {
  const current = await store.get(LOCK_ID, { fresh: true });
  const held = current && !current._deleted && current.released !== true && Number(current.takenAt) > now - LOCK_STALE_MS;
  if (held) return false;
  const lock: StoredDoc = { _id: LOCK_ID, type: 'retentionlock', takenAt: now, runKey, released: false };
  if (current?._rev && !current._deleted) lock._rev = current._rev;
  const [written] = await store.bulkWrite([lock]);
  return written?.ok === true;
}

/** Renews the lock `runKey` holds (a run's heartbeat between its steps). */
export async function keepLock(store: DocStore, now: number, runKey: string): Promise<void> {
  await updateDoc(store, LOCK_ID, (current) =>
    current && current.runKey === runKey && current.released !== true ? { ...current, takenAt: now } : undefined);
}

/** Releases the lock if `runKey` still holds it (a stale takeover is left alone). */
export async function releaseLock(store: DocStore, runKey: string): Promise<void> {
  await updateDoc(store, LOCK_ID, (current) =>
    current && current.runKey === runKey && current.released !== true ? { ...current, released: true } : undefined);
}
