import { Router, type Request } from 'express';
import { API, DomainError, keyOf, notFound, parse, ulid } from '@atende/protocol';
import { recordAudit, type AuditOrigin } from '../audit/log.js';
import { clientAddress, principalOf, requireUser } from '../auth/middleware.js';
import { relativePath } from '../http/contract.js';
import type { PrivacyContext } from './context.js';
import {
  claimDownload, dropExportZip, exportableContact, exportDocId, exportStatus, readExport, readExportZip, startExport,
} from './export.js';

const MOUNT = '/api';

const originOf = (req: Request): AuditOrigin => ({ ip: clientAddress(req), userAgent: req.get('user-agent') ?? '' });

/** `dados-<contact key>-<YYYY-MM-DD>.zip`: the key is the id's ULID part, never the person's name or number. */
export function zipFileName(contactId: string, at: number): string {
  const key = keyOf(contactId).replace(/[^A-Za-z0-9_-]/g, '_');
  return `dados-${key}-${new Date(at).toISOString().slice(0, 10)}.zip`;
}

/**
 * "Exportar dados do cliente" (R-PRIV-02). Start: admins and supervisors (a supervisor of any
 * team: the request comes from the data subject, not from a queue), agents 403. Status: only who
 * started it, or an admin (anyone else: 404, nothing revealed). Download: no sign-in, the link's
 * token is the capability; it works once (410 after) and until the link expires (410).
 */
export function exportRoutes(ctx: PrivacyContext): Router {
  const router = Router();
  const overseers = requireUser(ctx.auth, ['admin', 'supervisor']);

  router.post(relativePath(API.privacyExport.path, MOUNT), overseers, async (req, res) => {
    const { user } = principalOf(req);
    const contact = await exportableContact(ctx.store, String(req.params.id));
    // Recorded first: an export that could not be audited must not start.
    const jobId = ulid(ctx.now());
    await recordAudit(ctx.store, {
      action: 'export', actor: { id: user.id, name: user.name }, subjectId: contact._id, origin: originOf(req),
      detail: `job ${exportDocId(jobId)}`, at: ctx.now(),
    });
    await startExport(ctx, jobId, contact._id, user);
    res.status(202).json({ jobId });
  });

  router.get(relativePath(API.privacyExportStatus.path, MOUNT), requireUser(ctx.auth), async (req, res) => {
    const { user } = principalOf(req);
    const doc = await readExport(ctx.store, String(req.params.jobId));
    if (!doc || (doc.requestedBy !== user.id && user.role !== 'admin')) throw notFound('Export');
    res.setHeader('Cache-Control', 'no-store');
    res.json(await exportStatus(ctx, doc));
  });

  router.get(relativePath(API.privacyExportDownload.path, MOUNT), async (req, res) => {
    const { token } = parse(API.privacyExportDownload.query, req.query, 'query');
    const jobId = String(req.params.jobId);
    const doc = await claimDownload(ctx, jobId, token);
    await recordAudit(ctx.store, {
      action: 'export_download', actor: { id: doc.requestedBy, name: doc.requestedByName }, subjectId: doc._id,
      origin: originOf(req), detail: `${doc.size ?? 0} bytes`, at: ctx.now(),
    });
    const zip = await readExportZip(ctx.store, jobId);
    if (!zip) throw new DomainError('gone', 'export_gone', 'The export file is no longer kept. Start a new export.');
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', `attachment; filename="${zipFileName(doc.contactId, ctx.now())}"`);
    res.setHeader('Content-Length', String(zip.length));
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // The ZIP goes once the answer is over, sent in full or not: the link was spent by the claim.
    res.once('close', () => {
      dropExportZip(ctx.store, jobId).catch((error: unknown) => ctx.log(`export ${jobId}: ZIP not purged: ${String(error)}`));
    });
    res.status(200).end(zip);
  });
  return router;
}
