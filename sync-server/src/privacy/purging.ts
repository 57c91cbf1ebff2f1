import type { DocStore } from '../store/index.js';

/**
 * The store's purge and epoch bump (issue 19 model points 1–2, the store slice's DocStore.purge and
 * bumpEpoch). Until they are on DocStore's type this names their contract; a store without them
 * fails loudly instead of leaving erased data in place.
 */
export interface PurgingStore extends DocStore {
  /** Removes the documents for good (every revision, attachment, change row, index row); answers how many it removed. */
  purge(ids: readonly string[]): Promise<number>;
  /** The replicas' purge signal: the store identity's epoch + 1; answers the new identity. */
  bumpEpoch(): Promise<string>;
}

export function purgingStore(store: DocStore): PurgingStore {
  const candidate = store as Partial<PurgingStore> & DocStore;
  if (typeof candidate.purge !== 'function' || typeof candidate.bumpEpoch !== 'function') {
    throw new Error(`the ${store.kind} store cannot purge: erasure needs DocStore.purge and bumpEpoch`);
  }
  return candidate as PurgingStore;
}
