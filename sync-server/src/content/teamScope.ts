import { mayAdministerTeam, notFound, teamErrors, type Actor } from '@atende/protocol';
import { liveTeam } from '../access/teams.js';
import type { DocStore } from '../store/index.js';

/**
 * The team a supervisor or admin writes team content for: one they administer (a team a
 * supervisor does not hold reads as missing, 404, as elsewhere) and one that takes new work
 * (exists and is not archived: 422 otherwise, as wherever a team is named).
 */
export async function assertTeamAdministered(store: DocStore, actor: Actor, teamId: string): Promise<void> {
  if (!mayAdministerTeam(actor, teamId)) throw notFound('team');
  if (!(await liveTeam(store, teamId))) throw teamErrors.unknown([teamId]);
}

/** The teams whose content the actor lists: every one for admins (or the one asked), their own for supervisors. */
export function listedTeams(actor: Actor, teamId: string | undefined): { teamIds: string[] | 'all' } {
  if (teamId !== undefined) {
    if (!mayAdministerTeam(actor, teamId)) throw notFound('team');
    return { teamIds: [teamId] };
  }
  return { teamIds: actor.role === 'admin' ? 'all' : [...actor.teamIds] };
}
