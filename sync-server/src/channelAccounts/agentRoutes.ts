import { Router } from 'express';
import { API, canStartOn, replyPolicyOf, seesAllTeams, type AgentChannel, type UserDoc } from '@atende/protocol';
import { viewerOf } from '../access/scope.js';
import { principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { implement } from '../http/contract.js';
import { displayPhoneNumberOf, isEnabled, type ChannelAccountDoc, type ChannelAccounts } from './service.js';

const MOUNT = '/api/channels';

/** An account as agents see it: no settings, no secrets. */
export function agentChannelOf(account: ChannelAccountDoc): AgentChannel {
  return {
    id: account._id, kind: account.kind, name: account.name, teamId: account.entryTeamId,
    displayPhoneNumber: displayPhoneNumberOf(account), canStart: canStartOn(account.kind),
    humanAgentTag: replyPolicyOf(account.settings).humanAgentTag,
  };
}

/** Enabled accounts of the user's teams (every one for supervisors and admins). */
export function channelsFor(user: UserDoc, accounts: ChannelAccountDoc[]): AgentChannel[] {
  const all = seesAllTeams(viewerOf(user));
  return accounts.filter((a) => isEnabled(a) && (all || user.teamIds.includes(a.entryTeamId))).map(agentChannelOf);
}

/**
 * `GET /api/channels` (R-WA-01): the origin numbers "Nova conversa" offers. Its own router, so
 * `/api/channels/:id/templates` (channels/whatsapp/templateRoutes.ts) can share the mount.
 */
export function agentChannelRoutes(accounts: ChannelAccounts, auth: AuthService): Router {
  const router = Router();
  // On the route, not the router: requests for the other router under this mount pass untouched.
  implement(router, MOUNT, API.agentChannels, async ({ req }) => ({
    channels: channelsFor(principalOf(req).user, await accounts.list()),
  }), [requireUser(auth)]);
  return router;
}
