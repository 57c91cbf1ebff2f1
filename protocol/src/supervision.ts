import { z } from 'zod';
import { endpoint } from './endpoint.js';

/**
 * Supervisor actions on agents (R-SV-04). Actions on conversations (transfer, finish, return,
 * release from the bot) are the agents' own endpoints under the same rules (permissions.ts):
 * an admin acts on every team, a supervisor on the teams they belong to.
 */
export const SignOutAgentResponse = z.object({ revokedSessions: z.number().int().nonnegative() });
export type SignOutAgentResponse = z.infer<typeof SignOutAgentResponse>;

export const SUPERVISION_API = {
  endAgentPause: endpoint({
    method: 'DELETE', path: '/api/supervision/agents/:userId/pause', auth: 'user', response: null,
    summary: "Ends an agent's pause (R-SV-04)",
  }),
  signOutAgent: endpoint({
    method: 'POST', path: '/api/supervision/agents/:userId/sign-out', auth: 'user', response: SignOutAgentResponse,
    summary: "Signs an agent out of every session (R-SV-04)",
  }),
} as const;
