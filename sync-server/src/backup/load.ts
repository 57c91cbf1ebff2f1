import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import {
  backupHeader, BackupError, backupTrailer, documentLine, isLive,
  type BackupHeader, type BackupTrailer, type DocumentLine,
} from './format.js';
import { ATTACHMENT_BYTES_PER_READ } from './dump.js';
import { isEmpty, type ReplicaDb } from './replica.js';

/** Documents per `_bulk_docs` on restore, fewer when their attachments pass ATTACHMENT_BYTES_PER_READ. */
const BATCH = 100;

/** Decoded bytes of a line's inline attachments (base64: 3 bytes per 4 characters). */
const attachmentBytes = (line: DocumentLine): number =>
  line.leaves.reduce((n, leaf) => n + Object.values(leaf._attachments ?? {}).reduce((m, a) => m + Math.floor((a.data.length * 3) / 4), 0), 0);

/**
 * The lines of a backup file, checked one by one: gzip's checksum catches a damaged or cut file,
 * the schemas a foreign one, and the trailer's counts a file that lost whole lines.
 */
export async function* readBackup(file: string): AsyncGenerator<
  { kind: 'header'; header: BackupHeader } | { kind: 'document'; line: DocumentLine } | { kind: 'trailer'; trailer: BackupTrailer }
> {
  const input = createReadStream(file).pipe(createGunzip());
  const lines = createInterface({ input, crlfDelay: Infinity });
  let number = 0;
  let header: BackupHeader | undefined;
  let trailer: BackupTrailer | undefined;
  let documents = 0;
  try {
    for await (const text of lines) {
      number += 1;
      if (trailer) throw new BackupError(`line ${number}: data after the end of the backup`);
      const json = parseJson(text, number);
      if (number === 1) {
        const parsed = backupHeader.safeParse(json);
        if (!parsed.success) throw new BackupError('not an Atende backup file (its first line is not a backup header of version 1)');
        header = parsed.data;
        yield { kind: 'header', header };
      } else if (json !== null && typeof json === 'object' && 'end' in json) {
        const parsed = backupTrailer.safeParse(json);
        if (!parsed.success) throw new BackupError(`line ${number}: a malformed end of backup`);
        trailer = parsed.data;
        if (trailer.lines !== documents) throw new BackupError(`the backup says it holds ${trailer.lines} documents but ${documents} were read`);
        yield { kind: 'trailer', trailer };
      } else {
        const parsed = documentLine.safeParse(json);
        if (!parsed.success) throw new BackupError(`line ${number}: not a document of a backup (${parsed.error.issues[0]?.message ?? 'invalid'})`);
        documents += 1;
        yield { kind: 'document', line: parsed.data };
      }
    }
  } catch (error) {
    if (error instanceof BackupError) throw error;
    // zlib's errors: a flipped byte fails the checksum, a cut file ends early.
    throw new BackupError(`the backup file is damaged or incomplete (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    lines.close();
    input.destroy();
  }
  if (!header) throw new BackupError('the backup file is empty');
  if (!trailer) throw new BackupError(`the backup file is incomplete: it ends after ${documents} documents without its end line`);
}

function parseJson(text: string, number: number): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BackupError(`line ${number} is not JSON: the backup file is damaged`);
  }
}

export interface BackupSummary {
  header: BackupHeader;
  trailer: BackupTrailer;
  /** Documents live after a restore (every open revision deleted counts as deleted). */
  live: number;
}

/** Reads the whole file and answers what it holds, or throws a BackupError saying what is wrong. */
export async function checkBackup(file: string, onProgress?: (lines: number) => void): Promise<BackupSummary> {
  let header: BackupHeader | undefined;
  let trailer: BackupTrailer | undefined;
  const live = new Map<string, boolean>();
  for await (const item of readBackup(file)) {
    if (item.kind === 'header') header = item.header;
    else if (item.kind === 'trailer') trailer = item.trailer;
    else {
      live.set(item.line.id, isLive(item.line));
      if (live.size % 1000 === 0) onProgress?.(live.size);
    }
  }
  // readBackup throws unless both were read.
  if (!header || !trailer) throw new BackupError('the backup file is incomplete');
  return { header, trailer, live: [...live.values()].filter(Boolean).length };
}

export interface RestoreOptions {
  /** Writes into a store that already holds documents (their revision trees merge with the backup's). */
  force?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** The file's checkBackup answer when the caller has it already (saves reading it once more). */
  checked?: BackupSummary;
  /** Attachment bytes per `_bulk_docs` (tests make it small); ATTACHMENT_BYTES_PER_READ by default. */
  attachmentBudget?: number;
  /**
   * Ids erased or removed by retention since the backup was taken (the erasure ledger, issue 19:
   * `erasedIn(readLedgerFile(…))`): their documents are left out, so a restore never brings a person back.
   */
  erased?: (id: string) => boolean;
}

export interface RestoreResult extends BackupSummary {
  written: number;
  /** Documents of the file left out because the erasure ledger lists them. */
  skipped: number;
}

/**
 * Restore stopped part-way. A store writes each document of a `_bulk_docs` with `new_edits: false`
 * on its own, so a failed batch may have written part of itself: `written` documents are known to
 * be in the target whole, `refused` were answered with an error (some of their revisions may be in),
 * and up to `unsure` more may be in or not (the batch failed as a whole, with no answer per document).
 */
export class PartialRestoreError extends BackupError {
  override name = 'PartialRestoreError';
  constructor(
    readonly written: number,
    readonly total: number,
    cause: unknown,
    readonly unsure = 0,
    readonly refused: ReadonlyArray<{ id: string; reason: string }> = [],
  ) {
    const first = refused[0];
    super(`restore stopped after writing ${written} of ${total} documents (${cause instanceof Error ? cause.message : String(cause)})` +
      (first ? `; ${refused.length} refused, perhaps in part (${first.id}: ${first.reason}${refused.length > 1 ? ', …' : ''})` : '') +
      (unsure > 0 ? `; up to ${unsure} more of the failed batch may be in the target as well` : '') +
      ': empty the target before restoring again');
  }
}

/**
 * Restores a backup (R-OPS-04): the whole file is checked first, so a damaged one writes nothing;
 * then every revision is written as it is (`new_edits: false`), keeping ids, revisions, history,
 * conflicts, tombstones and attachments; finally the target's document count is compared.
 */
export async function restoreBackup(file: string, db: ReplicaDb, options: RestoreOptions = {}): Promise<RestoreResult> {
  const summary = options.checked ?? (await checkBackup(file));
  if (!options.force && !(await isEmpty(db))) {
    throw new BackupError('the target store is not empty: restore into an empty store (or pass --force to merge into this one)');
  }
  const total = summary.trailer.lines;
  const budget = options.attachmentBudget ?? ATTACHMENT_BYTES_PER_READ;
  let written = 0;
  let skipped = 0;
  let skippedLive = 0;
  let batch: DocumentLine[] = [];
  let batchBytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    let results: Awaited<ReturnType<ReplicaDb['bulkDocs']>>;
    try {
      results = await db.bulkDocs(batch.flatMap((line) => line.leaves), { new_edits: false });
    } catch (error) {
      throw new PartialRestoreError(written, total, error, batch.length);
    }
    // CouchDB answers only the failures with `new_edits: false`; PouchDB answers every revision.
    const refused = new Map<string, string>();
    let unnamed = 0;
    for (const r of results) {
      if (r.error === undefined || r.error === false) continue;
      if (r.id) refused.set(r.id, r.reason ?? r.message ?? String(r.error));
      else unnamed += 1;
    }
    const accepted = batch.filter((line) => !refused.has(line.id)).length;
    if (refused.size > 0 || unnamed > 0) {
      const unsure = Math.min(unnamed, accepted);
      throw new PartialRestoreError(written + accepted - unsure, total, new BackupError('the store refused documents'), unsure,
        [...refused].map(([id, reason]) => ({ id, reason })));
    }
    written += batch.length;
    batch = [];
    batchBytes = 0;
    options.onProgress?.(written + skipped, total);
  };
  try {
    for await (const item of readBackup(file)) {
      if (item.kind !== 'document') continue;
      if (options.erased?.(item.line.id)) {
        skipped += 1;
        if (isLive(item.line)) skippedLive += 1;
        continue;
      }
      // Bounded by attachment bytes too (a batch of media documents could take gigabytes): a line
      // that would pass the budget starts a new batch, and one larger than it is written alone.
      const bytes = attachmentBytes(item.line);
      if (batch.length >= BATCH || (batch.length > 0 && batchBytes + bytes > budget)) await flush();
      batch.push(item.line);
      batchBytes += bytes;
    }
    await flush();
  } catch (error) {
    if (error instanceof PartialRestoreError) throw error;
    throw new PartialRestoreError(written, total, error);
  }
  const info = await db.info();
  const expected = summary.live - skippedLive;
  if (!options.force && info.doc_count !== expected) {
    throw new BackupError(`restored ${written} documents but the store counts ${info.doc_count} live ones, not ${expected}`);
  }
  return { ...summary, live: expected, written, skipped };
}
