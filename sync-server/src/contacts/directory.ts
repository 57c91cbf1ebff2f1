import { createHash } from 'node:crypto';
import { brazilianMobileVariant, docId, ulid, type ChannelKind, type ContactDoc } from '@atende/protocol';
import type { DocStore, StoredDoc } from '../store/index.js';
import { WHATSAPP_ADDRESS_INDEX } from '../store/indexes.js';
import { toStored, updateWire } from '../store/wire.js';
import { isGone, liveContact } from './live.js';

/** Maps a channel address to its contact; the store arbitrates who creates it. Never replicated. */
interface AddressDoc extends StoredDoc {
  type: 'address';
  kind: ChannelKind;
  contactId: string;
}

/** Address keys fit document ids; anything unusual or long is hashed (still unique per address). */
export function addressId(kind: ChannelKind, address: string): string {
  const plain = /^[A-Za-z0-9_-]{1,64}$/.test(address);
  const key = plain ? address : `h.${createHash('sha256').update(address).digest('base64url')}`;
  return `address:${kind}.${key}`;
}

/**
 * Contacts holding a WhatsApp number, read through the number's index by name: the planner may
 * otherwise pick any index led by `type` and scan every contact (server.ts, INDEXES).
 */
export function contactsWithWhatsApp(store: DocStore, address: string, limit: number): Promise<StoredDoc[]> {
  return store.find({ selector: { 'addresses.whatsapp': address, type: 'contact' }, limit, useIndex: WHATSAPP_ADDRESS_INDEX });
}

export interface Profile {
  name: string;
  email?: string;
  /**
   * Created by an agent starting a conversation (R-WA-10): no name until the customer's profile
   * gives one, so cards show the number. Inbound contacts without a profile are named by address.
   */
  unnamed?: boolean;
}

/**
 * Finds or creates the contact behind a channel address, race-free across nodes: the address
 * document is created with no revision, so of two concurrent first messages only one creates it
 * and the other adopts its contact.
 */
export class ContactDirectory {
  constructor(private readonly store: DocStore) {}

  async contactFor(kind: ChannelKind, address: string, profile: Profile): Promise<ContactDoc> {
    const id = addressId(kind, address);
    for (let attempt = 0; attempt < 5; attempt++) {
      const known = (await this.store.get(id)) as AddressDoc | undefined;
      if (known && !known._deleted) {
        const contact = await liveContact(this.store, known.contactId);
        // The address was claimed but its contact not yet written (a crash between the two).
        return contact ? this.named(contact, profile) : this.createContact(known.contactId, kind, address, profile);
      }
      const contactId = (await this.existingContact(kind, address)) ?? docId('contact', ulid());
      const claim: AddressDoc = { _id: id, type: 'address', kind, contactId };
      if (known?._rev) claim._rev = known._rev;
      const [written] = await this.store.bulkWrite([claim]);
      if (!written?.ok) continue; // another writer claimed it first: adopt theirs
      const contact = await liveContact(this.store, contactId);
      return contact ? this.named(contact, profile) : this.createContact(contactId, kind, address, profile);
    }
    throw new Error(`contact for ${kind} address: too much contention`);
  }

  /** The live contact behind a channel address, without creating one (delivery and read watermarks). */
  async find(kind: ChannelKind, address: string): Promise<ContactDoc | undefined> {
    const known = (await this.store.get(addressId(kind, address))) as AddressDoc | undefined;
    return known && !known._deleted ? liveContact(this.store, known.contactId) : undefined;
  }

  /**
   * Makes another address of the same customer name this contact, unless it already names one
   * (first come keeps it: an address never silently moves between contacts).
   */
  async alias(kind: ChannelKind, address: string, contactId: string): Promise<void> {
    const id = addressId(kind, address);
    const known = (await this.store.get(id)) as AddressDoc | undefined;
    if (known && !known._deleted) return;
    const claim: AddressDoc = { _id: id, type: 'address', kind, contactId };
    if (known?._rev) claim._rev = known._rev;
    await this.store.bulkWrite([claim]);
  }

  /** An unnamed contact (agent-started, R-WA-10) takes the name the customer's profile gives. */
  private async named(contact: ContactDoc, profile: Profile): Promise<ContactDoc> {
    const name = profile.name.trim().slice(0, 200);
    if (contact.name !== '' || !name) return contact;
    const { doc } = await updateWire<ContactDoc>(this.store, contact.id, (current) =>
      current && current.type === 'contact' && current.name === ''
        ? { ...current, name, updatedAt: Math.max(Date.now(), current.updatedAt + 1) }
        : undefined,
    );
    return doc && doc.type === 'contact' ? doc : contact;
  }

  /** A contact an agent created with this address before it ever wrote (WhatsApp numbers). */
  private async existingContact(kind: ChannelKind, address: string): Promise<string | undefined> {
    if (kind !== 'whatsapp') return undefined;
    const [found] = await contactsWithWhatsApp(this.store, address, 1);
    if (found && !isGone(found)) return found._id;
    // The same Brazilian mobile in its other form (with or without the 9) is the same customer:
    // their reply to an agent-started conversation must land in it, not open a new contact.
    const variant = brazilianMobileVariant(address);
    if (!variant) return undefined;
    const claimed = (await this.store.get(addressId(kind, variant))) as AddressDoc | undefined;
    if (claimed && !claimed._deleted && (await liveContact(this.store, claimed.contactId))) return claimed.contactId;
    const [registered] = await contactsWithWhatsApp(this.store, variant, 1);
    return registered && !isGone(registered) ? registered._id : undefined;
  }

  private async createContact(id: string, kind: ChannelKind, address: string, profile: Profile): Promise<ContactDoc> {
    const now = Date.now();
    const contact: ContactDoc = {
      id, type: 'contact', createdAt: now, updatedAt: now,
      name: profile.name.trim().slice(0, 200) || (profile.unnamed ? '' : address), email: validEmail(profile.email),
      addresses: { [kind]: address }, customFields: {},
    };
    for (let attempt = 0; attempt < 5; attempt++) {
      // A removed contact keeps its document (a content-free tombstone for replicas): the customer
      // writing again brings it back under the same id, so their address keeps pointing at it.
      const previous = attempt === 0 ? undefined : await this.store.get(id, { fresh: true });
      const [written] = await this.store.bulkWrite([toStored(contact, previous && isGone(previous) ? previous._rev : undefined)]);
      if (written?.ok) return contact;
      const winner = await liveContact(this.store, id);
      if (winner) return winner;
    }
    throw new Error(`contact ${id} not stored`);
  }
}

const validEmail = (email: string | undefined) =>
  email && email.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : '';
