import type { ConversationDoc, UserDoc } from '@atende/protocol';
import { maySeeOtherTeamsHistory, notFound } from '@atende/protocol';
import type { DocStore, StoredDoc } from '../store/index.js';
import { toWire } from '../store/wire.js';
import { viewerOf, visibilityOf } from './scope.js';

/** Loads a conversation the user may see; another team's conversation is a plain 404. */
export async function visibleConversation(store: DocStore, user: UserDoc, id: string): Promise<ConversationDoc> {
  const stored = id.startsWith('conversation:') ? await store.get(id) : undefined;
  if (!stored || stored._deleted || visibilityOf(viewerOf(user), stored) !== 'visible') throw notFound('conversation');
  return toWire<ConversationDoc>(stored);
}

/**
 * Whether the user may read a conversation's messages: one they see (their teams', or any for
 * supervisors), or a finished one of another team when they may see other teams' history
 * (R-WS-05, R-CT-04). Reading only: acting on it still needs `visibleConversation`.
 */
export function mayReadConversation(user: UserDoc, stored: StoredDoc): boolean {
  if (stored._deleted || stored.type !== 'conversation') return false;
  if (visibilityOf(viewerOf(user), stored) === 'visible') return true;
  return stored.status === 'finished' && stored.removed !== true && maySeeOtherTeamsHistory(user);
}

/** Loads a conversation the user may read (see `mayReadConversation`); anything else is a plain 404. */
export async function readableConversation(store: DocStore, user: UserDoc, id: string): Promise<ConversationDoc> {
  const stored = id.startsWith('conversation:') ? await store.get(id) : undefined;
  if (!stored || !mayReadConversation(user, stored)) throw notFound('conversation');
  return toWire<ConversationDoc>(stored);
}
