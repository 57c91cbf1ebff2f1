import type { StoreIdentity } from '../access/scope.js';
import { publishTopic, type Bus } from '../bus/index.js';
import type { DocStore } from '../store/index.js';

/**
 * After this node raised the store's epoch (issue 19: a purge, the replicas' purge signal): the new
 * identity is read here and announced on the bus, which every node — this one included — hears
 * (realtime/hub.ts): checkpoints of the new identity from then on, and a pull hint to every socket.
 * A failed announcement is logged; the other nodes still re-read the identity within its TTL.
 */
export function announceIdentity(store: Pick<DocStore, 'identity'>, bus: Bus, identity: StoreIdentity, log: (message: string) => void): void {
  identity.forget();
  void store
    .identity()
    .then((current) => publishTopic(bus, 'store.identity', { identity: current }))
    .catch((error: unknown) => log(`store identity: announcing the new epoch failed: ${error instanceof Error ? error.message : String(error)}`));
}
