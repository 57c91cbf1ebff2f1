import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import {
  backupHeader, BackupError, backupTrailer, documentLine, isLive,
  type BackupHeader, type BackupTrailer, type DocumentLine,
} from './format.js';
import { isEmpty, type ReplicaDb } from './replica.js';

/** Documents per `_bulk_docs` on restore. */
const BATCH = 100;

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
}

export interface RestoreResult extends BackupSummary {
  written: number;
}

/** Restore failed after writing some documents: the target holds exactly `written` of them. */
export class PartialRestoreError extends BackupError {
  override name = 'PartialRestoreError';
  constructor(readonly written: number, readonly total: number, cause: unknown) {
    super(`restore stopped after ${written} of ${total} documents (${cause instanceof Error ? cause.message : String(cause)}); ` +
      'the target holds those documents: empty it before restoring again');
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
  let written = 0;
  let batch: DocumentLine[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const results = await db.bulkDocs(batch.flatMap((line) => line.leaves), { new_edits: false });
    const failed = results.find((r) => r.error !== undefined && r.error !== false);
    if (failed) throw new BackupError(`${failed.id ?? 'a document'}: ${failed.reason ?? failed.message ?? String(failed.error)}`);
    written += batch.length;
    batch = [];
    options.onProgress?.(written, total);
  };
  try {
    for await (const item of readBackup(file)) {
      if (item.kind !== 'document') continue;
      batch.push(item.line);
      if (batch.length >= BATCH) await flush();
    }
    await flush();
  } catch (error) {
    throw new PartialRestoreError(written, total, error);
  }
  const info = await db.info();
  if (!options.force && info.doc_count !== summary.live) {
    throw new BackupError(`restored ${written} documents but the store counts ${info.doc_count} live ones, not ${summary.live}`);
  }
  return { ...summary, written };
}
