/**
 * How text is cut into search words (R-WS-13): lower case, accents folded, split on punctuation
 * and symbols, so "João", "JOAO" and "joão," all give "joao". The renderer's local search uses
 * these functions; the server's search views (sync-server/src/search/views.ts) embed the same
 * table and separator in their map functions, which run in CouchDB's JavaScript engine too, so
 * the rule is data here rather than `String.prototype.normalize` (not in older engines).
 */

function buildFoldTable(): Record<string, string> {
  const table: Record<string, string> = {};
  // Latin-1 Supplement and Latin Extended-A/B: every letter whose decomposition starts with a-z.
  for (let code = 0xc0; code <= 0x24f; code++) {
    const char = String.fromCharCode(code).toLowerCase();
    const base = char.normalize('NFD').charAt(0);
    if (char !== base && /^[a-z]$/.test(base)) table[char] = base;
  }
  return table;
}

/** Accented lower-case letter → its plain letter. */
export const SEARCH_FOLD_TABLE: Readonly<Record<string, string>> = buildFoldTable();

/**
 * What separates words (a RegExp source, no flags): ASCII punctuation and symbols, Latin-1
 * symbols, general punctuation and symbol blocks, and emoji (surrogate halves).
 */
export const SEARCH_SEPARATORS =
  '[\\x00-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\xbf\\xd7\\xf7\\u2000-\\u2bff\\u3000-\\u303f\\ud800-\\udfff\\ufe00-\\ufe0f\\uff00-\\uff0f]+';

// Surrogate halves on purpose: the map functions see UTF-16 code units, so this must too.
// eslint-disable-next-line no-misleading-character-class
const SEPARATORS = new RegExp(SEARCH_SEPARATORS);

export function foldForSearch(text: string): string {
  let folded = '';
  for (const char of text.toLowerCase()) folded += SEARCH_FOLD_TABLE[char] ?? char;
  return folded;
}

/** Longest word indexed: longer runs are not words anyone types (ids, base64). */
export const SEARCH_WORD_MAX = 40;

/** The distinct words of a text, in order of first appearance. */
export function searchWords(text: string): string[] {
  const words: string[] = [];
  for (const word of foldForSearch(text).split(SEPARATORS)) {
    if (word.length > 0 && word.length <= SEARCH_WORD_MAX && !words.includes(word)) words.push(word);
  }
  return words;
}

/** Whether every query word starts some word of the text ("bol venc" finds "Boleto vencido"). */
export function matchesAllWords(textWords: readonly string[], queryWords: readonly string[]): boolean {
  return queryWords.every((q) => textWords.some((w) => w.startsWith(q)));
}

/**
 * Whether a contact query is a phone number: only digits and the punctuation people type in
 * numbers, with 3 digits at least. Numbers are searched before names (R-WS-13: names repeat),
 * by the renderer's local search and the server's alike.
 */
export const isNumberQuery = (q: string): boolean => /^[\d\s()+\-.]+$/.test(q.trim()) && q.replace(/\D/g, '').length >= 3;
