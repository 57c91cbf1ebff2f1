import { defineStore } from 'pinia';
import { computed, type Ref, type ShallowRef } from 'vue';
import type { ConversationDoc, ConversationMark, NoteDoc } from '@atende/protocol';
import {
  markConversation, removeNote, saveNote, tagConversation, toggleFavourite, useConversationContext, useFavourites, useNotes, useTags,
  type Author, type ConversationContextView,
} from '../db/context';
import type { AtendeDatabase } from '../db/database';
import type { CommandOutbox, Outcome } from '../db/outbox';
import type { OutboxDoc } from '../db/outboxSchema';
import { useSessionStore } from './session';
import { useWorkspaceStore } from './workspace';

/**
 * The conversation's context for the screens (issue 9 point 3): the signed-in user's tags,
 * favourites, notes and marks over the open store (`db/context.ts` holds the rules).
 */
export const useContextStore = defineStore('context', () => {
  const session = useSessionStore();
  const workspace = useWorkspaceStore();
  const db = computed(() => session.db);
  const tags = useTags(db);
  const { favourites, conversationIds: favouriteIds } = useFavourites(db);

  function database(): AtendeDatabase {
    if (!session.db) throw new Error('No local store open');
    return session.db;
  }
  function author(): Author {
    const user = session.user;
    if (!user) throw new Error('Not signed in');
    return { id: user.id, name: user.name, role: user.role };
  }

  return {
    tags,
    favourites,
    favouriteIds,
    /** A new note (no id) or the author's edit; throws NoteRejected for empty, too long or someone else's. */
    saveNote: (note: { id?: string; contactId: string; text: string }): Promise<NoteDoc> => saveNote(database(), author(), note),
    removeNote: (id: string): Promise<void> => removeNote(database(), author(), id),
    toggleFavourite: (conversationId: string): Promise<boolean> => toggleFavourite(database(), author().id, conversationId),
    /**
     * Queued in the outbox (sent when online, repeated with the same id until answered): resolves
     * `done` once applied or `queued` while the connection is down; throws CommandRefused (e.g. no
     * right to tag), the refused command then leaving the outbox.
     */
    markConversation: (conversationId: string, mark: ConversationMark, commandId?: string): Promise<Outcome> =>
      settle((box) => markConversation(box, conversationId, mark, commandId)),
    tagConversation: (conversationId: string, tagIds: readonly string[], commandId?: string): Promise<Outcome> =>
      settle((box) => tagConversation(box, conversationId, tagIds, commandId)),
  };

  async function settle(enqueue: (box: CommandOutbox) => Promise<OutboxDoc>): Promise<Outcome> {
    const box = workspace.commands();
    const entry = await enqueue(box);
    return box.settled(entry.id);
  }
});

/** A contact's notes, newest first, live from the replica (for a component's setup). */
export function useContactNotes(contactId: Ref<string | undefined>): ShallowRef<NoteDoc[]> {
  const session = useSessionStore();
  return useNotes(computed(() => session.db), contactId);
}

/** The conversation's mark and tags as the agent set them, queued commands included. */
export function useConversationMarks(conversation: Ref<ConversationDoc | undefined>) {
  const session = useSessionStore();
  return useConversationContext(computed(() => session.db), conversation) satisfies Ref<ConversationContextView | undefined>;
}
