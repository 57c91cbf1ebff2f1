import { addRxPlugin, createRxDatabase, removeRxDatabase, type RxCollection, type RxDatabase, type RxStorage } from 'rxdb';
import { RxDBCleanupPlugin } from 'rxdb/plugins/cleanup';
import { RxDBLeaderElectionPlugin } from 'rxdb/plugins/leader-election';
import { RxDBLocalDocumentsPlugin } from 'rxdb/plugins/local-documents';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import type {
  CollectionName, ContactDoc, ConversationDoc, DispositionDoc, FavouriteDoc, MessageDoc, NoteDoc, PredefinedDoc, TagDoc, TeamDoc, UserDoc,
} from '@atende/protocol';
import {
  contactMigrations, contactSchema, conversationMigrations, conversationSchema, dispositionSchema, draftSchema, favouriteSchema,
  generatedMigrations, messageMigrations, messageSchema, noteSchema, predefinedMigrations, predefinedSchema, tagSchema, teamMigrations, teamSchema, userMigrations, userSchema,
  type DraftDoc,
} from './schemas';
import { outboxSchema, type OutboxDoc } from './outboxSchema';

addRxPlugin(RxDBLeaderElectionPlugin);
addRxPlugin(RxDBMigrationSchemaPlugin);
addRxPlugin(RxDBCleanupPlugin);
addRxPlugin(RxDBLocalDocumentsPlugin);

export type AtendeCollections = {
  conversations: RxCollection<ConversationDoc>;
  messages: RxCollection<MessageDoc>;
  contacts: RxCollection<ContactDoc>;
  predefined: RxCollection<PredefinedDoc>;
  teams: RxCollection<TeamDoc>;
  users: RxCollection<UserDoc>;
  dispositions: RxCollection<DispositionDoc>;
  notes: RxCollection<NoteDoc>;
  tags: RxCollection<TagDoc>;
  favourites: RxCollection<FavouriteDoc>;
  drafts: RxCollection<DraftDoc>;
  outbox: RxCollection<OutboxDoc>;
};
export type AtendeDatabase = RxDatabase<AtendeCollections>;

/** Replicated collections; `drafts` stays on this machine. */
export const REPLICATED: CollectionName[] = [
  'conversations', 'messages', 'contacts', 'predefined', 'teams', 'users', 'dispositions', 'notes', 'tags', 'favourites',
];

/** A replicated collection seen as plain documents, for code that treats them all alike (sync, purge). */
export function replicatedCollection(db: AtendeDatabase, name: CollectionName): RxCollection<Record<string, unknown>> {
  return db.collections[name] as unknown as RxCollection<Record<string, unknown>>;
}

/** One IndexedDB database per signed-in user, so signing out can wipe exactly that user's data. */
export function databaseName(userId: string): string {
  return `atende-${userId.replace(/[^a-zA-Z0-9]/g, '-').toLowerCase()}`;
}

const storage = getRxStorageDexie();

/**
 * Tombstones the server sends (a document removed or moved out of the user's teams) carry no
 * content, and are physically cleaned up a minute later, once replication is in sync (issue 8).
 */
const CLEANUP = { minimumDeletedTime: 60_000, minimumCollectionAge: 60_000, runEach: 5 * 60_000, awaitReplicationsInSync: true } as const;

/** `storage` and `multiInstance` are for tests (an in-memory store, one instance). */
export async function openDatabase(userId: string, options: { storage?: RxStorage<unknown, unknown>; multiInstance?: boolean } = {}): Promise<AtendeDatabase> {
  const db = await createRxDatabase<AtendeCollections>({
    name: databaseName(userId),
    storage: options.storage ?? storage,
    multiInstance: options.multiInstance ?? true,
    eventReduce: true,
    closeDuplicates: true,
    // The replica's identity (store + scope it was filled under) lives beside its data.
    localDocuments: true,
    cleanupPolicy: CLEANUP,
  });
  await db.addCollections({
    conversations: { schema: conversationSchema, migrationStrategies: conversationMigrations },
    messages: { schema: messageSchema, migrationStrategies: messageMigrations },
    contacts: { schema: contactSchema, migrationStrategies: contactMigrations },
    predefined: { schema: predefinedSchema, migrationStrategies: predefinedMigrations },
    teams: { schema: teamSchema, migrationStrategies: teamMigrations },
    users: { schema: userSchema, migrationStrategies: userMigrations },
    dispositions: { schema: dispositionSchema, migrationStrategies: generatedMigrations },
    notes: { schema: noteSchema },
    tags: { schema: tagSchema },
    favourites: { schema: favouriteSchema },
    drafts: { schema: draftSchema },
    outbox: { schema: outboxSchema },
  });
  return db;
}

/**
 * Signing out removes the user's replica and drafts from this machine. RxDB's Dexie storage only
 * empties its tables on remove, so the IndexedDB databases behind it are deleted as well.
 */
export async function wipeDatabase(userId: string, db?: AtendeDatabase): Promise<void> {
  const name = databaseName(userId);
  if (db && !db.closed) await db.remove();
  else await removeRxDatabase(name, storage);
  await deleteIndexedDbs(new RegExp(`^rxdb-dexie-${name}--\\d+--`));
}

async function deleteIndexedDbs(pattern: RegExp): Promise<void> {
  if (typeof indexedDB === 'undefined' || typeof indexedDB.databases !== 'function') return;
  const names = (await indexedDB.databases()).flatMap((d) => (d.name && pattern.test(d.name) ? [d.name] : []));
  await Promise.all(
    names.map(
      (dbName) =>
        new Promise<void>((resolve) => {
          const request = indexedDB.deleteDatabase(dbName);
          // Blocked by another window still holding it: the deletion completes when that one closes.
          request.onsuccess = request.onerror = request.onblocked = () => resolve();
        }),
    ),
  );
}
