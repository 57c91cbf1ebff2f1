import { adminSectionsFor, mayOpenAdmin, type AdminSection, type UserDoc } from '@atende/protocol';

/**
 * Who may open the admin area (issue 15 point 1): admins, and supervisors for the sections about
 * their teams — the same rule the `/api/admin/*` routes check (protocol/src/administration.ts).
 */
export function canAdminister(user: Pick<UserDoc, 'role'> | undefined): boolean {
  return mayOpenAdmin(user);
}

export function sectionsFor(user: Pick<UserDoc, 'role'> | undefined): AdminSection[] {
  return adminSectionsFor(user);
}
