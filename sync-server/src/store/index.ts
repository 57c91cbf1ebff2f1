import type { StoreConfig } from '../config/config.js';
import { CouchStore } from './couchdb.js';
import { EmbeddedStore } from './embedded.js';
import type { DocStore } from './types.js';

export * from './types.js';
export { updateDoc } from './update.js';
export { withGroupCommit, type GroupCommitOptions } from './groupCommit.js';
export { withReadCache, type ReadCacheOptions } from './cache.js';
export { withSharedFeed } from './sharedFeed.js';
export { withChangeStamps } from './changeStamps.js';
export { startIndexWarmer, type IndexWarmer, type IndexWarmerOptions } from './warmer.js';
export {
  ALL_KEY, compareSyncPositions, EVERYTHING_KEY, REPLICATED_TYPES, syncKeysOf, type SyncPosition,
} from './syncView.js';
export { ConflictSweeper, wireResolver, type ConflictResolver, type ConflictResolvers } from './conflicts.js';

export async function openStore(config: StoreConfig): Promise<DocStore> {
  if (config.driver === 'couchdb') return CouchStore.open(config.couchUrl, config.couchDb);
  return new EmbeddedStore(config.dataDir);
}
