import { computed } from 'vue';
import { byName, mayAdministerTeam } from '@atende/protocol';
import { useSessionStore } from '../../stores/session';
import { useWorkspaceStore } from '../../stores/workspace';

/**
 * The teams whose content the signed-in user edits (R-RT-05): every one for admins, their own for
 * supervisors (protocol `mayAdministerTeam`, which the server applies too), by name; and a team's
 * name for the lists.
 */
export function useContentTeams() {
  const session = useSessionStore();
  const workspace = useWorkspaceStore();
  const teams = computed(() => {
    const user = session.user;
    return [...workspace.teams.values()]
      .filter((team) => user !== undefined && team.archived !== true && mayAdministerTeam(user, team.id))
      .sort(byName);
  });
  const teamName = (id: string | null): string | undefined => (id === null ? undefined : workspace.teams.get(id)?.name ?? id);
  const isAdmin = computed(() => session.user?.role === 'admin');
  return { teams, teamName, isAdmin };
}
