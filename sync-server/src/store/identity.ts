import { randomUUID } from 'node:crypto';
import type { StoredDoc } from './types.js';

/**
 * A store's identity (issue 8 design A.3, ARCHITECTURE §4): a random uuid made once per
 * database plus an epoch, kept in a `_local/` document because local documents never replicate
 * — a copy of the data in another database, or the same database recreated, gets a new identity,
 * so a client's checkpoint from the old one forces a clean resync instead of a silent gap.
 * The epoch starts at 1; raising it (`bumpIdentity`: after a purge, issue 19, or an operator
 * restoring a backup into the same database) invalidates every checkpoint without changing the
 * uuid, so every replica resets and resyncs.
 */
export const IDENTITY_DOC_ID = '_local/atende-store';

export interface IdentityAccess {
  read(): Promise<StoredDoc | undefined>;
  /**
   * Writes the document (created without `_rev`, replaced with the `_rev` read); resolves false
   * when another writer got there first (a conflict).
   */
  write(doc: StoredDoc): Promise<boolean>;
}

function identityOf(doc: StoredDoc): string {
  const { uuid, epoch } = doc;
  if (typeof uuid !== 'string' || uuid.length === 0 || !Number.isSafeInteger(Number(epoch)) || Number(epoch) < 1) {
    throw new Error(`${IDENTITY_DOC_ID} is malformed: ${JSON.stringify(doc)}`);
  }
  return `${uuid}.${Number(epoch)}`;
}

export async function readOrCreateIdentity(access: IdentityAccess): Promise<string> {
  const existing = await access.read();
  if (existing) return identityOf(existing);
  const created: StoredDoc = { _id: IDENTITY_DOC_ID, uuid: randomUUID(), epoch: 1 };
  await access.write(created);
  // Whatever is stored now is the identity: another node may have created it at the same
  // moment (a conflict), and local documents of a cluster are last-write-wins.
  const stored = await access.read();
  if (!stored) throw new Error(`${IDENTITY_DOC_ID}: written, then missing`);
  return identityOf(stored);
}

/** Bounds the retries of a bump that keeps meeting other writers. */
const BUMP_ROUNDS = 10;

/**
 * Raises the epoch by one and answers the new identity. Revision-checked, so two nodes bumping at
 * once end two epochs up, never one (on a CouchDB cluster, where local documents are
 * last-write-wins between shard copies, two bumps at the same instant may still count once —
 * either way the identity differs from the one before both).
 */
export async function bumpIdentity(access: IdentityAccess): Promise<string> {
  for (let round = 0; round < BUMP_ROUNDS; round++) {
    let current = await access.read();
    if (!current) {
      await readOrCreateIdentity(access);
      current = await access.read();
    }
    if (!current) throw new Error(`${IDENTITY_DOC_ID}: written, then missing`);
    identityOf(current);
    const next: StoredDoc = { ...current, epoch: Number(current.epoch) + 1 };
    if (await access.write(next)) return identityOf(next);
  }
  throw new Error(`${IDENTITY_DOC_ID}: the epoch kept changing under ${BUMP_ROUNDS} attempts to raise it`);
}

/**
 * How long a driver trusts the identity it read (issue 19 point 4). A bump on this node forgets it
 * at once; a bump on another node (a purge there) is seen within this time, plus the TTL of the
 * callers' own cache (access/scope.ts StoreIdentity). One read of a local document per period.
 */
export const IDENTITY_TTL_MS = 2_000;

export interface IdentityMemo {
  get(): Promise<string>;
  forget(): void;
}

/** `load`'s value, read again once `ttlMs` has passed or after `forget`; a failure is not kept. */
export function memoFor(load: () => Promise<string>, ttlMs = IDENTITY_TTL_MS, now: () => number = Date.now): IdentityMemo {
  let cached: { value: Promise<string>; at: number } | undefined;
  return {
    get() {
      if (!cached || now() - cached.at > ttlMs) {
        const value = load();
        const entry = { value, at: now() };
        cached = entry;
        value.catch(() => {
          if (cached === entry) cached = undefined;
        });
      }
      return cached.value;
    },
    forget() {
      cached = undefined;
    },
  };
}

/** A driver's identity: read through a memo, raised with the memo forgotten on both sides of the write. */
export function identityKeeper(access: IdentityAccess): { get(): Promise<string>; bump(): Promise<string> } {
  const memo = memoFor(() => readOrCreateIdentity(access));
  return {
    get: () => memo.get(),
    async bump() {
      memo.forget();
      try {
        return await bumpIdentity(access);
      } finally {
        memo.forget();
      }
    },
  };
}
