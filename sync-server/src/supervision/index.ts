import type { Router } from 'express';
import type { AuthService } from '../auth/service.js';
import type { PauseService } from '../pauses/index.js';
import type { AgentHub } from '../realtime/hub.js';
import type { DocStore } from '../store/index.js';

/**
 * Supervisor actions on agents (issue 16, R-SV-04): end an agent's pause, sign an agent out.
 * Being built: the routes arrive with the supervision slice.
 */
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

export function setupSupervision(_deps: SupervisionDeps): SupervisionSetup {
  return { routes: [] };
}
