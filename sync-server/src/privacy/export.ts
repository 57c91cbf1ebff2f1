import { timingSafeEqual } from 'node:crypto';
import {
  DomainError, EXPORT_LINK_HOURS, notFound, type ExportStatus, type ExportStatusResponse, type UserDoc,
} from '@atende/protocol';
import { randomToken, sha256 } from '../auth/tokens.js';
import { newJob } from '../jobs/index.js';
import { updateDoc, type DocStore, type StoredDoc } from '../store/index.js';
import type { PrivacyContext } from './context.js';

/**
 * A contact's data exported on request (R-PRIV-02, issue 19 point 2): one server-only status
 * document per export (`privacyexport:<jobId>`, never replicated) and, once built, the ZIP as the
 * attachment of a second one (`privacyexportfile:<jobId>`), so the ZIP can be purged for good
 * after the download or at expiry while the status (`downloaded`, `expired`) stays to answer 410.
 * The download link is a capability: its token is random, shown only to whoever started the
 * export (or an admin), and the store keeps only its SHA-256.
 */
export const EXPORT_PREFIX = 'privacyexport:';
export const EXPORT_FILE_PREFIX = 'privacyexportfile:';
export const EXPORT_ZIP = 'zip';
/** The job that builds the ZIP, and the one that expires it (run at `expiresAt`). */
export const EXPORT_JOB = 'privacy-export';
export const EXPORT_EXPIRY_JOB = 'privacy-export-expiry';
export const EXPORT_LINK_MS = EXPORT_LINK_HOURS * 3_600_000;
/** Links shown by status reads stay valid side by side (two tabs polling); older ones drop off. */
const TOKENS_KEPT = 20;
const JOB_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export interface ExportDoc extends StoredDoc {
  type: 'privacyexport';
  status: ExportStatus;
  contactId: string;
  requestedBy: string;
  requestedByName: string;
  /** SHA-256 (hex) of each link token handed out; the tokens themselves are never stored. */
  tokenHashes: string[];
  createdAt: number;
  updatedAt: number;
  expiresAt: number | null;
  size: number | null;
  error: string | null;
  downloadedAt: number | null;
}

export const exportDocId = (jobId: string) => `${EXPORT_PREFIX}${jobId}`;
export const exportFileId = (jobId: string) => `${EXPORT_FILE_PREFIX}${jobId}`;
export const downloadPath = (jobId: string, token: string) =>
  `/api/privacy/exports/${jobId}/download?token=${encodeURIComponent(token)}`;

const isExport = (doc: StoredDoc | undefined): doc is ExportDoc => doc?.type === 'privacyexport' && doc._deleted !== true;

export async function readExport(store: DocStore, jobId: string, fresh = false): Promise<ExportDoc | undefined> {
  if (!JOB_ID.test(jobId)) return undefined;
  const doc = await store.get(exportDocId(jobId), { fresh });
  return isExport(doc) ? doc : undefined;
}

/** What the status shows: a ready export past its expiry reads as expired before the sweep ran. */
export function effectiveStatus(doc: ExportDoc, now: number): ExportStatus {
  return doc.status === 'ready' && doc.expiresAt !== null && now >= doc.expiresAt ? 'expired' : doc.status;
}

/** A contact the export may be about: a live contact, not one merged into another. */
export async function exportableContact(store: DocStore, contactId: string): Promise<StoredDoc> {
  const contact = await store.get(contactId);
  if (!contact || contact._deleted || contact.type !== 'contact' || contact.removed === true) throw notFound('Contact');
  return contact;
}

/** Writes the export's status document and its build job together (the outbox). */
export async function startExport(ctx: PrivacyContext, jobId: string, contactId: string, user: UserDoc): Promise<void> {
  const now = ctx.now();
  const doc: ExportDoc = {
    _id: exportDocId(jobId), type: 'privacyexport', status: 'queued', contactId, requestedBy: user.id,
    requestedByName: user.name, tokenHashes: [], createdAt: now, updatedAt: now, expiresAt: null, size: null,
    error: null, downloadedAt: null,
  };
  const results = await ctx.store.bulkWrite([doc, newJob(EXPORT_JOB, jobId, { jobId }, { now })]);
  const failed = results.find((r) => !r.ok);
  if (failed && !failed.ok) throw new Error(`export ${jobId} not queued: ${failed.reason}`);
}

/**
 * The status as its starter sees it. While ready, each read hands out a fresh one-time link and
 * keeps its token's hash (a revision-checked write), so the link is never stored in clear.
 */
export async function exportStatus(ctx: PrivacyContext, doc: ExportDoc): Promise<ExportStatusResponse> {
  const now = ctx.now();
  const status = effectiveStatus(doc, now);
  const known = {
    ...(doc.expiresAt !== null ? { expiresAt: doc.expiresAt } : {}),
    ...(doc.size !== null ? { size: doc.size } : {}),
  };
  if (status === 'failed') return { status, error: doc.error ?? 'The export failed' };
  if (status !== 'ready') return { status, ...known };
  const token = randomToken(32);
  const hash = sha256(token);
  const { doc: current, written } = await updateDoc<ExportDoc>(ctx.store, doc._id, (latest) =>
    isExport(latest) && effectiveStatus(latest, now) === 'ready'
      ? { ...latest, tokenHashes: [...latest.tokenHashes, hash].slice(-TOKENS_KEPT), updatedAt: now }
      : undefined);
  // Downloaded or expired between the read and the write: show that instead of a dead link.
  if (!written) return isExport(current) ? exportStatus(ctx, current) : { status: 'expired' };
  return { status, downloadUrl: downloadPath(keyOfExport(doc._id), token), ...known };
}

const keyOfExport = (id: string) => id.slice(EXPORT_PREFIX.length);

function tokenMatches(doc: ExportDoc, token: string): boolean {
  const given = Buffer.from(sha256(token), 'hex');
  let found = false;
  // Every stored hash is compared, in constant time each, whatever matched before.
  for (const hash of doc.tokenHashes) {
    const stored = Buffer.from(hash, 'hex');
    if (stored.length === given.length && timingSafeEqual(stored, given)) found = true;
  }
  return found;
}

const gone = (code: string, message: string) => new DomainError('gone', code, message);

/** Why a download of `doc` with `token` at `now` is refused; undefined when it may go ahead. */
function downloadRefusal(doc: ExportDoc | undefined, token: string, now: number): DomainError | undefined {
  if (!doc || !tokenMatches(doc, token)) return notFound('Export');
  const status = effectiveStatus(doc, now);
  if (status === 'downloaded') {
    return gone('already_downloaded', 'This export was downloaded already: a link works once. Start a new export to download the data again.');
  }
  if (status === 'expired') return gone('link_expired', `This export link expired (links last ${EXPORT_LINK_HOURS} hours). Start a new export.`);
  if (status !== 'ready') return new DomainError('conflict', 'export_not_ready', `The export is ${status}, not ready to download`);
  return undefined;
}

/**
 * The one download (issue 19: "downloadable once"): the status moves to `downloaded` by a
 * revision-checked write BEFORE any byte is sent, so of two concurrent downloads the store lets
 * exactly one through; the other re-reads, finds `downloaded` and is refused (410).
 */
export async function claimDownload(ctx: PrivacyContext, jobId: string, token: string): Promise<ExportDoc> {
  const now = ctx.now();
  if (!JOB_ID.test(jobId)) throw notFound('Export');
  let refusal: DomainError | undefined;
  const { doc, written } = await updateDoc<ExportDoc>(ctx.store, exportDocId(jobId), (current) => {
    const found = isExport(current) ? current : undefined;
    refusal = downloadRefusal(found, token, now);
    return refusal || !found ? undefined : { ...found, status: 'downloaded', downloadedAt: now, updatedAt: now };
  });
  if (!written || !doc) throw refusal ?? notFound('Export');
  return doc;
}

/** The built ZIP, while it is kept. */
export async function readExportZip(store: DocStore, jobId: string): Promise<Buffer | undefined> {
  return (await store.getAttachment(exportFileId(jobId), EXPORT_ZIP))?.data;
}

/** Keeps the ZIP as the attachment of its own document (a retried build writes over it). */
export async function storeExportZip(store: DocStore, jobId: string, zip: Buffer, now: number): Promise<void> {
  const id = exportFileId(jobId);
  const { doc } = await updateDoc(store, id, (current) =>
    current && !current._deleted ? undefined : { _id: id, type: 'privacyexportfile', exportId: exportDocId(jobId), createdAt: now });
  if (!doc?._rev) throw new Error(`export file ${id} not written`);
  await store.putAttachment(id, doc._rev, EXPORT_ZIP, { data: zip, contentType: 'application/zip' });
}

/**
 * Removes the ZIP for good once downloaded or expired: purged, not deleted, so no revision of it
 * keeps the person's data in the store's files.
 */
export async function dropExportZip(store: DocStore, jobId: string): Promise<void> {
  const id = exportFileId(jobId);
  if (await store.get(id, { fresh: true })) await store.purge([id]);
}
