import type { Router } from 'express';
import type { DocStore } from '../store/index.js';
import { settingsRoutes } from './routes.js';
import { OrganisationSettingsService } from './service.js';

export { OrganisationSettingsService } from './service.js';

/**
 * The organisation's settings (R-AUTH-03): its admin routes, and the sign-in network allow-list
 * set as a guard of every sign-in and refresh.
 */
export function setupSettings(deps: { store: DocStore; auth: Parameters<typeof settingsRoutes>[1] }): { settings: OrganisationSettingsService; routes: Array<[string, Router]> } {
  const settings = new OrganisationSettingsService(deps.store);
  deps.auth.guardSignIn((address) => settings.assertLoginAllowed(address));
  return { settings, routes: [['/api/admin/settings', settingsRoutes(settings, deps.auth)]] };
}
