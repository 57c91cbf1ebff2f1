import type { UserDoc } from '@atende/protocol';

/**
 * Who may open the admin area (issue 10 point 6): admins only, as the `/api/admin/*` routes
 * check. Issue 15 lets supervisors see the screens about their teams; this is where it changes.
 */
export function canAdminister(user: Pick<UserDoc, 'role'> | undefined): boolean {
  return user?.role === 'admin';
}
