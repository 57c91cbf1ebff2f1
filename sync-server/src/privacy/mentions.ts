import { keyOf, type ChannelKind } from '@atende/protocol';
import { addressId } from '../contacts/directory.js';
import type { DocStore, StoredDoc } from '../store/index.js';
import { EXPORT_PREFIX, exportFileId } from './export.js';
import { BY_CONTACT, BY_CONVERSATION, eachInRange, findAll, idRange } from './pages.js';

/**
 * The other documents that name a person or their conversations (R-PRIV-03), found without
 * reading the whole store: by the (type, contactId) and (type, conversationId) indexes, by ids
 * derived from theirs, and — for jobs, whose payloads carry message ids, texts and numbers — by
 * one paged pass over the job documents. Report facts are not among them: they stay as the
 * anonymised record (reports/facts.ts `freezeFacts`).
 */

/** Server-only types keyed by the contact: address claims (ids hold the phone), website-chat visitors, exports of their data. */
const BY_CONTACT_TYPES = ['address', 'visitor', 'privacyexport'] as const;
/** Types keyed by a conversation: favourites, command receipts (a copy of the conversation), starts, invitations, rating answers. */
const BY_CONVERSATION_TYPES = ['favourite', 'receipt', 'start', 'invitation', 'ratinganswer'] as const;

export interface Mentioned {
  contacts: readonly StoredDoc[];
  conversations: readonly StoredDoc[];
  messages: readonly StoredDoc[];
}

export async function mentionsOf(store: DocStore, of: Mentioned): Promise<string[]> {
  const ids = new Set<string>();
  for (const contact of of.contacts) {
    for (const type of BY_CONTACT_TYPES) {
      for (const d of await findAll(store, { type, contactId: contact._id }, BY_CONTACT)) {
        ids.add(d._id);
        // An export's ZIP (export.ts) is its own document.
        if (type === 'privacyexport') ids.add(exportFileId(d._id.slice(EXPORT_PREFIX.length)));
      }
    }
    // Claims and visitors by the addresses themselves too (a claim whose contact id was never written back).
    const addresses = (contact.addresses ?? {}) as Partial<Record<ChannelKind, string>>;
    for (const [kind, address] of Object.entries(addresses) as Array<[ChannelKind, string]>) {
      if (typeof address === 'string' && address !== '') ids.add(addressId(kind, address));
    }
    if (typeof addresses.webchat === 'string') ids.add(`visitor:${addresses.webchat}`);
  }
  for (const c of of.conversations) {
    for (const type of BY_CONVERSATION_TYPES) for (const d of await findAll(store, { type, conversationId: c._id }, BY_CONVERSATION)) ids.add(d._id);
    ids.add(`botstate:${keyOf(c._id)}`);
    if (typeof c.channelAccountId === 'string' && typeof c.contactId === 'string') ids.add(`thread:${keyOf(c.channelAccountId)}.${keyOf(c.contactId)}`);
    for (const d of await idRange(store, `raslot:${c._id}.`)) ids.add(d._id);
  }
  // Reclame Aqui threads are keyed by complaint, not by contact: found by the conversation they point at.
  const raAccounts = new Set(of.conversations.filter((c) => c.channel === 'reclameaqui').map((c) => String(c.channelAccountId)));
  const convIds = new Set(of.conversations.map((c) => c._id));
  for (const account of raAccounts) {
    for (const t of await idRange(store, `thread:${keyOf(account)}.`)) if (convIds.has(String(t.openConversationId))) ids.add(t._id);
  }
  for (const id of await jobsNaming(store, of)) ids.add(id);
  // Only those that exist (derived ids may name nothing).
  const present = await Promise.all([...ids].map(async (id) => ((await store.get(id, { fresh: true })) ? id : undefined)));
  return present.filter((id): id is string => id !== undefined);
}

/**
 * Jobs whose payload names one of the ids or addresses (send, media download, bot, rating,
 * webhook delivery with the message's data, the call to the customer's number…), with the
 * records derived from them (a send's log, a Reclame Aqui call's log).
 */
async function jobsNaming(store: DocStore, of: Mentioned): Promise<string[]> {
  const needles = new Set<string>([...of.contacts, ...of.conversations, ...of.messages].map((d) => d._id));
  const numbers: string[] = [];
  for (const contact of of.contacts) {
    for (const address of Object.values((contact.addresses ?? {}) as Record<string, unknown>)) {
      if (typeof address === 'string' && address.length >= 6) numbers.push(address);
    }
  }
  const names = (value: unknown): boolean => {
    if (typeof value === 'string') return needles.has(value) || numbers.some((n) => value.includes(n));
    if (Array.isArray(value)) return value.some(names);
    if (value && typeof value === 'object') return Object.values(value).some(names);
    return false;
  };
  const ids: string[] = [];
  await eachInRange(store, 'job:', (page) => {
    for (const job of page) {
      if (!names(job.payload)) continue;
      const payload = (job.payload ?? {}) as Record<string, unknown>;
      const key = String(job.key);
      ids.push(job._id, `sendlog:${typeof payload.sendKey === 'string' ? payload.sendKey : key}`, `racall:${key}`);
    }
  });
  return ids;
}
