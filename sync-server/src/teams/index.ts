import type { Router } from 'express';
import type { AuthService } from '../auth/service.js';
import type { ChannelAccounts } from '../channelAccounts/service.js';
import type { DocStore } from '../store/index.js';
import { teamAdminRoutes } from './routes.js';
import { TeamService } from './service.js';

export { TeamService } from './service.js';

export interface TeamsSetup {
  service: TeamService;
  routes: Array<[string, Router]>;
}

/** Wires teams administration (R-RT-01/02) into a server: the service and its admin routes. */
export function setupTeams(deps: { store: DocStore; auth: AuthService; accounts: ChannelAccounts }): TeamsSetup {
  const service = new TeamService(deps.store, deps.accounts);
  return { service, routes: [['/api/admin/teams', teamAdminRoutes(service, deps.auth)]] };
}
