import { computed, type ComputedRef } from 'vue';
import type { UserPause } from '@atende/protocol';
import { useSessionStore } from '../../stores/session';
import { useWorkspaceStore } from '../../stores/workspace';
import { freshest } from './pauseClock';

/**
 * The pause I am in (R-WS-09), from the freshest copy of my user: while it lasts the server
 * refuses me new conversations, so the workstation neither announces waiting ones nor offers to
 * take them.
 */
export function useMyPause(): ComputedRef<UserPause | null> {
  const session = useSessionStore();
  const workspace = useWorkspaceStore();
  return computed(() => {
    const id = session.user?.id;
    return freshest(id ? workspace.users.get(id) : undefined, session.user)?.pause ?? null;
  });
}
