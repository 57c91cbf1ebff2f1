import {
  checkContactForm, DEFAULT_REQUIRED_CONTACT_FIELDS, DomainError, forbidden, mayEditContact, notFound, type ChannelKind, type ContactDoc,
  type ContactForm, type CreateContactBody, type UpdateContactBody, type UserDoc,
} from '@atende/protocol';
import { viewerOf } from '../access/scope.js';
import type { DocStore, StoredDoc } from '../store/index.js';
import { updateDoc } from '../store/index.js';
import { toStored, toWire } from '../store/wire.js';
import { assertAddressFree, claimAddresses, releaseAddress } from './addresses.js';
import { isGone } from './live.js';

type Addresses = ContactDoc['addresses'];

/**
 * "Adicionar contato" and edit (R-CT-01/02) as commands: the form rules of protocol/contacts.ts,
 * every address arbitrated in the store (addresses.ts), idempotent on the contact id the client
 * chose, so the renderer's outbox may send a queued command again after a lost answer.
 */
export class ContactCommands {
  constructor(
    private readonly store: DocStore,
    /** The admin's list of required fields (R-CT-01); the default until an admin screen sets it. */
    private readonly required: readonly string[] = DEFAULT_REQUIRED_CONTACT_FIELDS,
  ) {}

  async create(user: UserDoc, body: CreateContactBody): Promise<{ contact: ContactDoc; created: boolean }> {
    const repeat = await this.repeated(user, body.id);
    if (repeat) return { contact: repeat, created: false };
    const whatsapp = this.checked(body, false);
    const addresses: Addresses = { ...body.addresses, ...(whatsapp ? { whatsapp } : {}) };
    // Every address is checked before any is claimed: a 409 on the second must not leave the first claimed (issue 14 fuzz).
    for (const [kind, value] of entries(addresses)) await assertAddressFree(this.store, kind, value, body.id);
    // Two commands may still race past the checks for one address: the loser frees what it claimed.
    return claimAddresses(this.store, entries(addresses), body.id, async () => {
      const now = Date.now();
      const contact: ContactDoc = {
        id: body.id, type: 'contact', createdAt: now, updatedAt: now, name: body.name.trim(), email: body.email.trim(),
        addresses, customFields: body.customFields ?? {},
        // The creator's teams replicate it too: colleagues serving the same customers find it.
        teamIds: [...user.teamIds], createdBy: user.id,
      };
      const [written] = await this.store.bulkWrite([toStored(contact)]);
      if (written?.ok) return { contact, created: true };
      // The same command, sent twice at once: the other copy stored it.
      const stored = await this.repeated(user, body.id);
      if (stored) return { contact: stored, created: false };
      throw new DomainError('conflict', 'contact_exists', `A contact with id ${body.id} already exists`);
    });
  }

  /** The stored contact when this command already ran; a 409 when the id is someone else's. */
  private async repeated(user: UserDoc, id: string): Promise<ContactDoc | undefined> {
    const stored = await this.store.get(id, { fresh: true });
    if (!stored) return undefined;
    if (isGone(stored)) throw new DomainError('conflict', 'contact_removed', 'This contact was removed', mergedInfo(stored));
    if (stored.createdBy !== user.id) throw new DomainError('conflict', 'contact_exists', `A contact with id ${id} already exists`);
    return toWire<ContactDoc>(stored);
  }

  async update(user: UserDoc, id: string, body: UpdateContactBody): Promise<ContactDoc> {
    const stored = await editable(this.store, user, id);
    const current = toWire<ContactDoc>(stored);
    const whatsapp = this.checked(body, true);
    const addresses: Addresses = { ...current.addresses, ...body.addresses };
    if (whatsapp) addresses.whatsapp = whatsapp;
    else if (body.whatsapp !== undefined && body.whatsapp.trim() === '') delete addresses.whatsapp;
    const before = current.addresses;
    const added = entries(addresses).filter(([kind, value]) => before[kind] !== value);
    for (const [kind, value] of added) await assertAddressFree(this.store, kind, value, id);
    const doc = await claimAddresses(this.store, added, id, async () => {
      const { doc: edited } = await updateDoc(this.store, id, (latest) => {
        if (!latest || isGone(latest)) return undefined;
        return {
          ...latest,
          ...(body.name !== undefined ? { name: body.name.trim() } : {}),
          ...(body.email !== undefined ? { email: body.email.trim() } : {}),
          ...(body.customFields !== undefined ? { customFields: body.customFields } : {}),
          addresses,
          updatedAt: Math.max(Date.now(), Number(latest.updatedAt) + 1 || 0),
        };
      });
      if (!edited || isGone(edited)) throw notFound('contact');
      return edited;
    });
    for (const [kind, value] of entries(before)) {
      if (addresses[kind] !== value) await releaseAddress(this.store, kind, value, id);
    }
    return toWire<ContactDoc>(doc);
  }

  /** Applies the form rules; a 400 lists every field that is wrong. Returns the E.164 number. */
  private checked(form: Partial<ContactForm>, partial: boolean): string | undefined {
    const check = checkContactForm(form, { required: this.required, partial });
    const fields = Object.keys(check.errors);
    if (fields.length > 0) {
      const detail = fields.map((f) => `${f}: ${check.messages[f] ?? check.errors[f]}`).join('; ');
      throw new DomainError('invalid', 'invalid_contact', `Invalid contact: ${detail}`, { fields: check.errors, messages: check.messages });
    }
    return check.whatsapp;
  }
}

/** A live contact the user may edit: one they see (R-CT); another team's contact is 403. */
async function editable(store: DocStore, user: UserDoc, id: string): Promise<StoredDoc> {
  const stored = id.startsWith('contact:') ? await store.get(id) : undefined;
  if (!stored || isGone(stored)) throw notFound('contact');
  if (!mayEditContact(viewerOf(user), stored)) throw forbidden('This contact belongs to teams you are not in');
  return stored;
}

function mergedInfo(stored: StoredDoc): Record<string, unknown> {
  return typeof stored.mergedInto === 'string' ? { mergedInto: stored.mergedInto } : {};
}

export function entries(addresses: Addresses): Array<[ChannelKind, string]> {
  return Object.entries(addresses).filter((e): e is [ChannelKind, string] => typeof e[1] === 'string' && e[1] !== '');
}
