import { foldForSearch, type PredefinedDoc } from '@atende/protocol';

/**
 * R-WS-04 predefined messages, shared by the picker (button) and the composer's inline list
 * ("/" at the start of the text, issue 18 point 4).
 */

/** The predefined messages matching `query` by title or text, accents and case ignored ("precos" finds "preços"). */
export function matchPredefined(list: readonly PredefinedDoc[], query: string): PredefinedDoc[] {
  const q = foldForSearch(query.trim());
  return list.filter((p) => !q || foldForSearch(p.title).includes(q) || foldForSearch(p.text).includes(q));
}

/**
 * The inline list's filter while the composer's text is a "/" command: "/" first, then the words
 * on the same line ("/entrega" → "entrega"). A "/" anywhere else, or a second line, is plain text.
 */
export function slashQuery(text: string): string | undefined {
  if (!text.startsWith('/') || text.includes('\n')) return undefined;
  return text.slice(1);
}
