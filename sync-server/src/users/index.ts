import type { Router } from 'express';
import type { AuthService } from '../auth/service.js';
import type { DocStore } from '../store/index.js';
import { usersAdminRoutes } from './routes.js';
import { UsersAdmin, type PasswordLinkSender } from './service.js';

export { UsersAdmin, type PasswordLinkSender } from './service.js';

export interface UsersDeps {
  store: DocStore;
  auth: AuthService;
  /** The invitation and reset links (auth/passwordLinks.ts). */
  links: PasswordLinkSender;
  log: (message: string) => void;
}

export interface UsersSetup {
  users: UsersAdmin;
  routes: Array<[string, Router]>;
}

/** Wires the users' administration (R-AUTH-01): claims the addresses of existing users, builds the admin roster, mounts the routes. */
export async function setupUsers(deps: UsersDeps): Promise<UsersSetup> {
  const users = new UsersAdmin(deps.store, deps.auth, deps.links, deps.log);
  await users.prepare();
  return { users, routes: [['/api/admin/users', usersAdminRoutes(users, deps.auth)]] };
}
