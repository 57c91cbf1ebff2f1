import { createHash } from 'node:crypto';
import { pauseErrors } from '@atende/protocol';
import type { DocStore, StoredDoc } from '../store/index.js';

/**
 * One pause type per name (R-WS-09), arbitrated by the store: a name is claimed by creating
 * `pausetypename:<hash of the compared name>` without a revision, so of two admins saving the
 * same name at once exactly one creates it and the other gets a conflict. Server-only, like the
 * types. A claim left behind by a crash (its type never written, renamed or removed) is taken
 * over once it is older than PENDING_MS; a younger one always holds, since its type may be
 * being written right now.
 */
interface NameClaimDoc extends StoredDoc {
  type: 'pauseTypeName';
  typeId: string;
  at: number;
}

const PREFIX = 'pausetypename:';
const MAX_ATTEMPTS = 20;
const PENDING_MS = 120_000;

/** Names compare without case, accents or surrounding spaces: "Café" and "cafe " are one type. */
export const nameKey = (name: string) => name.trim().normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

const claimIdOf = (name: string) => `${PREFIX}${createHash('sha256').update(nameKey(name)).digest('base64url').slice(0, 32)}`;

/** What a claim needs to know of the type it names: its current name, or undefined when gone. */
export type CurrentName = (typeId: string) => Promise<string | undefined>;

export class PauseTypeNames {
  constructor(
    private readonly store: DocStore,
    private readonly currentName: CurrentName,
  ) {}

  /** Claims `name` for `typeId`; 409 duplicate_pause_type when another type holds it. */
  async claim(name: string, typeId: string): Promise<void> {
    const id = claimIdOf(name);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const held = (await this.store.get(id, { fresh: true })) as NameClaimDoc | undefined;
      if (held && !held._deleted) {
        if (held.typeId === typeId) return;
        const holderName = await this.currentName(held.typeId);
        const holds = Date.now() - held.at < PENDING_MS || (holderName !== undefined && nameKey(holderName) === nameKey(name));
        if (holds) throw pauseErrors.duplicateName(holderName ?? name.trim());
      }
      const claim: NameClaimDoc = { _id: id, type: 'pauseTypeName', typeId, at: Date.now() };
      // Over a stale claim (or a released one's tombstone) by its revision, so a racer conflicts.
      if (held?._rev) claim._rev = held._rev;
      const [result] = await this.store.bulkWrite([claim]);
      if (result?.ok) return;
      if (result?.error !== 'conflict') throw new Error(`write ${id}: ${result?.reason ?? 'no result'}`);
    }
    throw new Error(`write ${id}: too much contention`);
  }

  /** Frees `name` when `typeId` holds it (renamed, removed, or its write failed). */
  async release(name: string, typeId: string): Promise<void> {
    const id = claimIdOf(name);
    const held = (await this.store.get(id, { fresh: true })) as NameClaimDoc | undefined;
    if (!held || held._deleted || held.typeId !== typeId) return;
    // A conflict means someone claimed it meanwhile: theirs now, nothing to free.
    await this.store.bulkWrite([{ ...held, _deleted: true }]);
  }
}
