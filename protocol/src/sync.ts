import { z } from 'zod';

/**
 * Replication contract (ARCHITECTURE §4, issue 8). Pulls read a per-scope index ordered by
 * `changedAt` (the server clock at commit) and then id; live changes are streamed over `/ws`
 * as `sync.docs` frames carrying the same kind of checkpoint.
 */

/**
 * How far a pull re-reads behind a checkpoint taken at the live end (`tail`): a write stamped
 * just before a read may commit just after it, and node clocks differ a little. Re-reading is
 * harmless (RxDB skips documents it already holds); skipping would lose them.
 */
export const SYNC_OVERLAP_MS = 5_000;

/** Finished conversations (and their messages) stay in a replica this many days by default. */
export const REPLICA_DAYS_DEFAULT = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Where a replica's window starts (server ms): what changed or finished before it is history, a
 * server query. The server starts fresh pulls there; the renderer purges what falls behind it.
 */
export function replicaWindowStart(replicaDays: number, now = Date.now()): number {
  return Math.max(0, now - replicaDays * DAY_MS);
}

export const SyncCheckpoint = z.object({
  /** The store's identity (database uuid + epoch): another value means another or a reset store. */
  store: z.string().min(1).max(100),
  /** The rights and replica window it was taken under: another value restarts from scratch. */
  scope: z.string().min(1).max(64),
  /** `changedAt` of the last document served; ties on `t` are ordered by `id`. */
  t: z.number().int().nonnegative(),
  id: z.string().max(200),
  /** Taken at the live end: the next pull starts SYNC_OVERLAP_MS before `t`. */
  tail: z.boolean(),
  /** Opaque cursor of a pull phase that is not ordered by `t` (server-defined). */
  phase: z.string().max(500).optional(),
});
export type SyncCheckpoint = z.infer<typeof SyncCheckpoint>;

/** What the server tells a socket about the replica it may hold (welcome, session.user). */
export const ReplicaInfo = z.object({
  /** Store identity, as in checkpoints. */
  store: z.string().min(1).max(100),
  /** Rights + window key, as in checkpoints. */
  scope: z.string().min(1).max(64),
  /** Finished conversations older than this many days leave the replica. */
  replicaDays: z.number().int().positive(),
});
export type ReplicaInfo = z.infer<typeof ReplicaInfo>;
