import type { Router } from 'express';
import type { ConversationDoc, MessageDoc } from '@atende/protocol';
import type { AuthService } from '../auth/service.js';
import type { InboundHooks } from '../conversations/inbound.js';
import type { JobRunner } from '../jobs/index.js';
import type { DocStore } from '../store/index.js';
import { Bot, FLOW_JOB, flowJob } from './bot.js';
import { Flows } from './flows.js';
import { flowAdminRoutes, releaseRoutes } from './routes.js';
import { FlowService } from './service.js';

export { BOT_AUTHOR_NAME, FLOW_JOB } from './bot.js';
export { Flows } from './flows.js';
export { FlowService } from './service.js';

/**
 * What the customer's side needs of the bot, given to InboundService before anything else is
 * built: a conversation opens with the bot when its entry team has an active flow, and each
 * customer message in a conversation with the bot is answered by a job written with it.
 */
export function flowInboundHooks(store: DocStore): InboundHooks {
  const flows = new Flows(store);
  return {
    // A Reclame Aqui complaint is a public case, not a chat: no bot answers it.
    opensWithBot: async (teamId, channel) => channel !== 'reclameaqui' && (await flows.opensWithBot(teamId)),
    jobsFor: (message: MessageDoc, conversation: ConversationDoc) => (conversation.status === 'bot' ? [flowJob(message)] : []),
  };
}

export interface FlowsSetup {
  service: FlowService;
  routes: Array<[string, Router]>;
}

/** Wires chatbot flows (R-RT-04) into a server: the bot's job and the routes. Call before the job runner starts. */
export function setupFlows(deps: { store: DocStore; auth: AuthService; jobs: JobRunner }): FlowsSetup {
  const flows = new Flows(deps.store);
  const bot = new Bot(deps.store, flows);
  // One message at a time per node: two quick replies are answered in order, from one bot state.
  deps.jobs.register(FLOW_JOB, bot.handler(), { concurrency: 1 });
  const service = new FlowService(deps.store, flows, bot);
  return {
    service,
    routes: [
      ['/api/admin/flows', flowAdminRoutes(service, deps.auth)],
      ['/api/conversations', releaseRoutes(service, deps.auth)],
    ],
  };
}
