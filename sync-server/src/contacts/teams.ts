import type { ContactDoc } from '@atende/protocol';
import type { DocStore, StoredDoc } from '../store/index.js';
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
    const teamIds = teamsOf(current);
    if (teamIds.includes(teamId)) return undefined;
    return { ...current, teamIds: [...teamIds, teamId], updatedAt: Math.max(Date.now(), Number(current.updatedAt) + 1 || 0) };
  });
  await linkNotesToTeam(store, contact.id, teamId);
}

const teamsOf = (doc: StoredDoc): string[] =>
  Array.isArray(doc.teamIds) ? doc.teamIds.filter((t): t is string => typeof t === 'string') : [];

/** Notes about one contact at most (a contact with more is an outlier; its oldest teams still hold them). */
const NOTES_PER_CONTACT = 1_000;

/**
 * A contact's shared notes follow it (R-WS-03: visible to every agent who serves the contact), so
 * a team that gains the contact gains its notes. `updatedAt` stays: the team list is the server's,
 * and an author editing the note meanwhile must not be refused as stale because of it.
 */
async function linkNotesToTeam(store: DocStore, contactId: string, teamId: string): Promise<void> {
  const notes = await store.find({ selector: { type: 'note', contactId }, limit: NOTES_PER_CONTACT });
  for (const note of notes) {
    if (isGone(note) || teamsOf(note).includes(teamId)) continue;
    await updateDoc(store, note._id, (current) => {
      if (!current || isGone(current) || teamsOf(current).includes(teamId)) return undefined;
      return { ...current, teamIds: [...teamsOf(current), teamId] };
    });
  }
}
