import { newJob, PermanentFailure, RetryLater, type JobContext } from '../jobs/index.js';
import { dropSettledJob } from '../jobs/queries.js';
import { updateDoc } from '../store/index.js';
import { collectContact } from './collect.js';
import type { PrivacyContext } from './context.js';
import {
  dropExportZip, EXPORT_EXPIRY_JOB, EXPORT_JOB, EXPORT_LINK_MS, exportDocId, readExport, storeExportZip, type ExportDoc,
} from './export.js';
import { buildExportZip } from './exportZip.js';

/**
 * The export's jobs (R-PRIV-02): one builds the ZIP (queued → running → ready, or failed), one
 * runs at the link's expiry and purges the ZIP. Both are job documents, so a restarted or another
 * node finishes what one began, and each export's expiry is written in the same store write that
 * makes it ready: no ZIP can outlive its link for want of a sweep.
 */
export function registerExportJobs(ctx: PrivacyContext): void {
  ctx.jobs.register(EXPORT_JOB, (job, context) => buildExport(ctx, String(job.payload.jobId), context), {
    policy: { maxAttempts: 3, baseDelayMs: 5_000, maxDelayMs: 60_000 },
    concurrency: 1,
    onDead: (job, error) => failExport(ctx, String(job.payload.jobId), error.message),
  });
  ctx.jobs.register(EXPORT_EXPIRY_JOB, (job) => expireExport(ctx, String(job.payload.jobId)), {
    policy: { maxAttempts: 8, baseDelayMs: 30_000, maxDelayMs: 10 * 60_000 },
    concurrency: 1,
  });
}

async function setStatus(ctx: PrivacyContext, jobId: string, change: (doc: ExportDoc) => ExportDoc | undefined) {
  return updateDoc<ExportDoc>(ctx.store, exportDocId(jobId), (current) =>
    current && !current._deleted && current.type === 'privacyexport' ? change(current) : undefined);
}

export async function buildExport(ctx: PrivacyContext, jobId: string, context?: JobContext): Promise<void> {
  const started = await setStatus(ctx, jobId, (doc) =>
    doc.status === 'queued' || doc.status === 'running' ? { ...doc, status: 'running', updatedAt: ctx.now() } : undefined);
  // Gone (the contact was erased meanwhile) or settled by an earlier attempt: nothing to do.
  if (!started.written) return;
  const { contactId } = started.doc as ExportDoc;
  const held = await collectContact(ctx.store, contactId);
  if (!held) throw new PermanentFailure('The contact no longer exists');
  const exportedAt = ctx.now();
  const zip = await buildExportZip(
    { exportedAt, ...held },
    async (mediaId) => (await ctx.media.read(mediaId, 'file'))?.data,
    context?.signal,
  );
  await storeExportZip(ctx.store, jobId, zip, exportedAt);
  if (!(await markReady(ctx, jobId, zip.length))) await dropExportZip(ctx.store, jobId);
}

/**
 * running → ready, written with the job that expires it in the same store write (the outbox), so
 * no ready export lacks its expiry. False when the export was settled meanwhile (a lost lease).
 */
async function markReady(ctx: PrivacyContext, jobId: string, size: number): Promise<boolean> {
  for (;;) {
    const doc = await readExport(ctx.store, jobId, true);
    if (doc?.status !== 'running') return false;
    const now = ctx.now();
    const expiresAt = now + EXPORT_LINK_MS;
    const ready: ExportDoc = { ...doc, status: 'ready', expiresAt, size, error: null, updatedAt: now };
    const [written, expiry] = await ctx.store.bulkWrite([ready, newJob(EXPORT_EXPIRY_JOB, jobId, { jobId }, { now, runAt: expiresAt })]);
    if (expiry && !expiry.ok && expiry.error !== 'conflict') throw new Error(`export ${jobId}: expiry not scheduled: ${expiry.reason}`);
    if (written?.ok) return true;
    if (written?.error !== 'conflict') throw new Error(`export ${jobId}: not marked ready: ${written?.reason ?? 'no result'}`);
  }
}

/** The dead letter: the export shows `failed` with the reason, and no ZIP is left behind. */
export async function failExport(ctx: PrivacyContext, jobId: string, reason: string): Promise<void> {
  await setStatus(ctx, jobId, (doc) =>
    doc.status === 'queued' || doc.status === 'running'
      ? { ...doc, status: 'failed', error: reason.slice(0, 300) || 'The export failed', updatedAt: ctx.now() }
      : undefined);
  await dropExportZip(ctx.store, jobId);
}

/**
 * At the link's expiry: a ready export becomes `expired`, and the ZIP of any settled export is
 * purged. Run early (another node's clock), it waits for the remaining time.
 */
export async function expireExport(ctx: PrivacyContext, jobId: string): Promise<void> {
  const now = ctx.now();
  const doc = await readExport(ctx.store, jobId, true);
  if (!doc) return;
  if (doc.status === 'ready' && doc.expiresAt !== null && now < doc.expiresAt) {
    throw new RetryLater('the export link has not expired yet', doc.expiresAt - now);
  }
  await setStatus(ctx, jobId, (current) => (current.status === 'ready' ? { ...current, status: 'expired', updatedAt: now } : undefined));
  await dropExportZip(ctx.store, jobId);
  // The build job is settled for good: it need not stay (the status document tells the story).
  await dropSettledJob(ctx.store, EXPORT_JOB, jobId);
}
