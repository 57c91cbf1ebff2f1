import { contentErrors, mayAdministerTeam, type Actor } from '@atende/protocol';
import type { DocStore } from '../store/index.js';
import { isLive } from './docs.js';

/**
 * The team a supervisor or admin writes team content for: one they administer (a team a
 * supervisor does not hold reads as missing, 404, as elsewhere) and one that exists.
 */
export async function assertTeamAdministered(store: DocStore, actor: Actor, teamId: string): Promise<void> {
  if (!mayAdministerTeam(actor, teamId)) throw contentErrors.unknownTeam();
  if (!isLive(await store.get(teamId), 'team')) throw contentErrors.unknownTeam();
}

/** The teams whose content the actor lists: every one for admins (or the one asked), their own for supervisors. */
export function listedTeams(actor: Actor, teamId: string | undefined): { teamIds: string[] | 'all' } {
  if (teamId !== undefined) {
    if (!mayAdministerTeam(actor, teamId)) throw contentErrors.unknownTeam();
    return { teamIds: [teamId] };
  }
  return { teamIds: actor.role === 'admin' ? 'all' : [...actor.teamIds] };
}
