import { randomUUID } from 'node:crypto';
import type { StoredDoc } from './types.js';

/**
 * A store's identity (issue 8 design A.3, ARCHITECTURE §4): a random uuid made once per
 * database plus an epoch, kept in a `_local/` document because local documents never replicate
 * — a copy of the data in another database, or the same database recreated, gets a new identity,
 * so a client's checkpoint from the old one forces a clean resync instead of a silent gap.
 * The epoch starts at 1; raising it in that document (an operator restoring a backup into
 * the same database), then restarting the servers (they read it once), invalidates every
 * checkpoint without changing the uuid.
 */
export const IDENTITY_DOC_ID = '_local/atende-store';

export interface IdentityAccess {
  read(): Promise<StoredDoc | undefined>;
  /** Creates the document; resolves false when another writer created it first. */
  create(doc: StoredDoc): Promise<boolean>;
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
  await access.create(created);
  // Whatever is stored now is the identity: another node may have created it at the same
  // moment (a conflict), and local documents of a cluster are last-write-wins.
  const stored = await access.read();
  if (!stored) throw new Error(`${IDENTITY_DOC_ID}: written, then missing`);
  return identityOf(stored);
}

/** Runs `load` once and keeps its value; a failed attempt is forgotten so the next call retries. */
export function memoUntilDone<T>(load: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= load().catch((error: unknown) => {
      value = undefined;
      throw error;
    });
    return value;
  };
}
