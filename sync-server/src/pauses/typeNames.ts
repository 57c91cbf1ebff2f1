import { nameKey, pauseErrors } from '@atende/protocol';
import { NameClaims } from '../store/claims.js';
import type { DocStore } from '../store/index.js';

/** What a claim needs to know of the type it names: its current name, or undefined when gone. */
export type CurrentName = (typeId: string) => Promise<string | undefined>;

/**
 * One pause type per name (R-WS-09), arbitrated by the store (store/claims.ts): claims are
 * `pausetypename:<hash of the compared name>`, server-only like the types. A claim younger than
 * two minutes always holds, since its type may be being written right now.
 */
export const pauseTypeNames = (store: DocStore, currentName: CurrentName): NameClaims =>
  new NameClaims(store, {
    prefix: 'pausetypename:', type: 'pauseTypeName', key: nameKey, hashed: true,
    holderField: 'typeId', atField: 'at', pendingMs: 120_000,
    currentName: (typeId) => currentName(typeId),
    duplicate: pauseErrors.duplicateName,
  });
