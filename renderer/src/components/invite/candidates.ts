import { mayBeInvited, presenceWithPause, type ConversationDoc, type PresenceStatus, type UserDoc } from '@atende/protocol';

/** A colleague offered by "Convidar colaboradores", with how reachable they are now. */
export interface Candidate {
  user: UserDoc;
  status: PresenceStatus;
  /**
   * The name of the pause the colleague is in, or null: the server refuses to invite a paused
   * agent (R-WS-09), so the dialog keeps them listed, not choosable, with the reason.
   */
  pausedAs: string | null;
}

const RANK: Record<PresenceStatus, number> = { online: 0, paused: 1, offline: 2 };

/**
 * Who the invite dialog lists (R-WS-05): whoever the server would accept (the protocol's rule: the
 * conversation's team, or supervisors and admins), not me, not already in it; the ones online
 * first, then paused (listed, but not to be chosen until the pause ends), then offline; by name within each.
 */
export function inviteCandidates(
  users: Iterable<UserDoc>,
  conversation: Pick<ConversationDoc, 'teamId' | 'agentId' | 'invitedAgentIds'>,
  meId: string | undefined,
  presence: ReadonlyMap<string, PresenceStatus>,
): Candidate[] {
  const candidates: Candidate[] = [];
  for (const user of users) {
    if (user.id === meId || conversation.invitedAgentIds.includes(user.id) || !mayBeInvited(user, conversation)) continue;
    candidates.push({ user, status: presenceWithPause(presence.get(user.id) ?? 'offline', user), pausedAs: user.pause?.name ?? null });
  }
  return candidates.sort((a, b) => RANK[a.status] - RANK[b.status] || a.user.name.localeCompare(b.user.name));
}
