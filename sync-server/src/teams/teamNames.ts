import { createHash } from 'node:crypto';
import { teamErrors, teamNameKey } from '@atende/protocol';
import type { DocStore, StoredDoc } from '../store/index.js';

/**
 * One team per name on a rename (R-RT-01), arbitrated by the store like the pause types' names
 * (pauses/typeNames.ts): the new name is claimed by creating `teamname:<hash of the compared
 * name>`, so of two admins renaming teams to one name at once exactly one creates it and the other
 * meets its conflict (409). A claim whose team no longer bears that name is taken over once older
 * than PENDING_MS (a crash between claim and write); a younger one holds, its team may be being
 * written right now. Server-only.
 */
interface TeamNameClaimDoc extends StoredDoc {
  type: 'teamName';
  teamId: string;
  at: number;
}

const PREFIX = 'teamname:';
const MAX_ATTEMPTS = 20;
const PENDING_MS = 120_000;

const claimIdOf = (name: string) => `${PREFIX}${createHash('sha256').update(teamNameKey(name)).digest('base64url').slice(0, 32)}`;

export class TeamNames {
  constructor(
    private readonly store: DocStore,
    /** The team's current name; undefined when it is gone or archived. */
    private readonly currentName: (teamId: string) => Promise<string | undefined>,
  ) {}

  /** Claims `name` for `teamId`; 409 duplicate_team when another team holds it. */
  async claim(name: string, teamId: string): Promise<void> {
    const id = claimIdOf(name);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const held = (await this.store.get(id, { fresh: true })) as TeamNameClaimDoc | undefined;
      if (held && !held._deleted) {
        if (held.teamId === teamId) return;
        const holderName = await this.currentName(held.teamId);
        const holds = Date.now() - held.at < PENDING_MS || (holderName !== undefined && teamNameKey(holderName) === teamNameKey(name));
        if (holds) throw teamErrors.duplicateName(holderName ?? name.trim());
      }
      const claim: TeamNameClaimDoc = { _id: id, type: 'teamName', teamId, at: Date.now() };
      // Over a stale claim (or a released one's tombstone) by its revision, so a racer conflicts.
      if (held?._rev) claim._rev = held._rev;
      const [result] = await this.store.bulkWrite([claim]);
      if (result?.ok) return;
      if (result?.error !== 'conflict') throw new Error(`write ${id}: ${result?.reason ?? 'no result'}`);
    }
    throw new Error(`write ${id}: too much contention`);
  }

  /** Frees `name` when `teamId` holds it (renamed again, or its write failed). */
  async release(name: string, teamId: string): Promise<void> {
    const id = claimIdOf(name);
    const held = (await this.store.get(id, { fresh: true })) as TeamNameClaimDoc | undefined;
    if (!held || held._deleted || held.teamId !== teamId) return;
    // A conflict means someone claimed it meanwhile: theirs now, nothing to free.
    await this.store.bulkWrite([{ ...held, _deleted: true }]);
  }
}
