import { nameKey } from '@atende/protocol';
import { NameClaims, type ClaimKind } from '../store/claims.js';
import type { DocStore } from '../store/index.js';

/**
 * One name per scope (a tag name in the organisation, a disposition name in a team), arbitrated
 * by the store as pause types' names are (store/claims.ts): claims are `contentname:<hash of
 * scope and compared name>`, server-only; callers always name the scope.
 */
export const contentNameClaims = (store: DocStore, rules: Pick<ClaimKind, 'currentName' | 'duplicate'>): NameClaims =>
  new NameClaims(store, {
    prefix: 'contentname:', type: 'contentName', key: nameKey, hashed: true,
    holderField: 'ownerId', atField: 'at', pendingMs: 120_000, ...rules,
  });
