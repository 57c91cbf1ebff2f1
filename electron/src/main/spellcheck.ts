import type { Session } from 'electron';
import { checkRemoteUrl } from './urlPolicy';

/**
 * Spelling in the app's text fields (issue 17 point 5). Chromium downloads its Hunspell
 * dictionaries (.bdic) from Google's CDN unless told otherwise; the agents' workstations fetch them
 * from our own server instead (`GET /dictionaries/<file>`, sync-server), the one they already
 * talk to. macOS uses the OS spellchecker and downloads nothing (Electron makes both calls no-ops).
 */

/** Chromium's codes for the app's three languages (`session.availableSpellCheckerLanguages`). */
export const SPELLCHECK_LANGUAGES = ['pt-BR', 'en-US', 'es'] as const;

export function dictionaryUrl(serverUrl: string): string {
  // Chromium appends the file name to this URL as is: the trailing slash is required.
  return `${serverUrl.replace(/\/+$/, '')}/dictionaries/`;
}

export type SpellcheckSession = Pick<
  Session,
  'setSpellCheckerDictionaryDownloadURL' | 'setSpellCheckerLanguages' | 'availableSpellCheckerLanguages'
>;

/**
 * Points the dictionary downloader at the server and turns the three languages on. Called once the
 * configuration is read, before any window exists (the server address is fixed for the run; were
 * it ever to change, calling this again follows it). A server address the URL rule refuses (the
 * configuration drops those first) turns spelling off rather than leave Google's CDN in place.
 */
export function applySpellcheck(session: SpellcheckSession, serverUrl: string): void {
  const checked = checkRemoteUrl(serverUrl);
  if (!checked.ok) {
    console.warn(`Spelling dictionaries off: the server address is refused (${checked.reason})`);
    session.setSpellCheckerLanguages([]);
    return;
  }
  session.setSpellCheckerDictionaryDownloadURL(dictionaryUrl(serverUrl));
  // An unknown code makes Electron throw; a build without one of them simply goes without it.
  const available = new Set(session.availableSpellCheckerLanguages);
  session.setSpellCheckerLanguages(SPELLCHECK_LANGUAGES.filter((code) => available.has(code)));
}
