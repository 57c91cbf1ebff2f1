import { Router } from 'express';
import { API } from '@atende/protocol';
import { clientAddress, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { implement } from '../http/contract.js';
import type { OrganisationSettingsService } from './service.js';

const MOUNT = '/api/admin/settings';

/** The organisation's settings screen (R-AUTH-03): admins only. */
export function settingsRoutes(settings: OrganisationSettingsService, auth: AuthService): Router {
  const router = Router();
  const admins = [requireUser(auth, ['admin'])];
  implement(router, MOUNT, API.adminGetSettings, () => settings.get(), admins);
  implement(router, MOUNT, API.adminUpdateSettings, ({ req, body }) => settings.update(body, clientAddress(req)), admins);
  return router;
}
