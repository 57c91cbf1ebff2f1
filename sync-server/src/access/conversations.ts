import type { ConversationDoc, UserDoc } from '@atende/protocol';
import { notFound } from '@atende/protocol';
import type { DocStore } from '../store/index.js';
import { toWire } from '../store/wire.js';
import { viewerOf, visibilityOf } from './scope.js';

/** Loads a conversation the user may see; another team's conversation is a plain 404. */
export async function visibleConversation(store: DocStore, user: UserDoc, id: string): Promise<ConversationDoc> {
  const stored = id.startsWith('conversation:') ? await store.get(id) : undefined;
  if (!stored || stored._deleted || visibilityOf(viewerOf(user), stored) !== 'visible') throw notFound('conversation');
  return toWire<ConversationDoc>(stored);
}
