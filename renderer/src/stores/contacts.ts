import { defineStore } from 'pinia';
import {
  API, docId, ulid, type ChannelKind, type ContactDoc, type ContactForm, type UpdateContactBody,
} from '@atende/protocol';
import { CommandRefused, type Command, type Outcome } from '../db/outbox';
import { call } from '../net/client';
import { useWorkspaceStore } from './workspace';

/** How a save ended for the agent: applied, queued for the connection, or refused with a reason. */
export type SaveResult =
  | { outcome: Outcome; contactId: string }
  | { outcome: 'refused'; code: string; message: string; ownerName?: string };

/**
 * The contacts screens' actions (R-CT-01…04): "Adicionar contato" and edit go through the durable
 * outbox (queued offline, sent once with the contact id); search, history, merge ask the server.
 */
export const useContactsStore = defineStore('contacts', () => {
  const workspace = useWorkspaceStore();

  /** Who holds an address the server said is taken: the replica first, then the server's directory. */
  async function ownerOf(kind: ChannelKind, address: string, except: string): Promise<string | undefined> {
    const local = [...workspace.contacts.values()].find((c) => c.id !== except && c.addresses[kind] === address);
    if (local) return local.name;
    if (kind !== 'whatsapp') return undefined;
    try {
      const { contacts } = await call(API.searchContacts, { query: { q: address } });
      return contacts.find((c) => c.id !== except && c.addresses.whatsapp === address)?.name;
    } catch {
      return undefined;
    }
  }

  async function run(command: Command, commandId: string, taken?: { kind: ChannelKind; address: string }): Promise<SaveResult> {
    const box = workspace.commands();
    await box.enqueue(command, commandId);
    try {
      return { outcome: await box.settled(commandId), contactId: command.conversationId };
    } catch (error) {
      if (!(error instanceof CommandRefused)) throw error;
      const { code, message } = error.refusal;
      const ownerName = code === 'address_taken' && taken ? await ownerOf(taken.kind, taken.address, command.conversationId) : undefined;
      return { outcome: 'refused', code, message, ...(ownerName ? { ownerName } : {}) };
    }
  }

  /** "Adicionar contato": `contactId` is chosen once per dialog, so a second "Salvar" is the same command. */
  function create(contactId: string, form: ContactForm, whatsapp?: string): Promise<SaveResult> {
    return run({ kind: 'createContact', conversationId: contactId, body: form }, contactId, whatsapp ? { kind: 'whatsapp', address: whatsapp } : undefined);
  }

  /** "Editar contato": only the fields that changed are sent. */
  function update(contactId: string, changes: UpdateContactBody, whatsapp?: string): Promise<SaveResult> {
    return run({ kind: 'updateContact', conversationId: contactId, body: changes }, ulid(), whatsapp ? { kind: 'whatsapp', address: whatsapp } : undefined);
  }

  /** Contacts beyond the replica (R-WS-13): the server's directory, ≤ 20. */
  async function searchServer(q: string): Promise<ContactDoc[]> {
    const { contacts } = await call(API.searchContacts, { query: { q: q.trim() } });
    return contacts;
  }

  /** Merges `sourceId` into `targetId` (its conversations, addresses and notes move). */
  async function merge(targetId: string, sourceId: string): Promise<ContactDoc> {
    const { contact } = await call(API.mergeContacts, { params: { id: targetId }, body: { sourceId } });
    return contact;
  }

  return { create, update, searchServer, merge, newContactId: () => docId('contact', ulid()) };
});
