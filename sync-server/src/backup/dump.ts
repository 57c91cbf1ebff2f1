import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import {
  BACKUP_FORMAT, BACKUP_VERSION, BackupError, isLive,
  type BackupHeader, type BackupTrailer, type DocumentLine, type LeafRevision, type StoreDriver,
} from './format.js';
import type { ReplicaDb } from './replica.js';

/** Documents per changes page, read first without attachment bodies (stubs give their sizes). */
const PAGE = 100;
/**
 * Attachment bytes per `_bulk_get` that fetches bodies: media go up to 100 MB each (protocol media.ts)
 * and travel inline in base64, so a page of them read at once could take gigabytes (and one CouchDB
 * answer could pass V8's string limit). A document over the budget is read alone.
 */
export const ATTACHMENT_BYTES_PER_READ = 16 * 1024 * 1024;

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
  /** Attachment bytes per read (tests make it small); ATTACHMENT_BYTES_PER_READ by default. */
  attachmentBudget?: number;
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
    for await (const line of readLeaves(db, page.results, options.attachmentBudget ?? ATTACHMENT_BYTES_PER_READ)) {
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

type Row = { id: string; changes: Array<{ rev: string }> };

/** Bytes of a revision's attachments, from the stubs `_bulk_get` gives without `attachments`. */
const attachmentBytes = (leaf: LeafRevision): number =>
  Object.values((leaf._attachments ?? {}) as Record<string, { length?: number }>).reduce((n, stub) => n + (stub.length ?? 0), 0);

/**
 * The open revisions of one changes page, one document at a time in the page's order. The page is
 * read with attachment stubs only; documents with attachments are then read again with their
 * bodies, as many together as fit `budget` bytes (one alone when it is larger), so a page of media
 * never sits in memory at once: each line goes out before the next bodies are read.
 */
async function* readLeaves(db: ReplicaDb, rows: Row[], budget: number): AsyncGenerator<DocumentLine> {
  if (rows.length === 0) return;
  const stubs = await bulkLeaves(db, rows.flatMap((row) => row.changes.map((change) => ({ id: row.id, rev: change.rev }))), false);
  let group: DocumentLine[] = [];
  let groupBytes = 0;
  for (const row of rows) {
    const found = stubs.get(row.id);
    // A revision the feed listed was replaced (and compacted) since: read the document's open
    // revisions as they are now instead (bodies included); the feed lists it again at its new sequence too.
    const line = found === 'stale' ? await currentLine(db, row.id) : found && { id: row.id, leaves: found };
    if (!line) continue;
    const bytes = line.leaves.reduce((n, leaf) => n + attachmentBytes(leaf), 0);
    const stubbed = found !== 'stale' && line.leaves.some((leaf) => Object.keys(leaf._attachments ?? {}).length > 0);
    if (!stubbed) {
      yield* await withBodies(db, group);
      group = [];
      groupBytes = 0;
      yield line;
      continue;
    }
    if (group.length > 0 && groupBytes + bytes > budget) {
      yield* await withBodies(db, group);
      group = [];
      groupBytes = 0;
    }
    group.push(line);
    groupBytes += bytes;
  }
  yield* await withBodies(db, group);
}

/** `lines` read again with their attachment bodies, the same revisions (or the current ones if replaced since). */
async function withBodies(db: ReplicaDb, lines: DocumentLine[]): Promise<DocumentLine[]> {
  if (lines.length === 0) return [];
  const read = await bulkLeaves(db, lines.flatMap((line) => line.leaves.map((leaf) => ({ id: line.id, rev: leaf._rev }))), true);
  const out: DocumentLine[] = [];
  for (const { id } of lines) {
    const found = read.get(id);
    const line = found === 'stale' || !found ? await currentLine(db, id) : { id, leaves: found };
    if (line) out.push(line);
  }
  return out;
}

/** `_bulk_get` with history, per document: its revisions, or 'stale' when one is gone. */
async function bulkLeaves(db: ReplicaDb, docs: Array<{ id: string; rev: string }>, attachments: boolean): Promise<Map<string, LeafRevision[] | 'stale'>> {
  const answer = await db.bulkGet({ docs, revs: true, attachments });
  const leaves = new Map<string, LeafRevision[] | 'stale'>();
  for (const result of answer.results) {
    for (const entry of result.docs) {
      const had = leaves.get(result.id);
      if (!('ok' in entry)) leaves.set(result.id, 'stale');
      else if (had !== 'stale') leaves.set(result.id, [...(had ?? []), entry.ok]);
    }
  }
  return leaves;
}

async function currentLine(db: ReplicaDb, id: string): Promise<DocumentLine | undefined> {
  const leaves = await currentLeaves(db, id);
  return leaves.length > 0 ? { id, leaves } : undefined;
}

async function currentLeaves(db: ReplicaDb, id: string): Promise<LeafRevision[]> {
  const answer = await db.get(id, { open_revs: 'all', revs: true, attachments: true });
  return answer.flatMap((entry) => ('ok' in entry ? [entry.ok] : []));
}

/** Writes the whole backup, gzip-compressed, to `out` (a file or an HTTP response). */
export async function writeBackup(db: ReplicaDb, out: Writable, options: DumpOptions): Promise<void> {
  // One line read ahead at most (a line may carry a 100 MB attachment): the default is 16.
  await pipeline(Readable.from(backupLines(db, options), { highWaterMark: 1 }), createGzip(), out);
}
