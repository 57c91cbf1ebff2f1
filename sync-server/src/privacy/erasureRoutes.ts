import { Router } from 'express';
import { API, Id } from '@atende/protocol';
import { principalOf, requireUser } from '../auth/middleware.js';
import { implement } from '../http/contract.js';
import { parse } from '../http/errors.js';
import { auditOriginOf } from './auditReads.js';
import type { PrivacyContext } from './context.js';
import { eraseContact } from './erase.js';
import { setLegalHold } from './holds.js';

const MOUNT = '/api';

/** Erasure of a contact (admins) and legal holds on contacts and conversations (admins, supervisors): issue 19, R-PRIV-03. */
export function erasureRoutes(ctx: PrivacyContext): Router {
  const router = Router();
  const idParam = (value: string) => parse(Id, value, 'id');
  // Per route, not router.use: this router shares /api/privacy with the export's sign-in-free download.
  const admins = [requireUser(ctx.auth, ['admin'])];
  const overseers = [requireUser(ctx.auth, ['admin', 'supervisor'])];
  implement(router, MOUNT, API.privacyErase, async ({ params, req }) =>
    eraseContact(ctx, principalOf(req).user, idParam(params.id), auditOriginOf(req)), admins);
  implement(router, MOUNT, API.privacyContactHold, async ({ params, body, req }) =>
    setLegalHold(ctx, principalOf(req).user, 'contact', idParam(params.id), body.legalHold, auditOriginOf(req)), overseers);
  implement(router, MOUNT, API.privacyConversationHold, async ({ params, body, req }) =>
    setLegalHold(ctx, principalOf(req).user, 'conversation', idParam(params.id), body.legalHold, auditOriginOf(req)), overseers);
  return router;
}
