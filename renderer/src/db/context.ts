import { computed, type ComputedRef, type Ref, type ShallowRef } from 'vue';
import {
  docId, favouriteIdOf, mayEditNote, mayRemoveNote, NOTE_TEXT_MAX, ulid,
  type ConversationDoc, type ConversationMark, type FavouriteDoc, type NoteDoc, type Role, type TagDoc,
} from '@atende/protocol';
import type { AtendeDatabase } from './database';
import { liveQuery } from './live';
import type { CommandOutbox } from './outbox';
import type { OutboxDoc } from './outboxSchema';

/**
 * The data behind the conversation's context (issue 9 point 3): shared notes on the contact
 * (R-WS-03), the admins' tags (R-WS-05), the user's favourites and the pending/resolved mark
 * (R-WS-13). Notes and favourites are plain data written to the local replica and pushed, so
 * they work offline; tags and the mark are commands on the conversation, queued in the durable
 * outbox and shown as given until the server's answer replicates.
 */

type Db = Ref<AtendeDatabase | undefined>;

/** Who acts: the signed-in user as the session knows them. */
export interface Author {
  id: string;
  name: string;
  role: Role;
}

export type NoteProblem = 'empty' | 'too_long' | 'not_yours' | 'missing';

/** A note the replica refused to write; the screen names the problem. */
export class NoteRejected extends Error {
  constructor(readonly problem: NoteProblem) {
    super(`note ${problem}`);
    this.name = 'NoteRejected';
  }
}

/** A contact's notes, newest first. */
export function notesQuery(db: AtendeDatabase, contactId: string) {
  return db.notes.find({ selector: { contactId }, sort: [{ createdAt: 'desc' }] });
}

export function useNotes(db: Db, contactId: Ref<string | undefined>): ShallowRef<NoteDoc[]> {
  return liveQuery<NoteDoc>(
    () => (db.value && contactId.value ? notesQuery(db.value, contactId.value).$ : undefined),
    () => [db.value, contactId.value],
  );
}

function checkedText(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) throw new NoteRejected('empty');
  if (trimmed.length > NOTE_TEXT_MAX) throw new NoteRejected('too_long');
  return trimmed;
}


/**
 * Writes a new note (no `id`) or the author's edit of one, locally first: it shows at once and
 * is pushed when the connection allows. The server sets author, name and teams again.
 */
export async function saveNote(
  db: AtendeDatabase,
  author: Author,
  note: { id?: string; contactId: string; text: string },
  now = Date.now(),
): Promise<NoteDoc> {
  const text = checkedText(note.text);
  if (note.id) {
    const existing = await db.notes.findOne(note.id).exec();
    if (!existing) throw new NoteRejected('missing');
    if (!mayEditNote(author, existing)) throw new NoteRejected('not_yours');
    const edited = await existing.incrementalPatch({ text, updatedAt: Math.max(now, existing.updatedAt + 1) });
    return edited.toMutableJSON();
  }
  // The contact's teams as this replica knows them, so the note is filed right until the server's copy arrives.
  const contact = await db.contacts.findOne(note.contactId).exec();
  const doc: NoteDoc = {
    id: docId('note', ulid(now)), type: 'note', contactId: note.contactId, authorId: author.id, authorName: author.name,
    text, teamIds: [...(contact?.teamIds ?? [])], createdAt: now, updatedAt: now,
  };
  const inserted = await db.notes.insert(doc);
  return inserted.toMutableJSON();
}

export async function removeNote(db: AtendeDatabase, author: Pick<Author, 'id' | 'role'>, id: string): Promise<void> {
  const existing = await db.notes.findOne(id).exec();
  if (!existing) return;
  if (!mayRemoveNote(author, existing)) throw new NoteRejected('not_yours');
  await existing.remove();
}

/** The admins' tags (by id; `sortedTags` orders them by name for a locale). */
export function useTags(db: Db): ShallowRef<TagDoc[]> {
  return liveQuery<TagDoc>(() => db.value?.tags.find({ sort: [{ id: 'asc' }] }).$, db);
}

export function sortedTags(tags: readonly TagDoc[], locale: string): TagDoc[] {
  return [...tags].sort((a, b) => a.name.localeCompare(b.name, locale));
}

/** The user's favourites (only theirs replicate) and the conversations they point at. */
export function useFavourites(db: Db): { favourites: ShallowRef<FavouriteDoc[]>; conversationIds: ComputedRef<ReadonlySet<string>> } {
  const favourites = liveQuery<FavouriteDoc>(() => db.value?.favourites.find().$, db);
  const conversationIds = computed<ReadonlySet<string>>(() => new Set(favourites.value.map((f) => f.conversationId)));
  return { favourites, conversationIds };
}

/** Sets or unsets a favourite; answers whether the conversation is a favourite now. */
export async function toggleFavourite(db: AtendeDatabase, userId: string, conversationId: string, now = Date.now()): Promise<boolean> {
  const id = favouriteIdOf(userId, conversationId);
  const existing = await db.favourites.findOne(id).exec();
  if (existing) {
    await existing.remove();
    return false;
  }
  // The same id as an earlier favourite of this conversation: one document per user and conversation.
  await db.favourites.insert({ id, type: 'favourite', userId, conversationId, createdAt: now, updatedAt: now });
  return true;
}

/** Queues the mark (null clears it); the command id makes every retry the same command. */
export function markConversation(outbox: CommandOutbox, conversationId: string, mark: ConversationMark, commandId = ulid()): Promise<OutboxDoc> {
  return outbox.enqueue({ kind: 'mark', conversationId, body: { mark } }, commandId);
}

/** Queues the conversation's whole set of tags. */
export function tagConversation(outbox: CommandOutbox, conversationId: string, tags: readonly string[], commandId = ulid()): Promise<OutboxDoc> {
  return outbox.enqueue({ kind: 'tags', conversationId, body: { tags: [...tags] } }, commandId);
}

/** The conversation's mark and tags as the agent set them: the latest queued command, else the server's. */
export interface ConversationContextView {
  mark: ConversationMark;
  tags: string[];
  /** A mark or tags command is still on its way. */
  queued: boolean;
}

export function contextOf(conversation: Pick<ConversationDoc, 'mark' | 'tags'>, pending: readonly OutboxDoc[]): ConversationContextView {
  const latest = (kind: 'mark' | 'tags') =>
    pending.filter((c) => c.kind === kind && c.state === 'pending').sort((a, b) => b.createdAt - a.createdAt)[0];
  const mark = latest('mark');
  const tags = latest('tags');
  return {
    mark: mark ? ((mark.body.mark as ConversationMark | undefined) ?? null) : (conversation.mark ?? null),
    tags: tags ? ((tags.body.tags as string[] | undefined) ?? []) : [...conversation.tags],
    queued: mark !== undefined || tags !== undefined,
  };
}

export function useConversationContext(db: Db, conversation: Ref<ConversationDoc | undefined>): ComputedRef<ConversationContextView | undefined> {
  const pending = liveQuery<OutboxDoc>(
    () => (db.value && conversation.value
      ? db.value.outbox.find({ selector: { conversationId: conversation.value.id, state: 'pending', kind: { $in: ['mark', 'tags'] } } }).$
      : undefined),
    () => [db.value, conversation.value?.id],
  );
  return computed(() => (conversation.value ? contextOf(conversation.value, pending.value) : undefined));
}
