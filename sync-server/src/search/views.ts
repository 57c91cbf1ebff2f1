import { SEARCH_FOLD_TABLE, SEARCH_SEPARATORS, SEARCH_WORD_MAX } from '@atende/protocol';
import type { ViewDesign } from '../store/index.js';

/**
 * The search indexes (R-WS-13): words of message texts and of contact names, folded exactly as
 * protocol/search.ts folds them (its table and separators are embedded here), so a query is a
 * key range in an index rather than a scan of the store. The map functions are self-contained
 * ES5, as CouchDB's JavaScript engine and PouchDB both evaluate them.
 */
export const WORDS_SCOPE_ALL = '*';
/** More distinct words than this in one message are not indexed (pasted logs, not prose). */
export const WORDS_PER_DOC_MAX = 200;

const WORDS_OF = `function (text) {
    var fold = ${JSON.stringify(SEARCH_FOLD_TABLE)};
    var separators = new RegExp(${JSON.stringify(SEARCH_SEPARATORS)});
    var lower = text.toLowerCase();
    var folded = '';
    for (var i = 0; i < lower.length; i++) {
      var c = lower.charAt(i);
      folded += Object.prototype.hasOwnProperty.call(fold, c) ? fold[c] : c;
    }
    var parts = folded.split(separators);
    var seen = {};
    var words = [];
    for (i = 0; i < parts.length && words.length < ${WORDS_PER_DOC_MAX}; i++) {
      var w = parts[i];
      if (!w || w.length > ${SEARCH_WORD_MAX} || seen['$' + w]) continue;
      seen['$' + w] = true;
      words.push(w);
    }
    return words;
  }`;

/**
 * Message words under two scopes: the message's team id (agents read their teams' ranges) and
 * everything (supervisors, and agents allowed other teams' history). Key: [scope, word, createdAt].
 * Lifecycle events (direction 'system') are not indexed: every conversation has the same ones;
 * nor is the internal chat (direction 'internal', R-WS-12): agents' talk is no customer message.
 */
const MESSAGE_WORDS_MAP = `function (doc) {
  if (doc.type !== 'message' || doc.removed === true || doc.direction === 'system' || doc.direction === 'internal') return;
  if (typeof doc.text !== 'string' || typeof doc.teamId !== 'string') return;
  var words = (${WORDS_OF})(doc.text);
  for (var i = 0; i < words.length; i++) {
    emit([doc.teamId, words[i], doc.createdAt], null);
    emit(['${WORDS_SCOPE_ALL}', words[i], doc.createdAt], null);
  }
}`;

/** Contact name words; contacts are one directory for the whole organisation (R-CT, manual §"Adicionar contato"). */
const CONTACT_NAMES_MAP = `function (doc) {
  if (doc.type !== 'contact' || doc.removed === true || typeof doc.name !== 'string') return;
  var words = (${WORDS_OF})(doc.name);
  for (var i = 0; i < words.length; i++) emit(words[i], null);
}`;

export const SEARCH_DESIGN: ViewDesign = {
  name: 'atende-search',
  views: { message_words: MESSAGE_WORDS_MAP, contact_names: CONTACT_NAMES_MAP },
};

/** The high end of a prefix range: after every word that starts with `prefix`. */
export const prefixEnd = (prefix: string): string => `${prefix}\ufff0`;
