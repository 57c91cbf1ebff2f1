import type { Router } from 'express';
import type { AuthService } from '../auth/service.js';
import type { PauseService } from '../pauses/index.js';
import type { AgentHub } from '../realtime/hub.js';
import type { DocStore } from '../store/index.js';
import { supervisionRoutes } from './routes.js';
import { AgentSupervision } from './service.js';

export { AgentSupervision } from './service.js';

/** Supervisor actions on agents (issue 16, R-SV-04): end an agent's pause, sign an agent out (service.ts). */
export interface SupervisionDeps {
  store: DocStore;
  auth: AuthService;
  pauses: PauseService;
  hub: AgentHub;
  log: (message: string) => void;
}

export interface SupervisionSetup {
  /** Mount pairs for the app. */
  routes: Array<[string, Router]>;
}

export function setupSupervision(deps: SupervisionDeps): SupervisionSetup {
  const supervision = new AgentSupervision(deps);
  return { routes: [['/api/supervision', supervisionRoutes(supervision, deps.auth)]] };
}
