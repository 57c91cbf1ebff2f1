import { foldForSearch, isNumberQuery, matchesAllWords, searchWords, type ChannelKind, type ContactDoc } from '@atende/protocol';

const digitsOf = (text: string) => text.replace(/\D/g, '');

/**
 * R-WS-13: the local replica's contacts matching a query — digits against every address
 * (WhatsApp numbers are stored with 55, so "1198…" also matches "551198…"), words against names
 * (accents and case ignored, every word a prefix of a name word).
 */
export function matchContact(contact: ContactDoc, q: string): boolean {
  const query = q.trim();
  if (!query) return true;
  if (isNumberQuery(query)) {
    const digits = digitsOf(query);
    return Object.values(contact.addresses).some((address) => typeof address === 'string' && digitsOf(address).includes(digits));
  }
  const words = searchWords(query);
  return matchesAllWords(searchWords(contact.name), words) || foldForSearch(contact.email).includes(foldForSearch(query));
}

export const hasAddressOn = (contact: ContactDoc, channel: ChannelKind): boolean => Boolean(contact.addresses[channel]);
