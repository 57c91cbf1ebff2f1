import { Router } from 'express';
import { API } from '@atende/protocol';
import { principalOf, requireUser } from '../../auth/middleware.js';
import type { AuthService } from '../../auth/service.js';
import { implement } from '../../http/contract.js';
import type { TemplateService } from './templates.js';

/**
 * Template endpoints (R-WA-05, R-WA-08). Each route carries its own auth check, so these routers
 * share their mounts with the channel list (`/api/channels`) and channel administration
 * (`/api/admin/channels`) without answering for those routes.
 */

/** `GET /api/channels/:id/templates`: the approved templates an agent may pick. */
export function agentTemplateRoutes(templates: TemplateService, auth: AuthService): Router {
  const router = Router();
  implement(router, '/api/channels', API.channelTemplates, async ({ params, query, req }) => ({
    templates: await templates.offered(principalOf(req).user, params.id, query.conversationId),
  }), [requireUser(auth)]);
  return router;
}

/** Admins: every template with its status, and "Sincronizar templates". */
export function adminTemplateRoutes(templates: TemplateService, auth: AuthService): Router {
  const router = Router();
  const admin = [requireUser(auth, ['admin'])];
  implement(router, '/api/admin/channels', API.adminTemplates, async ({ params }) => ({ templates: await templates.all(params.id) }), admin);
  implement(router, '/api/admin/channels', API.syncTemplates, ({ params }) => templates.sync(params.id), admin);
  return router;
}
