import type { Router } from 'express';
import type { CreatePauseTypeBody } from '@atende/protocol';
import type { AuthService } from '../auth/service.js';
import type { Bus } from '../bus/index.js';
import type { JobRunner } from '../jobs/index.js';
import type { DocStore } from '../store/index.js';
import { pauseExceededJob } from './exceeded.js';
import { pauseRoutes, pauseTypeAdminRoutes } from './routes.js';
import { PAUSE_EXCEEDED_JOB, PauseService } from './service.js';
import { pauseTypeDoc, PauseTypes } from './types.js';

export { PAUSE_EXCEEDED_JOB, PauseService } from './service.js';
export { PauseTypes } from './types.js';

export interface PausesSetup {
  service: PauseService;
  /** Mount pairs for the app: the admin screen's and the agent's. */
  routes: Array<[string, Router]>;
}

/**
 * Wires pauses (R-WS-09) into a server: the service, its job (supervisors told once when a pause
 * passes its maximum), its routes, and the end of a pause when its user signs out of their last
 * session. Call before the job runner starts.
 */
export interface PausesDeps {
  store: DocStore;
  auth: AuthService;
  jobs: JobRunner;
  bus: Bus;
  timeZone: string;
  /** The demo organisation was just seeded: add its pause types too. */
  seedDemo: boolean;
  log: (m: string) => void;
}

export async function setupPauses(deps: PausesDeps): Promise<PausesSetup> {
  const types = new PauseTypes(deps.store);
  if (deps.seedDemo) await seedDemoPauseTypes(deps.store);
  const service = new PauseService(deps.store, types, { timeZone: deps.timeZone });
  await service.prepare();
  deps.jobs.register(PAUSE_EXCEEDED_JOB, pauseExceededJob(deps.store, deps.bus));
  deps.auth.onLogout((p) => {
    void service.signedOut(p.user.id, p.sessionId).catch((e: unknown) => deps.log(`pause not ended at sign-out: ${String(e)}`));
  });
  return {
    service,
    routes: [
      ['/api/admin/pause-types', pauseTypeAdminRoutes(types, deps.auth)],
      ['/api', pauseRoutes(service, deps.auth)],
    ],
  };
}

/** The demo's pause types (issue 13): lunch only from 11:00 to 15:00, training without a maximum; seeded with the demo organisation. */
const DEMO_PAUSE_TYPES: Array<[string, CreatePauseTypeBody]> = [
  ['almoco', { name: 'Almoço', maxMinutes: 60, window: { from: '11:00', to: '15:00' }, active: true }],
  ['cafe', { name: 'Café', maxMinutes: 15, window: null, active: true }],
  ['banheiro', { name: 'Banheiro', maxMinutes: 10, window: null, active: true }],
  ['treinamento', { name: 'Treinamento', maxMinutes: null, window: null, active: true }],
];

async function seedDemoPauseTypes(store: DocStore): Promise<void> {
  const now = Date.now();
  const results = await store.bulkWrite(DEMO_PAUSE_TYPES.map(([key, body]) => pauseTypeDoc(body, now, key)));
  const failed = results.filter((r) => !r.ok && r.error !== 'conflict');
  if (failed.length > 0) throw new Error(`demo pause types not seeded: ${failed.map((r) => r.id).join(', ')}`);
}
