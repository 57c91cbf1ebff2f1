import { defineStore } from 'pinia';
import { computed } from 'vue';
import type { UserDoc } from '@atende/protocol';
import { byStatusThenName, colleagueStatus, type ColleagueStatus } from '../components/chat/chatRules';
import { connectionState } from '../net/connection';
import { useRealtimeStore } from './realtime';
import { useSessionStore } from './session';
import { useWorkspaceStore } from './workspace';

export interface Colleague {
  user: UserDoc;
  status: ColleagueStatus;
  /** The pause's name (R-WS-09) while paused. */
  pauseName: string | null;
}

/**
 * The members of my teams with their live status (issue 13 item 5): presence frames from the hub
 * over the users of the local replica, so names and pauses read offline too.
 */
export const useColleaguesStore = defineStore('colleagues', () => {
  const session = useSessionStore();
  const workspace = useWorkspaceStore();
  const realtime = useRealtimeStore();

  const colleagues = computed<Colleague[]>(() => {
    const me = session.user;
    if (!me) return [];
    const mine = new Set(me.teamIds);
    const connected = connectionState.value === 'online';
    return [...workspace.users.values()]
      .filter((u) => u.id !== me.id && u.teamIds.some((t) => mine.has(t)))
      .map((user) => ({ user, ...colleagueStatus(realtime.presence.get(user.id), user, connected) }))
      .sort((a, b) => byStatusThenName({ status: a.status, name: a.user.name }, { status: b.status, name: b.user.name }));
  });

  return { colleagues };
});
