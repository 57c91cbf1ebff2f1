import { keyOf, type ChannelKind } from '@atende/protocol';
import { addressId } from '../contacts/directory.js';
import type { DocStore, StoredDoc } from '../store/index.js';
import { CALL_JOB } from '../telephony/service.js';
import { TICKET_JOB } from '../tickets/service.js';
import { FLOW_JOB } from '../flows/bot.js';
import { WEBHOOK_DELIVERY_JOB } from '../outgoingWebhooks/types.js';
import { SEND_JOB } from '../conversations/outgoing.js';
import { QUEUED_EVENT_JOB, VISITOR_NOTICE_JOB } from '../conversations/events.js';
import { RETAG_JOB } from '../conversations/service.js';
import { EXPORT_EXPIRY_JOB, EXPORT_JOB, EXPORT_PREFIX, exportFileId } from './export.js';
import { BY_CONTACT, BY_CONVERSATION, eachInRange, findAll, idRange } from './pages.js';

/**
 * The other documents that name a person or their conversations (R-PRIV-03), found without
 * reading the whole store: by the (type, contactId) and (type, conversationId) indexes, by ids
 * derived from theirs — jobs too, whose payloads carry message ids, texts and numbers. Report facts are not among them: they stay as the
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
  const erasedContacts = new Set(of.contacts.map((c) => c._id));
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
    // A thread goes only with its contact: it numbers the contact's conversations (inbound.ts
    // conversationIdOf), and one removed while the contact stays would give a next conversation
    // the id of a removed one — which the ledger then treats as erased.
    if (typeof c.channelAccountId === 'string' && typeof c.contactId === 'string' && erasedContacts.has(c.contactId)) {
      ids.add(`thread:${keyOf(c.channelAccountId)}.${keyOf(c.contactId)}`);
    }
    for (const d of await idRange(store, `raslot:${c._id}.`)) ids.add(d._id);
  }
  // Reclame Aqui threads are keyed by complaint, not by contact: found by the conversation they point at.
  const raAccounts = new Set(of.conversations.filter((c) => c.channel === 'reclameaqui' && erasedContacts.has(String(c.contactId))).map((c) => String(c.channelAccountId)));
  const convIds = new Set(of.conversations.map((c) => c._id));
  for (const account of raAccounts) {
    for (const t of await idRange(store, `thread:${keyOf(account)}.`)) if (convIds.has(String(t.openConversationId))) ids.add(t._id);
  }
  for (const id of await jobsNaming(store, of)) ids.add(id);
  // Only those that exist (derived ids may name nothing).
  const present = await Promise.all([...ids].map(async (id) => ((await store.get(id, { fresh: true })) ? id : undefined)));
  return present.filter((id): id is string => id !== undefined);
}

/** Jobs keyed by one message (`job:<kind>.<message key>`; sends add `.q<n>`/`.r<n>` on a retry). channels/ kinds by name: that folder is above this one. */
const MESSAGE_JOBS = [SEND_JOB, VISITOR_NOTICE_JOB, FLOW_JOB, 'media-download'] as const;
/** Jobs keyed by one conversation (`job:<kind>.<conversation key>.<n>`). */
const CONVERSATION_JOBS = [RETAG_JOB, QUEUED_EVENT_JOB, TICKET_JOB] as const;
/** Kinds whose key names neither (a webhook's event, the agent placing a call…): read whole, by kind, in pages. */
const SCANNED_JOBS = [WEBHOOK_DELIVERY_JOB, CALL_JOB, EXPORT_JOB, EXPORT_EXPIRY_JOB, 'reclameaqui-command'] as const;

/**
 * Jobs whose payload names one of the ids or addresses (a send, a media download, the bot's
 * reply, a webhook delivery carrying the message, the call to the customer's number…), with the
 * records derived from them (a send's log, a Reclame Aqui call's log). Found by the ids the
 * outbox derives from messages and conversations, and by a paged read of the few kinds it cannot.
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
  const take = (page: StoredDoc[]) => {
    for (const job of page) {
      if (job.type !== 'job' || !names(job.payload)) continue;
      const payload = (job.payload ?? {}) as Record<string, unknown>;
      const key = String(job.key);
      ids.push(job._id, `sendlog:${typeof payload.sendKey === 'string' ? payload.sendKey : key}`, `racall:${key}`);
    }
  };
  for (const m of of.messages) for (const kind of MESSAGE_JOBS) take(await idRange(store, `job:${kind}.${keyOf(m._id)}`));
  for (const c of of.conversations) for (const kind of CONVERSATION_JOBS) take(await idRange(store, `job:${kind}.${keyOf(c._id)}.`));
  for (const contact of of.contacts) take(await idRange(store, `job:contact-profile.profile-${keyOf(contact._id)}`));
  for (const kind of SCANNED_JOBS) await eachInRange(store, `job:${kind}.`, take);
  return ids;
}
