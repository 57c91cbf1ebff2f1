import type { DocType } from './ids.js';

/** Replicated collections and the document type each holds (ARCHITECTURE §4). */
export const COLLECTIONS = {
  conversations: 'conversation',
  messages: 'message',
  contacts: 'contact',
  predefined: 'predefined',
  teams: 'team',
  users: 'user',
  dispositions: 'disposition',
  notes: 'note',
  tags: 'tag',
  favourites: 'favourite',
} as const satisfies Record<string, DocType>;

export type CollectionName = keyof typeof COLLECTIONS;
export const COLLECTION_NAMES = Object.keys(COLLECTIONS) as CollectionName[];

/**
 * Collections users write by replication push (ARCHITECTURE §1): the renderer pushes exactly
 * these and the server takes pushes for exactly these; everything else changes by command.
 */
export const PUSHED_COLLECTIONS = ['contacts', 'predefined', 'notes', 'tags', 'favourites'] as const satisfies readonly CollectionName[];
export type PushedCollection = (typeof PUSHED_COLLECTIONS)[number];
export const isPushedCollection = (name: CollectionName): name is PushedCollection => (PUSHED_COLLECTIONS as readonly string[]).includes(name);

export function isCollectionName(value: string): value is CollectionName {
  return Object.hasOwn(COLLECTIONS, value);
}

export function collectionOfType(type: string): CollectionName | undefined {
  return COLLECTION_NAMES.find((name) => COLLECTIONS[name] === type);
}
