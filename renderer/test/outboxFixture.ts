import { createRxDatabase, type RxCollection, type RxDatabase } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { CommandOutbox, type OutboxOptions, type Transport } from '../src/db/outbox';
import { outboxSchema, type OutboxDoc } from '../src/db/outboxSchema';

/**
 * Durable outboxes on in-memory RxDB for tests: each test's databases and senders are stopped by
 * `closeOutboxes` (call it in afterEach), so no retry timer outlives its test.
 */
type OutboxDatabase = RxDatabase<{ outbox: RxCollection<OutboxDoc> }>;
const databases: OutboxDatabase[] = [];
const outboxes: CommandOutbox[] = [];
let counter = 0;

export async function outboxCollection(name = `outbox-test-${counter++}`): Promise<RxCollection<OutboxDoc>> {
  const db: OutboxDatabase = await createRxDatabase<{ outbox: RxCollection<OutboxDoc> }>({
    name, storage: getRxStorageMemory(), multiInstance: false,
  });
  databases.push(db);
  await db.addCollections({ outbox: { schema: outboxSchema } });
  return db.outbox;
}

/** A started outbox over `collection`, stopped by `closeOutboxes`. */
export function startedOutbox(collection: RxCollection<OutboxDoc>, transport: Transport, options: OutboxOptions = {}): CommandOutbox {
  const outbox = new CommandOutbox(collection, transport, options);
  outboxes.push(outbox);
  outbox.start();
  return outbox;
}

export async function closeOutboxes(): Promise<void> {
  for (const o of outboxes.splice(0)) o.stop();
  for (const db of databases.splice(0)) await db.close();
}
