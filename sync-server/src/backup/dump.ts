import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import {
  BACKUP_FORMAT, BACKUP_VERSION, BackupError, isLive,
  type BackupHeader, type BackupTrailer, type DocumentLine, type LeafRevision, type StoreDriver,
} from './format.js';
import type { ReplicaDb } from './replica.js';

/** Documents per changes page and per `_bulk_get`: media attachments travel inline, so kept small. */
const PAGE = 100;

export interface DumpProgress {
  lines: number;
  /** Live documents when the copy started. */
  estimate: number;
}

export interface DumpOptions {
  driver: StoreDriver;
  onProgress?: (progress: DumpProgress) => void;
  /** Checked between pages, so a request that went away stops the reading. */
  signal?: AbortSignal;
}

/**
 * Reads every document of the store through its changes feed (R-OPS-04). The feed lists each
 * document once, at the sequence of its latest write, so reading it to its end — past the
 * sequence captured at the start — finds every document that existed then, including those
 * written while the copy runs (a write moves a document to the end of the feed). Each line holds
 * every open revision of one document as read together, so each document is a state the store
 * really had at or after the start; across documents it is not one instant (see README "Backups").
 */
export async function* backupLines(db: ReplicaDb, options: DumpOptions): AsyncGenerator<string> {
  const info = await db.info();
  const header: BackupHeader = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    driver: options.driver,
    createdAt: new Date().toISOString(),
    snapshotSeq: String(info.update_seq),
    docCountAtStart: info.doc_count,
  };
  yield `${JSON.stringify(header)}\n`;
  const seen = new Set<string>();
  // The last state of each document read: the counts describe what a restore will hold.
  const deleted = new Set<string>();
  const conflicted = new Set<string>();
  let lines = 0;
  let attachments = 0;
  let since: number | string = 0;
  for (;;) {
    if (options.signal?.aborted) throw new BackupError('backup cancelled');
    const page = await db.changes({ since, limit: PAGE, style: 'all_docs' });
    for (const line of await readLeaves(db, page.results)) {
      seen.add(line.id);
      if (isLive(line)) deleted.delete(line.id);
      else deleted.add(line.id);
      if (line.leaves.length > 1) conflicted.add(line.id);
      else conflicted.delete(line.id);
      attachments += line.leaves.reduce((n, leaf) => n + Object.keys(leaf._attachments ?? {}).length, 0);
      lines += 1;
      yield `${JSON.stringify(line)}\n`;
    }
    since = page.last_seq;
    options.onProgress?.({ lines, estimate: info.doc_count });
    // A short page is the end of the feed as it stands now, which lies past the start.
    if (page.results.length < PAGE) break;
  }
  const trailer: BackupTrailer = {
    end: true, lines, documents: seen.size, deleted: deleted.size, conflicted: conflicted.size, attachments, lastSeq: String(since),
  };
  yield `${JSON.stringify(trailer)}\n`;
}

/** The open revisions of one changes page, grouped per document in the page's order. */
async function readLeaves(db: ReplicaDb, rows: Array<{ id: string; changes: Array<{ rev: string }> }>): Promise<DocumentLine[]> {
  if (rows.length === 0) return [];
  const docs = rows.flatMap((row) => row.changes.map((change) => ({ id: row.id, rev: change.rev })));
  const answer = await db.bulkGet({ docs, revs: true, attachments: true });
  const leaves = new Map<string, LeafRevision[]>();
  const stale = new Set<string>();
  for (const result of answer.results) {
    for (const entry of result.docs) {
      if ('ok' in entry) leaves.set(result.id, [...(leaves.get(result.id) ?? []), entry.ok]);
      else stale.add(result.id);
    }
  }
  const lines: DocumentLine[] = [];
  for (const row of rows) {
    // A revision the feed listed was replaced (and compacted) since: read the document's open
    // revisions as they are now instead; the feed lists it again at its new sequence too.
    const found = stale.has(row.id) ? await currentLeaves(db, row.id) : leaves.get(row.id);
    if (found && found.length > 0) lines.push({ id: row.id, leaves: found });
  }
  return lines;
}

async function currentLeaves(db: ReplicaDb, id: string): Promise<LeafRevision[]> {
  const answer = await db.get(id, { open_revs: 'all', revs: true, attachments: true });
  return answer.flatMap((entry) => ('ok' in entry ? [entry.ok] : []));
}

/** Writes the whole backup, gzip-compressed, to `out` (a file or an HTTP response). */
export async function writeBackup(db: ReplicaDb, out: Writable, options: DumpOptions): Promise<void> {
  await pipeline(Readable.from(backupLines(db, options)), createGzip(), out);
}
