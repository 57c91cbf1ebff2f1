import { z } from 'zod';

/**
 * The backup file (R-OPS-04): gzip-compressed NDJSON, the same for both store drivers, so a copy
 * of one can be restored into the other. Line 1 is the header, then one line per document with
 * every open revision (its winner and its conflicts, deleted ones too) as `_bulk_get` answers
 * them — full `_revisions` history and attachments inline in base64 — and a last line, the
 * trailer, whose counts prove the file is whole. A document written while the copy ran may
 * appear twice; its later line holds its later state and supersedes the earlier one on restore.
 */
export const BACKUP_FORMAT = 'atende-backup';
export const BACKUP_VERSION = 1;

export type StoreDriver = 'embedded' | 'couchdb';

export const backupHeader = z.object({
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(BACKUP_VERSION),
  driver: z.enum(['embedded', 'couchdb']),
  createdAt: z.string(),
  /** The store's update sequence when the copy started: every document written up to it is in the file. */
  snapshotSeq: z.string(),
  /** Live documents when the copy started (an estimate of the total for progress output). */
  docCountAtStart: z.number().int().nonnegative(),
});
export type BackupHeader = z.infer<typeof backupHeader>;

const attachment = z.object({
  content_type: z.string(),
  data: z.string(),
  digest: z.string().optional(),
  revpos: z.number().int().optional(),
});

/** One open revision as the store gives it with `revs: true, attachments: true`. */
export const leafRevision = z
  .object({
    _id: z.string().min(1),
    _rev: z.string().regex(/^\d+-[0-9a-zA-Z]+$/),
    _deleted: z.boolean().optional(),
    _revisions: z.object({ start: z.number().int().positive(), ids: z.array(z.string().min(1)).min(1) }),
    _attachments: z.record(z.string(), attachment).optional(),
  })
  .catchall(z.unknown());
export type LeafRevision = z.infer<typeof leafRevision>;

export const documentLine = z
  .object({ id: z.string().min(1), leaves: z.array(leafRevision).min(1) })
  .refine((line) => line.leaves.every((leaf) => leaf._id === line.id), { message: 'a revision of another document' });
export type DocumentLine = z.infer<typeof documentLine>;

export const backupTrailer = z.object({
  end: z.literal(true),
  /** Lines of documents (a document written during the copy counts once per line). */
  lines: z.number().int().nonnegative(),
  /** Distinct documents. */
  documents: z.number().int().nonnegative(),
  /** Documents whose every open revision is deleted (tombstones). */
  deleted: z.number().int().nonnegative(),
  /** Documents with more than one open revision. */
  conflicted: z.number().int().nonnegative(),
  attachments: z.number().int().nonnegative(),
  lastSeq: z.string(),
});
export type BackupTrailer = z.infer<typeof backupTrailer>;

/** Live unless every open revision is deleted: what the store counts in `doc_count`. */
export const isLive = (line: DocumentLine): boolean => line.leaves.some((leaf) => leaf._deleted !== true);

export class BackupError extends Error {
  override name = 'BackupError';
}

/** The file name of a copy taken `at`: sorts by time and is valid on every file system (no ':' or '.'). */
export function backupFileName(at: Date, driver?: StoreDriver): string {
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  return `atende-backup-${driver ? `${driver}-` : ''}${stamp}.ndjson.gz`;
}
