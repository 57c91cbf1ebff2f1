import { addressId } from '../contacts/directory.js';
import { ProtocolNumbers } from '../conversations/protocolNumbers.js';
import type { DocStore, StoredDoc } from '../store/index.js';
import { toStored } from '../store/wire.js';
import { planHistory } from './historyPlan.js';

/**
 * The demo's two weeks of past, finished conversations (issue 16), so a newcomer's supervisor
 * finds charts and reports with something in them. Written straight to the store: the services
 * stamp every change with the present time (`Date.now()`), and a history made through them
 * would need the clock moved back for each event. Instead each conversation goes through the
 * same pure lifecycle with past dates (historyPlan.ts), and protocol numbers come from the
 * store's day counters as live ones do, so none is ever handed out twice.
 *
 * Opt-in (config.demoHistory, ATENDE_DEMO_HISTORY=1; `npm start` turns it on): tests count conversations on a
 * fresh demo and expect empty lists. Idempotent: the ids are fixed, a conversation already
 * stored is skipped (with its protocol number untouched), so a restart adds nothing.
 */

const CHUNK = 400;

async function writeAll(store: DocStore, docs: StoredDoc[]): Promise<void> {
  for (let i = 0; i < docs.length; i += CHUNK) {
    const results = await store.bulkWrite(docs.slice(i, i + CHUNK));
    // A conflict is a document an earlier, interrupted run wrote already.
    const failed = results.filter((r) => !r.ok && r.error !== 'conflict');
    if (failed.length > 0) throw new Error(`demo history not written: ${failed.map((r) => r.id).join(', ')}`);
  }
}

/** Writes the conversations of the history not stored yet; how many it wrote. */
export async function seedDemoHistory(store: DocStore, options: { timeZone: string; now?: number }): Promise<number> {
  const plan = planHistory(options.now ?? Date.now(), options.timeZone);
  const stored = await Promise.all(plan.conversations.map((c) => store.get(c.id)));
  const missing = plan.conversations.filter((_, i) => !stored[i]);
  if (missing.length === 0) return 0;
  const wanted = new Set(missing.map((c) => c.id));
  const contactIds = new Set(missing.map((c) => c.contactId));
  const contacts = plan.contacts.filter((c) => contactIds.has(c.id));
  const numbers = new ProtocolNumbers(store, options.timeZone, { blockSize: 20 });
  // Oldest first, one at a time: each day's numbers run in the order its conversations began.
  for (const conversation of missing) conversation.protocol = await numbers.next(conversation.createdAt);
  await writeAll(store, [
    ...contacts.map((c) => toStored(c)),
    // Each address is its contact's (R-CT-02), as an inbound message would have claimed it.
    ...contacts.flatMap((c) => Object.entries(c.addresses).map(([kind, address]) => ({
      _id: addressId(kind as keyof typeof c.addresses, address), type: 'address', kind, contactId: c.id,
    }))),
    ...plan.messages.filter((m) => wanted.has(m.conversationId)).map((m) => toStored(m)),
  ]);
  // Last: a conversation stored means its messages are, so a rerun after a crash completes it.
  await writeAll(store, missing.map((c) => toStored(c)));
  return missing.length;
}
