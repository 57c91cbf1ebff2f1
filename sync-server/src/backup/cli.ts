import { createWriteStream, existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createGunzip } from 'node:zlib';
import { ConfigError, loadConfig, type StoreConfig } from '../config/config.js';
import type { Env } from '../config/env.js';
import { writeBackup } from './dump.js';
import { erasedIn, ledgerPath, readLedgerFile } from './erasureLedger.js';
import { BackupError, backupHeader } from './format.js';
import { checkBackup, PartialRestoreError, restoreBackup, type BackupSummary } from './load.js';
import { openReplica, StoreInUseError } from './replica.js';
import { BACKUP_TOKEN_HEADER, backupTokenPath, readBackupToken } from './token.js';

/**
 * `npm run backup` and `npm run restore` (R-OPS-04), behind scripts/backup.ts and restore.ts.
 * Exit codes: 0 done; 1 refused or failed with nothing written (or no file left); 2 bad usage
 * or configuration; 3 a restore that stopped part-way (the message says how many documents).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, partial: 3 } as const;

export class UsageError extends Error {}

type Say = (line: string) => void;

/** At most a line every two seconds, and the last one always. */
function throttled(say: Say): (line: string, last?: boolean) => void {
  let at = 0;
  return (line, last = false) => {
    const now = Date.now();
    if (!last && now - at < 2000) return;
    at = now;
    say(line);
  };
}

export function storeOf(env: Env): StoreConfig {
  return configOf(env).store;
}

function configOf(env: Env): ReturnType<typeof loadConfig> {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

const describe = (s: BackupSummary) =>
  `${s.trailer.documents} documents (${s.live} live, ${s.trailer.deleted} deleted, ${s.trailer.conflicted} with conflicts, ` +
  `${s.trailer.attachments} attachments)`;

export interface BackupRun {
  file: string;
  via: 'direct' | 'server';
  summary: BackupSummary;
}

/**
 * Copies the configured store to `out`. 'auto' reads the store directly when it can (CouchDB
 * always; the embedded folder when no server holds it) and otherwise asks the running server.
 * Written to `<out>.partial`, checked whole, then renamed: a failed run leaves no backup file.
 */
export async function runBackup(env: Env, out: string, via: 'auto' | 'direct' | 'server', say: Say): Promise<BackupRun> {
  if (existsSync(out)) throw new UsageError(`${out} already exists; choose another --out`);
  if (!existsSync(path.dirname(path.resolve(out)))) throw new UsageError(`the folder of ${out} does not exist; create it first (mkdir -p ${path.dirname(out)})`);
  const store = storeOf(env);
  const partial = `${out}.partial`;
  const progress = throttled(say);
  let used: 'direct' | 'server' = 'direct';
  try {
    if (via !== 'server') {
      try {
        const { db, driver, where } = await openReplica(store, { create: false });
        say(`backup: reading the ${driver} store at ${where} directly${driver === 'embedded' ? ' (no server holds it)' : ''}`);
        try {
          await writeBackup(db, privateFile(partial), {
            driver,
            onProgress: (p) => progress(`backup: ${p.lines} of about ${Math.max(p.lines, p.estimate)} documents`),
          });
        } finally {
          await db.close();
        }
      } catch (error) {
        if (!(error instanceof StoreInUseError) || via === 'direct') throw error;
        say('backup: the data folder is held by a running server');
        used = 'server';
      }
    } else {
      used = 'server';
    }
    if (used === 'server') await fromServer(env, store, partial, say, progress);
    const summary = await checkBackup(partial);
    renameSync(partial, out);
    return { file: out, via: used, summary };
  } finally {
    rmSync(partial, { force: true });
  }
}

export const backupDone = (run: BackupRun) =>
  `backup: ${describe(run.summary)} written to ${run.file} (${run.via === 'server' ? 'copied by the running server' : 'read directly'})`;

async function fromServer(env: Env, store: StoreConfig, partial: string, say: Say, progress: (line: string, last?: boolean) => void) {
  const base = (env.ATENDE_BACKUP_URL ?? defaultUrl(env)).replace(/\/+$/, '');
  if (store.driver !== 'embedded') throw new UsageError('a CouchDB store is read directly: --via server is for the embedded store only');
  say(`backup: asking the server at ${base} for the copy`);
  // The server wrote it into the folder at start: reading it proves this runs where the store is.
  const folderToken = readBackupToken(store.dataDir);
  const token = env.ATENDE_BACKUP_TOKEN || (await signIn(base, env));
  const reply = await reach(base, `${base}/api/admin/backup`, {
    headers: { authorization: `Bearer ${token}`, [BACKUP_TOKEN_HEADER]: folderToken },
  });
  if (reply.status !== 200 || !reply.body) {
    const body = await reply.text().catch(() => '');
    const hint = reply.status === 404 ? ` (the server at ${base} is not the one holding ${backupTokenPath(store.dataDir)}: check ATENDE_BACKUP_URL)` : '';
    throw new BackupError(`the server refused the backup: ${reply.status} ${body}${hint}`.trim());
  }
  // Counts the lines as they arrive, for progress; the file itself is checked whole afterwards.
  const counter = createGunzip();
  let lines = -1;
  let estimate = 0;
  let head = '';
  counter.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    if (lines < 0) {
      head += text;
      const parsed = head.includes('\n') ? backupHeader.safeParse(safeJson(head.slice(0, head.indexOf('\n')))) : undefined;
      if (parsed?.success) estimate = parsed.data.docCountAtStart;
    }
    lines += text.split('\n').length - 1;
    const done = Math.max(0, lines - 1);
    progress(`backup: ${done} of about ${Math.max(done, estimate)} documents`);
  });
  counter.on('error', () => {});
  const body = Readable.fromWeb(reply.body as WebReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => counter.write(chunk));
  await pipeline(body, privateFile(partial));
  counter.end();
}

/** The file holds password hashes and channel secrets: readable by its owner only. */
const privateFile = (file: string) => createWriteStream(file, { mode: 0o600 });

/** A refused connection says where it looked and how to point elsewhere, not just "fetch failed". */
async function reach(base: string, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const reason = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new BackupError(`no server answered at ${base} (${reason}): give the server's PORT/HOST, or ATENDE_BACKUP_URL`);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function defaultUrl(env: Env): string {
  const host = !env.HOST || env.HOST === '0.0.0.0' || env.HOST === '::' ? '127.0.0.1' : env.HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${env.PORT || '8080'}`;
}

async function signIn(base: string, env: Env): Promise<string> {
  const email = env.ATENDE_BACKUP_EMAIL;
  const password = env.ATENDE_BACKUP_PASSWORD;
  if (!email || !password) {
    throw new UsageError('a running server holds the store: set ATENDE_BACKUP_EMAIL and ATENDE_BACKUP_PASSWORD (an admin) or ATENDE_BACKUP_TOKEN so it can be asked for the copy, or stop the server');
  }
  const reply = await reach(base, `${base}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }),
  });
  const body = (await reply.json().catch(() => ({}))) as { accessToken?: string; message?: string };
  if (reply.status !== 200 || !body.accessToken) throw new BackupError(`signing in as ${email} failed: ${reply.status} ${body.message ?? ''}`.trim());
  return body.accessToken;
}

/** Restores `file` into the configured store, which must be empty unless `force`. */
export async function runRestore(env: Env, file: string, force: boolean, say: Say): Promise<string> {
  if (!existsSync(file)) throw new UsageError(`${file} does not exist`);
  const { store, privacyDir } = configOf(env);
  say(`restore: checking ${file}`);
  const checked = await checkBackup(file);
  say(`restore: the file holds ${describe(checked)}, copied from the ${checked.header.driver} store at ${checked.header.createdAt}`);
  // Erased people stay erased (R-PRIV-03): the ledger beside the store lists what the backup may still hold.
  const ledger = await readLedgerFile(ledgerPath(privacyDir));
  say(`restore: the erasure ledger ${ledgerPath(privacyDir)} lists ${ledger.size} removed document(s); they are left out`);
  let opened;
  try {
    opened = await openReplica(store, { create: true });
  } catch (error) {
    if (error instanceof StoreInUseError) throw new BackupError(`${error.message}: stop it before restoring into this folder`);
    throw error;
  }
  const progress = throttled(say);
  try {
    say(`restore: into the ${opened.driver} store at ${opened.where}${force ? ' (--force: merged with what it holds)' : ''}`);
    const result = await restoreBackup(file, opened.db, {
      force,
      checked,
      erased: erasedIn(ledger),
      onProgress: (done, total) => progress(`restore: ${done} of ${total} documents`, done === total),
    });
    const counted = force ? '' : `; the store counts ${result.live} live documents, as the backup does`;
    const left = result.skipped > 0 ? `; ${result.skipped} erased document(s) left out` : '';
    return `restore: ${describe(result)} restored into ${opened.where}${counted}${left}`;
  } finally {
    await opened.db.close();
  }
}

/** Exit code for an error, after saying it. */
export function failure(error: unknown, say: Say): number {
  if (error instanceof UsageError) {
    say(`error: ${error.message}`);
    return EXIT.usage;
  }
  if (error instanceof PartialRestoreError) {
    say(`error: ${error.message}`);
    // Nothing in the target only when nothing was written and nothing may have been.
    return error.written + error.unsure + error.refused.length > 0 ? EXIT.partial : EXIT.failed;
  }
  say(`error: ${error instanceof Error ? error.message : String(error)}`);
  return EXIT.failed;
}

/**
 * Runs a command's body (scripts/backup.ts, restore.ts) and turns what it throws into the exit
 * code; parseArgs' own errors (an unknown option, a missing value) are usage errors too.
 */
export async function runCommand(body: () => Promise<number>, say: Say = (line) => console.error(line)): Promise<number> {
  try {
    return await body();
  } catch (error) {
    const usage = error instanceof TypeError && 'code' in error ? new UsageError(error.message) : error;
    return failure(usage, say);
  }
}
