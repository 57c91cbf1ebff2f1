import type { Attachment } from '@atende/protocol';
import type { DocStore, StoredDoc } from '../store/index.js';
import { mentionsOf } from './mentions.js';
import { BY_CONTACT, BY_CONVERSATION, findAll, getAll, live } from './pages.js';

/**
 * Everything the store holds of one person (R-PRIV-02 export, R-PRIV-03 erasure): their contact,
 * conversations with every message, the notes on them, the files of both (media documents, bytes
 * as their attachments), and the ids of every other document that names them or their
 * conversations — address claims (whose ids hold the phone), visitor sessions, receipts, jobs…
 */
export interface ContactHoldings {
  contact: StoredDoc;
  conversations: StoredDoc[];
  messages: StoredDoc[];
  notes: StoredDoc[];
  /** Media documents of their messages' attachments and the contact picture (shared library files too). */
  media: StoredDoc[];
  /** Ids of every other document naming the person (see mentions.ts), in no particular order. */
  other: string[];
}

/** What removeRecords is asked to remove (erasure: one contact; retention: old conversations and notes). */
export interface RecordIds {
  contactIds: readonly string[];
  conversationIds: readonly string[];
  noteIds: readonly string[];
}

/** The documents a set of records expands to, as collectContact gathers them for one contact. */
export interface Holdings {
  contacts: StoredDoc[];
  conversations: StoredDoc[];
  messages: StoredDoc[];
  notes: StoredDoc[];
  media: StoredDoc[];
  other: string[];
}

export const contactConversations = (store: DocStore, contactId: string): Promise<StoredDoc[]> =>
  findAll(store, { type: 'conversation', contactId }, BY_CONTACT);

/** Media ids a message or a contact names (attachments, the profile picture). */
export function mediaIdsOf(doc: StoredDoc): string[] {
  const ids: string[] = [];
  if (Array.isArray(doc.attachments)) for (const a of doc.attachments as Attachment[]) if (typeof a?.mediaId === 'string') ids.push(a.mediaId);
  if (typeof doc.pictureMediaId === 'string') ids.push(doc.pictureMediaId);
  return ids;
}

/**
 * Expands records to everything they hold: contacts → their conversations and notes;
 * conversations → their messages; all → the media they name and the other documents naming them.
 */
export async function collectRecords(store: DocStore, records: RecordIds): Promise<Holdings> {
  const contacts = (await getAll(store, records.contactIds)).filter((d) => d.type === 'contact');
  const conversations = new Map<string, StoredDoc>();
  for (const c of await getAll(store, records.conversationIds)) if (c.type === 'conversation') conversations.set(c._id, c);
  const notes = new Map<string, StoredDoc>();
  for (const n of await getAll(store, records.noteIds)) if (n.type === 'note') notes.set(n._id, n);
  for (const contact of contacts) {
    for (const c of await contactConversations(store, contact._id)) conversations.set(c._id, c);
    for (const n of await findAll(store, { type: 'note', contactId: contact._id }, BY_CONTACT)) notes.set(n._id, n);
  }
  const messages: StoredDoc[] = [];
  for (const id of conversations.keys()) messages.push(...(await findAll(store, { type: 'message', conversationId: id }, BY_CONVERSATION)));
  const mediaIds = [...contacts, ...messages].flatMap(mediaIdsOf);
  const media = (await getAll(store, mediaIds)).filter((d) => d.type === 'media');
  const known = new Set([...contacts, ...conversations.values(), ...messages, ...notes.values(), ...media].map((d) => d._id));
  const other = (await mentionsOf(store, { contacts, conversations: [...conversations.values()], messages })).filter((id) => !known.has(id));
  return { contacts, conversations: [...conversations.values()], messages, notes: [...notes.values()], media, other };
}

/** Everything of one contact; undefined when there is no such contact (or it was removed). */
export async function collectContact(store: DocStore, contactId: string): Promise<ContactHoldings | undefined> {
  const contact = await store.get(contactId, { fresh: true });
  if (!live(contact) || contact.type !== 'contact' || contact.removed === true) return undefined;
  const held = await collectRecords(store, { contactIds: [contactId], conversationIds: [], noteIds: [] });
  return { contact, conversations: held.conversations, messages: held.messages, notes: held.notes, media: held.media, other: held.other };
}
