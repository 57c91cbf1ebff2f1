import { userAdminErrors } from '@atende/protocol';
import { NameClaims } from '../store/claims.js';
import type { DocStore } from '../store/index.js';

/**
 * One e-mail is one user (R-AUTH-01), arbitrated by the store (store/claims.ts): the claim
 * `useremail:<e-mail in lower case>` is created before the user is written, so of two creates of
 * one address at once exactly one gets it; the other is refused (409). Server-only: `useremail`
 * is no replicated type. A claim whose user was never written (a crash between the two writes)
 * is taken over after a minute.
 */
export const emailClaims = (store: DocStore, currentEmail: (userId: string) => Promise<string | undefined>): NameClaims =>
  new NameClaims(store, {
    prefix: 'useremail:', type: 'useremail', key: (email) => email.toLowerCase(), hashed: false,
    holderField: 'userId', atField: 'createdAt', pendingMs: 60_000,
    currentName: (userId) => currentEmail(userId),
    duplicate: userAdminErrors.duplicateEmail,
  });
