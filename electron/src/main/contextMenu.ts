import { Menu, type BrowserWindow, type ContextMenuParams, type MenuItemConstructorOptions } from 'electron';
import type { ShellStrings } from './strings';

/**
 * The right-click menu of the app's pages (issue 17 point 5). Chromium shows none by itself in
 * Electron. In a text field: spelling suggestions for a misspelled word, "add to dictionary", then
 * cut/copy/paste/select all as the field allows; elsewhere only Copy, and only over a selection.
 * Links and images get nothing: the app opens what it needs itself.
 */
export type MenuParams = Pick<ContextMenuParams, 'isEditable' | 'editFlags' | 'selectionText' | 'misspelledWord' | 'dictionarySuggestions'>;

export interface SpellingActions {
  replace(word: string): void;
  learn(word: string): void;
}

/** At most this many suggestions: Chromium's own menu shows about as many. */
const MAX_SUGGESTIONS = 5;

export function contextMenuTemplate(params: MenuParams, text: ShellStrings, spelling: SpellingActions): MenuItemConstructorOptions[] {
  if (!params.isEditable) {
    return params.selectionText.trim() ? [{ role: 'copy', label: text.copy, enabled: params.editFlags.canCopy }] : [];
  }
  const items: MenuItemConstructorOptions[] = [];
  const word = params.misspelledWord;
  if (word) {
    const suggestions = params.dictionarySuggestions.slice(0, MAX_SUGGESTIONS);
    if (suggestions.length === 0) items.push({ label: text.noSuggestions, enabled: false });
    for (const suggestion of suggestions) items.push({ label: suggestion, click: () => spelling.replace(suggestion) });
    items.push({ label: text.addToDictionary, click: () => spelling.learn(word) }, { type: 'separator' });
  }
  const flags = params.editFlags;
  items.push(
    { role: 'cut', label: text.cut, enabled: flags.canCut },
    { role: 'copy', label: text.copy, enabled: flags.canCopy },
    { role: 'paste', label: text.paste, enabled: flags.canPaste },
    { type: 'separator' },
    { role: 'selectAll', label: text.selectAll, enabled: flags.canSelectAll },
  );
  return items;
}

/** Shows the menu on every right-click (or menu key) in the window's page. */
export function attachContextMenu(window: BrowserWindow, strings: () => ShellStrings): void {
  const contents = window.webContents;
  contents.on('context-menu', (_event, params) => {
    const template = contextMenuTemplate(params, strings(), {
      replace: (word) => contents.replaceMisspelling(word),
      learn: (word) => {
        contents.session.addWordToSpellCheckerDictionary(word);
      },
    });
    if (template.length === 0 || window.isDestroyed()) return;
    Menu.buildFromTemplate(template).popup({ window });
  });
}
