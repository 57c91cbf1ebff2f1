import { NO_REMOVALS, type RemovedCounts } from '@atende/protocol';
import type { RemovalReason } from '../backup/erasureLedger.js';
import { freezeFacts } from '../reports/facts.js';
import type { StoredDoc } from '../store/index.js';
import { collectRecords, contactConversations, mediaIdsOf, type Holdings, type RecordIds } from './collect.js';
import type { PrivacyContext } from './context.js';
import { appendLedger } from './ledger.js';
import { BY_CONTACT, BY_CONVERSATION, findAll, getAll } from './pages.js';

export type { RecordIds } from './collect.js';

/**
 * A file stays when a record that stays still uses it: a library file (a predefined message's),
 * a user's photo, a picture of a contact kept, or a file also carried in a conversation kept.
 */
function removable(media: StoredDoc, conversations: ReadonlySet<string>, contacts: ReadonlySet<string>): boolean {
  if (media.shared === true || typeof media.photoOf === 'string') return false;
  if (typeof media.pictureOf === 'string' && !contacts.has(media.pictureOf)) return false;
  const usedIn = Array.isArray(media.conversationIds) ? (media.conversationIds as unknown[]) : [];
  return usedIn.every((id) => typeof id === 'string' && conversations.has(id));
}

/** What goes: the holdings minus the files still used elsewhere. */
export function toRemove(held: Holdings): Holdings {
  const conversations = new Set(held.conversations.map((c) => c._id));
  const contacts = new Set(held.contacts.map((c) => c._id));
  return { ...held, media: held.media.filter((m) => removable(m, conversations, contacts)) };
}

export function countsOf(held: Holdings): RemovedCounts {
  return {
    contacts: held.contacts.length,
    conversations: held.conversations.length,
    messages: held.messages.length,
    notes: held.notes.length,
    media: held.media.length,
    other: held.other.length,
  };
}

export const idsOf = (held: Holdings): string[] =>
  [...held.contacts, ...held.conversations, ...held.messages, ...held.notes, ...held.media].map((d) => d._id).concat(held.other);

/**
 * THE removal primitive of issue 19 (model point 3): erasure removes one contact with it, the
 * retention old conversations and notes. Records expand to everything they hold (collect.ts);
 * then (a) each removed conversation's report fact is frozen as its anonymised record, (b) the
 * ids' hashes go to the ledger, (c) every document is purged from the store for good, (d) the
 * store's epoch moves once, so every replica's next pull is told to reset (replica_reset).
 * Callers check legal holds and open conversations before; this removes what it is given.
 */
export async function removeRecords(ctx: PrivacyContext, records: RecordIds, reason: RemovalReason): Promise<RemovedCounts> {
  const held = toRemove(await collectRecords(ctx.store, records));
  return purgeHoldings(ctx, held, reason);
}

/** Steps (a)–(d) of removeRecords for holdings already collected (the erasure route collects first to check them). */
export async function purgeHoldings(ctx: PrivacyContext, held: Holdings, reason: RemovalReason): Promise<RemovedCounts> {
  if (idsOf(held).length === 0) return { ...NO_REMOVALS };
  let removed = held;
  let round: Holdings = held;
  // Rarely more than one round: what a customer wrote while this ran (a message in a removed
  // conversation, a new conversation of an erased contact) was not collected, and goes too.
  for (let n = 0; n < LATE_ROUNDS && idsOf(round).length > 0; n++) {
    const ids = idsOf(round);
    await freezeFacts(ctx.store, round.conversations.map((c) => c._id));
    await appendLedger(ctx, ids, reason);
    await ctx.store.purge(ids);
    if (n > 0) removed = merged(removed, round);
    round = await lateArrivals(ctx, removed);
  }
  await ctx.store.bumpEpoch();
  ctx.identityChanged();
  return countsOf(removed);
}

const LATE_ROUNDS = 3;

const merged = (a: Holdings, b: Holdings): Holdings => ({
  contacts: [...a.contacts, ...b.contacts],
  conversations: [...a.conversations, ...b.conversations],
  messages: [...a.messages, ...b.messages],
  notes: [...a.notes, ...b.notes],
  media: [...a.media, ...b.media],
  other: [...a.other, ...b.other],
});

/** Records written for what was removed after it was collected: conversations and notes of an erased contact, messages of a removed conversation. */
async function lateArrivals(ctx: PrivacyContext, removed: Holdings): Promise<Holdings> {
  const conversations: StoredDoc[] = [];
  const notes: StoredDoc[] = [];
  for (const contact of removed.contacts) {
    conversations.push(...(await contactConversations(ctx.store, contact._id)));
    notes.push(...(await findAll(ctx.store, { type: 'note', contactId: contact._id }, BY_CONTACT)));
  }
  const messages: StoredDoc[] = [];
  for (const c of [...removed.conversations, ...conversations]) messages.push(...(await findAll(ctx.store, { type: 'message', conversationId: c._id }, BY_CONVERSATION)));
  const everyConversation = new Set([...removed.conversations, ...conversations].map((c) => c._id));
  const contacts = new Set(removed.contacts.map((c) => c._id));
  const gone = new Set(removed.media.map((m) => m._id));
  const media = (await getAll(ctx.store, messages.flatMap(mediaIdsOf)))
    .filter((d) => d.type === 'media' && !gone.has(d._id) && removable(d, everyConversation, contacts));
  return { contacts: [], conversations, messages, notes, media, other: [] };
}
