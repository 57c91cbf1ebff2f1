import { conversationEventOf, foldForSearch, matchesAllWords, SEARCH_SEPARATORS, searchWords, type MessageDoc } from '@atende/protocol';

/** The word rules of message search on this side (R-WS-13): what matches and what is marked. */

/** Whether a message is something people wrote that matches every query word. */
export function messageMatches(message: Pick<MessageDoc, 'text' | 'direction' | 'kind' | 'payload'>, words: readonly string[]): boolean {
  if (!message.text || conversationEventOf(message)) return false;
  return matchesAllWords(searchWords(message.text), words);
}

export interface Segment {
  text: string;
  match: boolean;
}

// Splits keeping the separators, so the pieces join back into the text.
const SPLIT = new RegExp(`(${SEARCH_SEPARATORS})`);
const AROUND = 40;
const LENGTH = 160;

/**
 * The part of a message around its first match, cut into pieces with the matching words marked
 * (a word matches when it starts with a query word, accents and case ignored).
 */
export function highlight(text: string, q: string): Segment[] {
  const words = searchWords(q);
  const pieces = text.split(SPLIT).map((piece, index) => ({
    text: piece,
    match: index % 2 === 0 && piece.length > 0 && words.some((w) => foldForSearch(piece).startsWith(w)),
  }));
  let offset = 0;
  let first = -1;
  for (const piece of pieces) {
    if (piece.match) {
      first = offset;
      break;
    }
    offset += piece.text.length;
  }
  const start = Math.max(0, first - AROUND);
  const end = start + LENGTH;
  const segments: Segment[] = start > 0 ? [{ text: '…', match: false }] : [];
  let at = 0;
  for (const piece of pieces) {
    const from = Math.max(at, start);
    const to = Math.min(at + piece.text.length, end);
    if (to > from) segments.push({ text: piece.text.slice(from - at, to - at), match: piece.match });
    at += piece.text.length;
  }
  if (text.length > end) segments.push({ text: '…', match: false });
  return segments;
}
