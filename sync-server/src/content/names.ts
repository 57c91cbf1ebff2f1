import { createHash } from 'node:crypto';
import { contentNameKey, type DomainError } from '@atende/protocol';
import type { DocStore, StoredDoc } from '../store/index.js';

/**
 * One name per scope (a tag name in the organisation, a disposition name in a team), arbitrated
 * by the store as pause types are (pauses/typeNames.ts): a name is claimed by creating
 * `contentname:<hash of scope and compared name>` without a revision, so of two admins saving the
 * same name at once exactly one creates it and the other gets a conflict. Server-only. A claim
 * left behind by a crash is taken over once older than PENDING_MS and its owner no longer
 * holds that name.
 */
interface NameClaimDoc extends StoredDoc {
  type: 'contentName';
  ownerId: string;
  at: number;
}

const PREFIX = 'contentname:';
const MAX_ATTEMPTS = 20;
const PENDING_MS = 120_000;

const claimIdOf = (scope: string, name: string) =>
  `${PREFIX}${createHash('sha256').update(`${scope}\n${contentNameKey(name)}`).digest('base64url').slice(0, 32)}`;

export interface NameRules {
  /** The current name of the document holding a claim in this scope; undefined when it is gone or moved. */
  currentName(ownerId: string, scope: string): Promise<string | undefined>;
  duplicate(name: string): DomainError;
}

export class NameClaims {
  constructor(
    private readonly store: DocStore,
    private readonly rules: NameRules,
  ) {}

  /** Claims `name` in `scope` for `ownerId`; the rule's 409 when another document holds it. */
  async claim(scope: string, name: string, ownerId: string): Promise<void> {
    const id = claimIdOf(scope, name);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const held = (await this.store.get(id, { fresh: true })) as NameClaimDoc | undefined;
      if (held && !held._deleted) {
        if (held.ownerId === ownerId) return;
        const holderName = await this.rules.currentName(held.ownerId, scope);
        const holds = Date.now() - held.at < PENDING_MS || (holderName !== undefined && contentNameKey(holderName) === contentNameKey(name));
        if (holds) throw this.rules.duplicate(holderName ?? name.trim());
      }
      const claim: NameClaimDoc = { _id: id, type: 'contentName', ownerId, at: Date.now() };
      // Over a stale claim (or a released one's tombstone) by its revision, so a racer conflicts.
      if (held?._rev) claim._rev = held._rev;
      const [result] = await this.store.bulkWrite([claim]);
      if (result?.ok) return;
      if (result?.error !== 'conflict') throw new Error(`write ${id}: ${result?.reason ?? 'no result'}`);
    }
    throw new Error(`write ${id}: too much contention`);
  }

  /** Frees `name` in `scope` when `ownerId` holds it (renamed, removed, or its write failed). */
  async release(scope: string, name: string, ownerId: string): Promise<void> {
    const id = claimIdOf(scope, name);
    const held = (await this.store.get(id, { fresh: true })) as NameClaimDoc | undefined;
    if (!held || held._deleted || held.ownerId !== ownerId) return;
    // A conflict means someone claimed it meanwhile: theirs now, nothing to free.
    await this.store.bulkWrite([{ ...held, _deleted: true }]);
  }
}
