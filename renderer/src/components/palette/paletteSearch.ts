import { foldForSearch, type ContactDoc, type ConversationDoc } from '@atende/protocol';
import type { AtendeDatabase } from '../../db/database';
import { matchContact } from '../contact/search';

/**
 * What the command palette finds (issue 18 point 4), from this computer's replica only: it must
 * answer as fast as one types, online or not. Message words are the search box's job (R-WS-13).
 */
export const PALETTE_LIMIT = 8;

/** Protocol numbers are digits and a dash (`20261129-000123`): a query of those looks for them. */
export const isProtocolQuery = (q: string): boolean => /^[\d-]{3,}$/.test(q.trim());

/** The contacts named by `q` (words as name prefixes, digits in an address), by name. */
export function matchingContacts(contacts: Iterable<ContactDoc>, q: string, locale: string): ContactDoc[] {
  if (!q.trim()) return [];
  return [...contacts]
    .filter((c) => matchContact(c, q))
    .sort((a, b) => a.name.localeCompare(b.name, locale))
    .slice(0, PALETTE_LIMIT);
}

/** A conversation matches by its protocol number, or by being one of the matching contacts'. */
export function conversationMatches(conversation: ConversationDoc, q: string, contactIds: ReadonlySet<string>): boolean {
  if (isProtocolQuery(q)) return conversation.protocol.includes(q.trim());
  return contactIds.has(conversation.contactId);
}

/** Open ones first (the agent's work), then the newest; at most PALETTE_LIMIT. */
export function rankConversations(found: readonly ConversationDoc[]): ConversationDoc[] {
  const open = (c: ConversationDoc) => (c.status === 'finished' ? 1 : 0);
  return [...new Map(found.map((c) => [c.id, c])).values()]
    .sort((a, b) => open(a) - open(b) || b.updatedAt - a.updatedAt)
    .slice(0, PALETTE_LIMIT);
}

/** The replica's conversations `q` finds: the contacts' (any status the replica holds) or the protocol's. */
export async function findConversations(db: AtendeDatabase, q: string, contactIds: ReadonlySet<string>): Promise<ConversationDoc[]> {
  const selector = isProtocolQuery(q)
    ? { protocol: { $regex: q.trim().replace(/-/g, '\\-') } }
    : { contactId: { $in: [...contactIds] } };
  if (!isProtocolQuery(q) && contactIds.size === 0) return [];
  const docs = await db.conversations.find({ selector, limit: 200 }).exec();
  return rankConversations(docs.map((d) => d.toMutableJSON() as ConversationDoc));
}

/** An action matches when every word of `q` starts a word of its label (accents and case ignored). */
export function labelMatches(label: string, q: string): boolean {
  const words = foldForSearch(q).split(/\s+/).filter(Boolean);
  const labelWords = foldForSearch(label).split(/[\s()/·,-]+/).filter(Boolean);
  return words.every((w) => labelWords.some((l) => l.startsWith(w)));
}
