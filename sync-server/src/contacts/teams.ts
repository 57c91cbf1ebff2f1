import type { ContactDoc } from '@atende/protocol';
import type { DocStore } from '../store/index.js';
import { updateDoc } from '../store/index.js';
import { isGone } from './live.js';

/**
 * Agents replicate a contact only once a conversation of one of their teams references it
 * (ARCHITECTURE §4, bounded replicas): a conversation opened for it in a team, or transferred to
 * one, adds the team. Teams are never taken away here; a team that no longer holds any of the
 * contact's conversations keeps it, which only errs towards the agents who served it.
 */
export async function linkContactToTeam(
  store: DocStore,
  contact: Pick<ContactDoc, 'id' | 'teamIds'>,
  teamId: string,
): Promise<void> {
  // Read from the caller's copy first: the common case (already linked) costs nothing.
  if (contact.teamIds?.includes(teamId)) return;
  await updateDoc(store, contact.id, (current) => {
    if (!current || isGone(current) || current.type !== 'contact') return undefined;
    const teamIds = Array.isArray(current.teamIds) ? current.teamIds.filter((t): t is string => typeof t === 'string') : [];
    if (teamIds.includes(teamId)) return undefined;
    return { ...current, teamIds: [...teamIds, teamId], updatedAt: Math.max(Date.now(), Number(current.updatedAt) + 1 || 0) };
  });
}
