import { nameKey, teamErrors } from '@atende/protocol';
import { NameClaims } from '../store/claims.js';
import type { DocStore } from '../store/index.js';

/**
 * One team per name on a rename (R-RT-01), arbitrated by the store (store/claims.ts): the new
 * name is claimed as `teamname:<hash of the compared name>` before the team is written, so of two
 * admins renaming teams to one name at once exactly one gets it and the other 409. A claim
 * younger than two minutes always holds, since its team may be being written right now.
 * Server-only.
 */
export class TeamNames extends NameClaims {
  constructor(store: DocStore, currentName: (teamId: string) => Promise<string | undefined>) {
    super(store, {
      prefix: 'teamname:', type: 'teamName', key: nameKey, hashed: true,
      holderField: 'teamId', atField: 'at', pendingMs: 120_000,
      currentName: (teamId) => currentName(teamId),
      duplicate: teamErrors.duplicateName,
    });
  }
}
