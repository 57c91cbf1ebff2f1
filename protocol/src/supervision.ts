import { z } from 'zod';
import type { Role } from './documents.js';
import { endpoint } from './endpoint.js';

/**
 * Supervisor actions on agents (R-SV-04). Actions on conversations (transfer, finish, return,
 * release from the bot) are the agents' own endpoints under the same rules (permissions.ts):
 * an admin acts on every team, a supervisor on the teams they belong to.
 */
/**
 * Who may end another user's pause or sign them out (R-SV-04): never oneself (the user's own
 * controls do that); an admin anyone else; a supervisor the agents of a team they belong to.
 * The server answers a supervisor's request about any other user as missing (404).
 */
export function maySuperviseUser(
  actor: { id: string; role: Role; teamIds: readonly string[] },
  target: { id: string; role: Role; teamIds: readonly string[] },
): boolean {
  if (actor.id === target.id) return false;
  if (actor.role === 'admin') return true;
  return actor.role === 'supervisor' && target.role === 'agent' && target.teamIds.some((t) => actor.teamIds.includes(t));
}

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
