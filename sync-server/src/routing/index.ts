import type { Router } from 'express';
import type { PresenceStatus } from '@atende/protocol';
import type { AuthService } from '../auth/service.js';
import type { ConversationService } from '../conversations/service.js';
import type { JobHandler } from '../jobs/types.js';
import type { DocStore } from '../store/index.js';
import { startPeriodic } from '../jobs/periodic.js';
import { Distributor } from './distribution.js';
import { sendOffHoursMessage } from './offHours.js';
import { teamHoursRoutes } from './routes.js';
import { sweepSessionTimeouts } from './sessionTimeout.js';
import { ensureTeamIndexes, TeamHours } from './teamHours.js';

export { Distributor } from './distribution.js';
export { sweepSessionTimeouts } from './sessionTimeout.js';
export { TeamHours } from './teamHours.js';

/** How often idle conversations are looked for: a timeout is counted in minutes. */
const TIMEOUT_EVERY_MS = 60_000;
/**
 * How often waiting conversations are offered again: capacity freed by a finish, a pause ended,
 * an agent coming online reach the queue within this (a new conversation is offered at once).
 */
const DISTRIBUTION_EVERY_MS = 15_000;

export interface RoutingDeps {
  store: DocStore;
  auth: AuthService;
  conversations: ConversationService;
  log: (message: string) => void;
  /** The routing's clock (hours, timeouts, working hours); tests inject one. */
  now?: () => number;
}

export interface RoutingSetup {
  routes: Array<[string, Router]>;
  distributor: Distributor;
  /**
   * The `conversation-queued` handler composed with the existing one (the queue notice): the
   * off-hours message first, then distribution, then the notice, which a taken conversation skips.
   */
  onQueued(existing: JobHandler): JobHandler;
  /** Presence comes from the agent hub, built after the jobs start: until then, nobody is online. */
  attachPresence(presenceOf: (userId: string) => PresenceStatus): void;
  stop(): void;
}

/** Wires routing (R-RT-01…03) into a server: hours routes, the queued hook, the periodic rounds. */
export async function setupRouting(deps: RoutingDeps): Promise<RoutingSetup> {
  await ensureTeamIndexes(deps.store);
  const now = deps.now ?? Date.now;
  let presenceOf: (userId: string) => PresenceStatus = () => 'offline';
  const distributor = new Distributor({ store: deps.store, conversations: deps.conversations, presenceOf: (id) => presenceOf(id), now, log: deps.log });
  // Each node runs its own rounds: their writes are arbitrated by the store (a finish over the
  // revision it judged, a claim through capacity), so two nodes' rounds change nothing twice.
  const stopTimeouts = startPeriodic(async () => {
    const finished = await sweepSessionTimeouts(deps.store, now());
    if (finished > 0) deps.log(`session timeout: ${finished} idle conversations finished`);
  }, { everyMs: TIMEOUT_EVERY_MS, failed: (e) => deps.log(`session timeout failed: ${String(e)}`) });
  const stopDistribution = startPeriodic(async () => {
    await distributor.distributeAll();
  }, {
    everyMs: DISTRIBUTION_EVERY_MS, failed: (e) => deps.log(`distribution failed: ${String(e)}`),
  });
  return {
    routes: [['/api/admin', teamHoursRoutes(new TeamHours(deps.store, now), deps.auth)]],
    distributor,
    onQueued: (existing) => async (job, context) => {
      const conversationId = String(job.payload.conversationId);
      await sendOffHoursMessage(deps.store, conversationId, now());
      // A round that fails leaves the conversation waiting: the periodic round offers it again.
      await distributor.onQueued(conversationId).catch((e: unknown) => deps.log(`distribution of ${conversationId} failed: ${String(e)}`));
      await existing(job, context);
    },
    attachPresence(fn) {
      presenceOf = fn;
    },
    stop() {
      stopTimeouts();
      stopDistribution();
    },
  };
}
