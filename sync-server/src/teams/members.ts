import { teamErrors, type TeamMember, type UserDoc } from '@atende/protocol';
import { isLiveUser } from '../access/users.js';
import { updateDoc, type DocStore, type StoredDoc } from '../store/index.js';

/**
 * A team's members are the users whose `teamIds` include it (design: no member list on the team,
 * so a user's rights and replica follow one field). Adding or removing one is an `updateDoc` of
 * their user document — store-arbitrated, so an admin's edit in the user form meanwhile (issue 15
 * users) is re-read, never overwritten; their replica follows (the stream moves their sockets).
 */
export const memberOf = (user: UserDoc): TeamMember => ({ id: user.id, name: user.name, role: user.role });

/** The users named, all of them, or a 400 naming those that are not users. */
export function requireUsers(users: readonly UserDoc[], ids: readonly string[]): void {
  const known = new Set(users.map((u) => u.id));
  const unknown = [...new Set(ids)].filter((id) => !known.has(id));
  if (unknown.length > 0) throw teamErrors.unknownUsers(unknown);
}

/** Makes exactly `memberIds` the members of `teamId`: adds the team to those without it, takes it from the others. */
export async function setMembers(store: DocStore, users: readonly UserDoc[], teamId: string, memberIds: readonly string[]): Promise<void> {
  const wanted = new Set(memberIds);
  const changes = users.filter((u) => wanted.has(u.id) !== u.teamIds.includes(teamId));
  for (const user of changes) {
    await updateDoc<StoredDoc>(store, user.id, (current) => {
      if (!isLiveUser(current)) return undefined;
      const teamIds = Array.isArray(current.teamIds) ? (current.teamIds as string[]) : [];
      const has = teamIds.includes(teamId);
      if (has === wanted.has(user.id)) return undefined;
      const next = has ? teamIds.filter((t) => t !== teamId) : [...teamIds, teamId];
      const updatedAt = Math.max(Date.now(), Number(current.updatedAt) + 1 || 0);
      return { ...current, teamIds: next, updatedAt };
    });
  }
}
