import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { failure, runRestore } from '../src/backup/cli.js';
import type { LeafRevision } from '../src/backup/format.js';
import { readBackup } from '../src/backup/load.js';
import type { ReplicaDb } from '../src/backup/replica.js';

/** Helpers of the backup tests (R-OPS-04): the CLI run as operators run it, and a store read whole. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

export interface CliRun {
  code: number;
  /** stdout and stderr together, in the order lines were printed per stream. */
  out: string;
}

/** `npm run backup|restore -- …` as a child process with `env` over the test's own environment. */
export function runCli(script: 'backup' | 'restore', args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(TSX, [path.join(ROOT, 'scripts', `${script}.ts`), ...args], {
      cwd: ROOT,
      // COUCHDB_URL empty counts as unset: the embedded store unless a test names CouchDB.
      env: { ...process.env, COUCHDB_URL: '', ATENDE_LOG_LEVEL: 'silent', ...env },
      timeout: 120_000,
    }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

/** `npm run restore` in this process (no child to start): the same code, exit code and lines. */
export async function restoreHere(file: string, env: Record<string, string>, force = false): Promise<CliRun> {
  const lines: string[] = [];
  const say = (line: string) => lines.push(line);
  try {
    say(await runRestore({ ATENDE_LOG_LEVEL: 'silent', ...env }, file, force, say));
    return { code: 0, out: lines.join('\n') };
  } catch (error) {
    return { code: failure(error, say), out: lines.join('\n') };
  }
}

/** A document's open revisions in a fixed order, as compared between stores. */
export type Leaves = LeafRevision[];
const byRev = (a: LeafRevision, b: LeafRevision) => a._rev.localeCompare(b._rev);

/**
 * Every document of a store with all its open revisions, history and attachments, read one
 * document at a time with `open_revs=all` (not the backup's `_bulk_get` path: an independent view).
 */
export async function everyDocument(db: ReplicaDb): Promise<Map<string, Leaves>> {
  const docs = new Map<string, Leaves>();
  let since: number | string = 0;
  for (;;) {
    const page = await db.changes({ since, limit: 500, style: 'all_docs' });
    for (const row of page.results) {
      const leaves = await db.get(row.id, { open_revs: 'all', revs: true, attachments: true });
      docs.set(row.id, leaves.flatMap((e) => ('ok' in e ? [e.ok] : [])).sort(byRev));
    }
    since = page.last_seq;
    if (page.results.length < 500) return docs;
  }
}

/** Ids written after `since` (a document is listed once, at its latest write). */
export async function changedSince(db: ReplicaDb, since: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let from: number | string = /^\d+$/.test(since) ? Number(since) : since;
  for (;;) {
    const page = await db.changes({ since: from, limit: 500, style: 'all_docs' });
    for (const row of page.results) ids.add(row.id);
    from = page.last_seq;
    if (page.results.length < 500) return ids;
  }
}

/** The backup file as a restore reads it: its header and each document's last line. */
export async function backupContents(file: string) {
  const docs = new Map<string, Leaves>();
  let snapshotSeq = '';
  for await (const item of readBackup(file)) {
    if (item.kind === 'header') snapshotSeq = item.header.snapshotSeq;
    if (item.kind === 'document') docs.set(item.line.id, [...item.line.leaves].sort(byRev));
  }
  return { docs, snapshotSeq };
}

/** Every revision `leaves` went through: their own and their histories. */
export function historyOf(leaves: Leaves): Set<string> {
  return new Set(leaves.flatMap((leaf) => leaf._revisions.ids.map((id, i) => `${leaf._revisions.start - i}-${id}`)));
}

/**
 * A document as a restore can give it back: PouchDB records an attachment written with its data
 * as added at the revision written (`revpos`), as its own replication does; bytes and digest stay.
 */
export function withoutRevpos(leaves: Leaves | undefined): unknown {
  return leaves?.map((leaf) => ({
    ...leaf,
    ...(leaf._attachments
      ? { _attachments: Object.fromEntries(Object.entries(leaf._attachments).map(([name, { revpos: _revpos, ...rest }]) => [name, rest])) }
      : {}),
  }));
}
