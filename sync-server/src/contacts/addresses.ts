import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError, type ChannelKind, type ContactDoc } from '@atende/protocol';
import type { DocStore, StoredDoc } from '../store/index.js';
import { toWire } from '../store/wire.js';
import { addressId, contactsWithWhatsApp } from './directory.js';
import { isGone } from './live.js';

/**
 * One channel address belongs to one contact (R-CT-02): the `address:` document (directory.ts)
 * says whose it is, and the store arbitrates it — a claim is written without a revision, so of
 * two agents saving the same number at once exactly one succeeds and the other is told whose
 * number it is.
 */
interface AddressDoc extends StoredDoc {
  type: 'address';
  kind: ChannelKind;
  contactId: string;
  /** When a command claimed it (ms); absent on claims by inbound messages. */
  claimedAt?: number;
}

/** A claim whose contact has not been written yet is still being made, for this long. */
const PENDING_CLAIM_MS = 30_000;
const ATTEMPTS = 8;
const WAIT_FOR_OWNER_MS = 50;

function numberTaken(kind: ChannelKind, owner: Pick<ContactDoc, 'id' | 'name'> | undefined): DomainError {
  const what = kind === 'whatsapp' ? 'This WhatsApp number' : `This ${kind} address`;
  return owner
    ? new DomainError('conflict', 'address_taken', `${what} already belongs to the contact "${owner.name}"`, {
      contactId: owner.id, contactName: owner.name, field: kind,
    })
    : new DomainError('conflict', 'address_taken', `${what} is being registered for another contact right now`, { field: kind });
}

/** A contact registered with this WhatsApp number before address documents were kept (the demo seed, pushes). */
async function unclaimedOwner(store: DocStore, kind: ChannelKind, address: string, contactId: string): Promise<StoredDoc | undefined> {
  if (kind !== 'whatsapp') return undefined;
  const found = await contactsWithWhatsApp(store, address, 5);
  return found.find((doc) => doc._id !== contactId && !isGone(doc));
}

async function write(store: DocStore, doc: AddressDoc): Promise<boolean> {
  const [result] = await store.bulkWrite([doc]);
  return result?.ok === true;
}

/**
 * Makes `address` of `kind` the contact's, or throws 409 naming the contact that holds it.
 * Idempotent: claiming an address the contact already holds succeeds. True when this call wrote
 * the claim (false: the contact held it already), so a failed command frees only its own claims.
 */
export async function claimAddress(store: DocStore, kind: ChannelKind, address: string, contactId: string): Promise<boolean> {
  const id = addressId(kind, address);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const known = (await store.get(id, { fresh: attempt > 0 })) as AddressDoc | undefined;
    const claim: AddressDoc = { _id: id, type: 'address', kind, contactId, claimedAt: Date.now() };
    if (known && !known._deleted) {
      if (known.contactId === contactId) return false;
      const owner = await store.get(known.contactId, { fresh: true });
      if (owner && !isGone(owner)) throw numberTaken(kind, toWire<ContactDoc>(owner));
      if (!owner && Date.now() - (known.claimedAt ?? 0) < PENDING_CLAIM_MS) {
        // Claimed a moment ago by a command that is writing its contact now: name it once it exists.
        await sleep(WAIT_FOR_OWNER_MS);
        if (attempt === ATTEMPTS - 1) throw numberTaken(kind, undefined);
        continue;
      }
      // The holder was removed, or its command died before writing it: the address is free.
      claim._rev = known._rev as string;
    } else {
      const legacy = await unclaimedOwner(store, kind, address, contactId);
      if (legacy) {
        // Record the older contact's ownership first, so concurrent claims meet it in the store.
        await write(store, { _id: id, type: 'address', kind, contactId: legacy._id });
        continue;
      }
    }
    if (await write(store, claim)) return true;
  }
  throw numberTaken(kind, undefined);
}

/**
 * Claims every address for the contact, in order. When one is refused (two commands racing for
 * it past their checks) or `then` fails, the claims this call wrote are freed before the error
 * goes on: otherwise they would point at a contact that never exists and read as "being
 * registered" for PENDING_CLAIM_MS (issue 14).
 */
export async function claimAddresses<T>(
  store: DocStore,
  addresses: ReadonlyArray<readonly [ChannelKind, string]>,
  contactId: string,
  then: () => Promise<T>,
): Promise<T> {
  const claimed: Array<readonly [ChannelKind, string]> = [];
  try {
    for (const [kind, value] of addresses) {
      if (await claimAddress(store, kind, value, contactId)) claimed.push([kind, value]);
    }
    return await then();
  } catch (error) {
    for (const [kind, value] of claimed) await releaseAddress(store, kind, value, contactId).catch(() => undefined);
    throw error;
  }
}

/**
 * Throws the 409 `claimAddress` would for an address another live contact holds, without
 * claiming anything: a command checks all its addresses first, so a refused one leaves no claim behind.
 */
export async function assertAddressFree(store: DocStore, kind: ChannelKind, address: string, contactId: string): Promise<void> {
  const known = (await store.get(addressId(kind, address), { fresh: true })) as AddressDoc | undefined;
  if (known && !known._deleted) {
    if (known.contactId === contactId) return;
    const owner = await store.get(known.contactId, { fresh: true });
    if (owner && !isGone(owner)) throw numberTaken(kind, toWire<ContactDoc>(owner));
    return;
  }
  const legacy = await unclaimedOwner(store, kind, address, contactId);
  if (!legacy) return;
  // As claimAddress does: the older contact's ownership is recorded (the index catches up with a fact), then refused.
  await write(store, { _id: addressId(kind, address), type: 'address', kind, contactId: legacy._id });
  throw numberTaken(kind, toWire<ContactDoc>(legacy));
}

/**
 * Frees an address the contact no longer has (an edit changed it); someone else's claim stays, and
 * so does one the stored contact still holds: a command that lost the race for the contact id to
 * another user's (same id, same number) must not free the number that user's contact now has.
 */
export async function releaseAddress(store: DocStore, kind: ChannelKind, address: string, contactId: string): Promise<void> {
  const id = addressId(kind, address);
  const known = (await store.get(id, { fresh: true })) as AddressDoc | undefined;
  if (!known || known._deleted || known.contactId !== contactId || !known._rev) return;
  const holder = await store.get(contactId, { fresh: true });
  if (holder && !isGone(holder) && toWire<ContactDoc>(holder).addresses?.[kind] === address) return;
  // A lost race means someone claimed it meanwhile: theirs now, nothing to free.
  await store.bulkWrite([{ _id: id, _rev: known._rev, _deleted: true }]);
}

/** Points an address at another contact (a merge), whatever held it. */
export async function moveAddress(store: DocStore, kind: ChannelKind, address: string, from: string, to: string): Promise<void> {
  const id = addressId(kind, address);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const known = (await store.get(id, { fresh: true })) as AddressDoc | undefined;
    if (known && !known._deleted && known.contactId !== from) return; // someone else's: leave it
    const moved: AddressDoc = { _id: id, type: 'address', kind, contactId: to, claimedAt: Date.now() };
    if (known?._rev) moved._rev = known._rev;
    if (await write(store, moved)) return;
  }
  throw new Error(`address ${id}: too much contention`);
}
