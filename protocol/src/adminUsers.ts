/** Users administered by admins (R-AUTH-01): create with an invitation, edit, disable, unlock, reset password. */
// import { endpoint } from './endpoint.js';

export const USERS_API = {} as const;
