import { Router } from 'express';
import type { StoreConfig } from '../config/config.js';
import { DomainError } from '@atende/protocol';
import { onThisMachine } from '../auth/machine.js';
import { principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { writeBackup } from './dump.js';
import type { StoreDriver } from './format.js';
import { serverReplica, type HeldReplica } from './replica.js';

/** A full copy reads every document: a few an hour is plenty for an operator, and bounds the load. */
const BACKUPS_PER_HOUR = 12;
const HOUR_MS = 3_600_000;

export interface BackupRouteOptions {
  auth: AuthService;
  driver: StoreDriver;
  /** The store's database as the server has it open (LevelDB lets only this process read the folder). */
  replica: () => Promise<HeldReplica>;
  log: (message: string) => void;
}

/**
 * `GET /api/admin/backup` (R-OPS-04): the running server's copy of its store, as the gzip NDJSON
 * backup file `npm run backup` writes, streamed. Admins only, on this machine only (the copy holds
 * password hashes, channel credentials and secrets the API never shows, so a stolen admin password alone
 * does not take the store from the internet); one copy at a time per node and at
 * most BACKUPS_PER_HOUR an hour. A failure after the first byte cuts the stream, so the file
 * lacks its end line and both `npm run backup` and `npm run restore` refuse it.
 */
export function backupRoutes(options: BackupRouteOptions): Router {
  const router = Router();
  let running = false;
  let started: number[] = [];
  router.get('/', onThisMachine, requireUser(options.auth, ['admin']), async (req, res, next) => {
    const now = Date.now();
    started = started.filter((at) => now - at < HOUR_MS);
    if (running) return next(new DomainError('conflict', 'backup_running', 'A backup is already being copied on this server; wait for it to finish'));
    if (started.length >= BACKUPS_PER_HOUR) {
      return next(new DomainError('rate_limited', 'rate_limited', `At most ${BACKUPS_PER_HOUR} backups an hour; try again later`));
    }
    running = true;
    started.push(now);
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
    options.log(`backup: copy requested by ${principalOf(req).user.id}`);
    let held: HeldReplica | undefined;
    try {
      held = await options.replica();
      // Headers only now: a store that cannot be read is still a plain error answer.
      res.setHeader('Content-Type', 'application/gzip');
      res.setHeader('Content-Disposition', `attachment; filename="atende-backup-${options.driver}-${stamp}.ndjson.gz"`);
      res.setHeader('Cache-Control', 'no-store');
      await writeBackup(held.db, res, { driver: options.driver, signal: abort.signal });
      options.log('backup: copy sent');
    } catch (error) {
      options.log(`backup: copy failed: ${error instanceof Error ? error.message : String(error)}`);
      // Before the first byte: an error answer. After it: a cut stream, which no reader accepts.
      if (!res.headersSent) next(error);
      else res.destroy();
    } finally {
      running = false;
      await held?.release().catch(() => undefined);
    }
  });
  return router;
}

/**
 * The backup route's mount for a server that opened its store (`opened`) from `store`. A server given an
 * already-open store (several nodes in one process) does not own it and offers no copy of it.
 */
export function backupApi(
  options: { auth: AuthService; store: StoreConfig; opened: unknown; log: (message: string) => void },
  { ownsStore }: { ownsStore: boolean },
): Array<[string, Router]> {
  if (!ownsStore) return [];
  const replica = serverReplica(options.store, options.opened);
  return [['/api/admin/backup', backupRoutes({ auth: options.auth, driver: options.store.driver, replica, log: options.log })]];
}
