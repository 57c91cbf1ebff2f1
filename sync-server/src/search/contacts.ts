import {
  CONTACT_SEARCH_LIMIT, isNumberQuery, matchesAllWords, searchWords, type ContactDoc,
} from '@atende/protocol';
import { isGone } from '../contacts/live.js';
import type { DocStore, StoredDoc } from '../store/index.js';
import { toWire } from '../store/wire.js';
import { prefixEnd, SEARCH_DESIGN } from './views.js';

/** Index rows read per query before filtering: a bound on the work of one search. */
const ROWS_MAX = 500;

/**
 * Contact search (R-WS-13, R-CT): beyond the caller's replica — contacts are one directory for
 * the organisation, and "Adicionar contato" starts by confirming the contact is not there yet
 * (manual 002). Digits search WhatsApp numbers (preferred: names repeat), as E.164 prefixes
 * through the `addresses.whatsapp` index, with 55 tried before Brazilian input; anything else
 * searches name words through the search view, accents and case ignored.
 */
export async function searchContacts(store: DocStore, q: string): Promise<ContactDoc[]> {
  const found = isNumberQuery(q) ? await byNumber(store, q) : await byName(store, q);
  return found.slice(0, CONTACT_SEARCH_LIMIT).map((doc) => toWire<ContactDoc>(doc));
}

async function byNumber(store: DocStore, q: string): Promise<StoredDoc[]> {
  const digits = q.replace(/\D/g, '');
  // "11 98765-4321" is stored as 5511987654321; "+1 415…" as 1415…: try both readings.
  const prefixes = q.trim().startsWith('+') || digits.startsWith('55') ? [digits] : [`55${digits}`, digits];
  const seen = new Map<string, StoredDoc>();
  for (const prefix of prefixes) {
    const rows = await store.find({
      selector: { 'addresses.whatsapp': { $gte: prefix, $lt: prefixEnd(prefix) }, type: 'contact' },
      limit: CONTACT_SEARCH_LIMIT * 2,
    });
    for (const doc of rows) if (!isGone(doc) && !seen.has(doc._id)) seen.set(doc._id, doc);
  }
  // The exact number first, then by number.
  return [...seen.values()].sort((a, b) => numberOf(a).length - numberOf(b).length || numberOf(a).localeCompare(numberOf(b)));
}

const numberOf = (doc: StoredDoc): string => String((doc.addresses as { whatsapp?: string } | undefined)?.whatsapp ?? '');

async function byName(store: DocStore, q: string): Promise<StoredDoc[]> {
  const words = searchWords(q);
  const longest = [...words].sort((a, b) => b.length - a.length)[0];
  if (!longest) return [];
  const rows = await store.queryView(SEARCH_DESIGN, { view: 'contact_names', startkey: longest, endkey: prefixEnd(longest), limit: ROWS_MAX });
  const seen = new Map<string, StoredDoc>();
  for (const row of rows) {
    const doc = row.doc;
    if (seen.has(doc._id) || isGone(doc) || typeof doc.name !== 'string') continue;
    if (matchesAllWords(searchWords(doc.name), words)) seen.set(doc._id, doc);
  }
  return [...seen.values()].sort((a, b) => String(a.name).localeCompare(String(b.name), 'pt-BR'));
}
