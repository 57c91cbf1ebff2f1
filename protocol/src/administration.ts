import type { Actor } from './permissions.js';

/**
 * Who administers what (issue 15 point 1): admins everything; supervisors the settings of their
 * own teams (their queue, hours, flows, predefined messages, dispositions) and nothing
 * organisation-wide. The server checks these on every `/api/admin/*` route; the renderer shows
 * exactly the sections and rows they allow.
 */
export const ADMIN_SECTIONS = [
  'users', 'teams', 'channels', 'hours', 'flows', 'predefined', 'dispositions', 'tags', 'articles', 'pauses', 'tokens', 'webhooks', 'settings',
  // Issue 19 (LGPD): the access audit and the retention runs; admins only.
  'privacy',
] as const;
export type AdminSection = (typeof ADMIN_SECTIONS)[number];

/** Sections a supervisor also opens, limited to their teams' rows. */
const SUPERVISED_SECTIONS: readonly AdminSection[] = ['teams', 'hours', 'flows', 'predefined', 'dispositions'];

export const isAdmin = (actor: Pick<Actor, 'role'> | undefined): boolean => actor?.role === 'admin';

/** Whether the user opens the admin area at all. */
export const mayOpenAdmin = (actor: Pick<Actor, 'role'> | undefined): boolean => actor?.role === 'admin' || actor?.role === 'supervisor';

export const adminSectionsFor = (actor: Pick<Actor, 'role'> | undefined): AdminSection[] =>
  isAdmin(actor) ? [...ADMIN_SECTIONS] : actor?.role === 'supervisor' ? ADMIN_SECTIONS.filter((s) => SUPERVISED_SECTIONS.includes(s)) : [];

/** Whether the actor may change the settings of one team (its hours, flow, predefined messages, dispositions, members). */
export const mayAdministerTeam = (actor: Pick<Actor, 'role' | 'teamIds'>, teamId: string): boolean =>
  actor.role === 'admin' || (actor.role === 'supervisor' && actor.teamIds.includes(teamId));
