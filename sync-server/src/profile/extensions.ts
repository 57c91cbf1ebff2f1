import { DomainError, EXTENSION_TAKEN, extensionTakenMessage, type UserDoc } from '@atende/protocol';
import { updateDoc, type DocStore, type StoredDoc } from '../store/index.js';

/**
 * Who holds an extension ("ramal", R-WS-11). Calls ring the extension (R-WS-16), so two agents
 * must never share one. The store arbitrates: a claim is a server-only document
 * `extension:<extension>` (no replicated type) created without a revision, so of two agents
 * taking the same extension at once exactly one write succeeds; the other conflicts and is refused.
 */
export const EXTENSION_CLAIM_PREFIX = 'extension:';

export interface ExtensionClaimDoc extends StoredDoc {
  type: 'extensionClaim';
  userId: string;
  claimedAt: number;
}

/**
 * A claim whose holder's user document does not show the extension is left over from a write cut
 * short between the claim and the user document. It is taken over only once it is this old, so a
 * claimant still between its two writes is never robbed.
 */
export const STALE_CLAIM_MS = 60_000;
/** Claims created and released under one's feet are retried, never forever. */
const ATTEMPTS = 5;

export const claimIdOf = (extension: string): string => `${EXTENSION_CLAIM_PREFIX}${extension}`;

export function extensionClaimDoc(extension: string, userId: string, now: number): ExtensionClaimDoc {
  return { _id: claimIdOf(extension), type: 'extensionClaim', userId, claimedAt: now };
}

const taken = (extension: string) => new DomainError('conflict', EXTENSION_TAKEN, extensionTakenMessage(extension), { extension });

const liveClaim = (doc: StoredDoc | undefined): ExtensionClaimDoc | undefined =>
  doc && !doc._deleted && doc.type === 'extensionClaim' ? (doc as ExtensionClaimDoc) : undefined;

export class ExtensionClaims {
  constructor(
    private readonly store: DocStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes the extension for the user, or throws 409 `extension_taken`. Its holder claiming it again is a no-op. */
  async claim(userId: string, extension: string): Promise<void> {
    const id = claimIdOf(extension);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const [created] = await this.store.bulkWrite([extensionClaimDoc(extension, userId, this.now())]);
      if (created?.ok) return this.refuseIfHeldUnclaimed(userId, extension, created.rev);
      if (created?.error !== 'conflict') throw new Error(`write ${id}: ${created?.reason ?? 'no result'}`);
      const current = liveClaim(await this.store.get(id, { fresh: true }));
      if (!current) continue; // released meanwhile: try again
      if (current.userId === userId) return;
      if (!(await this.isStale(current, extension))) throw taken(extension);
      const [takenOver] = await this.store.bulkWrite([{ ...extensionClaimDoc(extension, userId, this.now()), _rev: current._rev }]);
      if (takenOver?.ok) return this.refuseIfHeldUnclaimed(userId, extension, takenOver.rev);
    }
    throw taken(extension);
  }

  /** Frees the extension if the user holds it (a claim another user holds stays theirs). */
  async release(userId: string, extension: string): Promise<void> {
    await updateDoc<StoredDoc>(this.store, claimIdOf(extension), (current) =>
      liveClaim(current)?.userId === userId ? { _id: claimIdOf(extension), _deleted: true } : undefined,
    );
  }

  /**
   * Users written before claims existed (or by the seed of an older version) hold extensions
   * without a claim. A claim just made for one of those is handed to that holder, and refused.
   */
  private async refuseIfHeldUnclaimed(userId: string, extension: string, rev: string): Promise<void> {
    const holders = await this.store.find({ selector: { type: 'user', extension }, limit: 2 });
    const holder = holders.find((doc) => doc._id !== userId && !doc._deleted);
    if (!holder) return;
    await this.store.bulkWrite([{ ...extensionClaimDoc(extension, holder._id, this.now()), _rev: rev }]);
    throw taken(extension);
  }

  private async isStale(claim: ExtensionClaimDoc, extension: string): Promise<boolean> {
    if (this.now() - claim.claimedAt < STALE_CLAIM_MS) return false;
    const holder = (await this.store.get(claim.userId, { fresh: true })) as (StoredDoc & Partial<UserDoc>) | undefined;
    return !holder || holder._deleted === true || holder.extension !== extension;
  }
}
