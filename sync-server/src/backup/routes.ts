import { Router, type RequestHandler } from 'express';
import type { StoreConfig } from '../config/config.js';
import { DomainError } from '@atende/protocol';
import { principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { sameSecret } from '../auth/tokens.js';
import { writeBackup } from './dump.js';
import { backupFileName, type StoreDriver } from './format.js';
import { embeddedReplicaOf, type HeldReplica } from './replica.js';
import { BACKUP_TOKEN_HEADER, writeBackupToken } from './token.js';

/**
 * Lets through only a request carrying `token` in BACKUP_TOKEN_HEADER, compared in constant time
 * (neither the bytes nor the length leak). Others get the same 404 as a route that does not exist:
 * from outside there is nothing here, not even a door to try passwords at.
 */
function backupTokenDoor(token: string): RequestHandler {
  return (req, _res, next) => {
    const given = req.headers[BACKUP_TOKEN_HEADER];
    if (typeof given !== 'string' || !sameSecret(given, token)) {
      // Worded as the app's own 404 for an unknown path (http/errors.ts), so the two cannot be told apart.
      next(new DomainError('not_found', 'not_found', `No route for ${req.method} ${req.originalUrl.split('?')[0]}`));
      return;
    }
    next();
  };
}

/** A full copy reads every document: a few an hour is plenty for an operator, and bounds the load. */
const BACKUPS_PER_HOUR = 12;
const HOUR_MS = 3_600_000;

export interface BackupRouteOptions {
  auth: AuthService;
  driver: StoreDriver;
  /** The store's database as the server has it open (LevelDB lets only this process read the folder). */
  replica: () => Promise<HeldReplica>;
  log: (message: string) => void;
  /** This start's token from the data folder (backup/token.ts): the caller proves it can read the folder. */
  token: string;
}

/**
 * `GET /api/admin/backup` (R-OPS-04): the running server's copy of its store, as the gzip NDJSON
 * backup file `npm run backup` writes, streamed. Admins only, and only with the token the server wrote
 * into its data folder (the copy holds password hashes, channel credentials and secrets the API never
 * shows, so a stolen admin password alone does not take the store from the internet; without the
 * token the route answers 404, as one that does not exist); one copy at a time per node and at
 * most BACKUPS_PER_HOUR an hour. A failure after the first byte cuts the stream, so the file
 * lacks its end line and both `npm run backup` and `npm run restore` refuse it.
 */
export function backupRoutes(options: BackupRouteOptions): Router {
  const router = Router();
  let running = false;
  let started: number[] = [];
  router.get('/', backupTokenDoor(options.token), requireUser(options.auth, ['admin']), async (req, res, next) => {
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
    options.log(`backup: copy requested by ${principalOf(req).user.id}`);
    let held: HeldReplica | undefined;
    try {
      held = await options.replica();
      // Headers only now: a store that cannot be read is still a plain error answer.
      res.setHeader('Content-Type', 'application/gzip');
      res.setHeader('Content-Disposition', `attachment; filename="${backupFileName(new Date(now), options.driver)}"`);
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
 * The backup route's mount for a server that opened its embedded store (`opened`) from `store`: a new
 * token is written into the data folder at each start. Only the embedded store needs the route
 * (LevelDB lets one process read the folder); `npm run backup` reads CouchDB directly. A server given
 * an already-open store (several nodes in one process) does not own it and offers no copy of it.
 */
export function backupApi(
  options: { auth: AuthService; store: StoreConfig; opened: unknown; log: (message: string) => void },
  { ownsStore }: { ownsStore: boolean },
): Array<[string, Router]> {
  if (!ownsStore || options.store.driver !== 'embedded') return [];
  const token = writeBackupToken(options.store.dataDir);
  // The server's own handle, never closed here; its shape is checked per copy, so a change fails the backup, not the start.
  const replica = async (): Promise<HeldReplica> => ({ db: embeddedReplicaOf(options.opened), release: async () => {} });
  return [['/api/admin/backup', backupRoutes({ auth: options.auth, driver: 'embedded', replica, log: options.log, token })]];
}
