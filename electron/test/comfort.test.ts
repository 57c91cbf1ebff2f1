import type { BrowserWindow } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { electron, fakeSession, FakeBrowserWindow, resetElectron, spellcheckState } from './fakes/electron';
import { attachContextMenu, contextMenuTemplate, type MenuParams } from '../src/main/contextMenu';
import { applySpellcheck, dictionaryUrl } from '../src/main/spellcheck';
import { shellStrings } from '../src/main/strings';

vi.mock('electron', async () => (await import('./fakes/electron')).electron);

const NO_FLAGS = { canUndo: false, canRedo: false, canCut: false, canCopy: false, canPaste: false, canDelete: false, canSelectAll: false, canEditRichly: false };
const params = (over: Partial<MenuParams>): MenuParams => ({
  isEditable: false, editFlags: NO_FLAGS, selectionText: '', misspelledWord: '', dictionarySuggestions: [], ...over,
});
const pt = shellStrings('pt-BR');
const noSpelling = { replace: () => undefined, learn: () => undefined };
/** What a person sees: each item's label (or role) and whether it can be clicked. */
const seen = (items: ReturnType<typeof contextMenuTemplate>) =>
  items.map((item) => (item.type === 'separator' ? '—' : `${item.label ?? item.role}${item.enabled === false ? ' (off)' : ''}`));

beforeEach(() => {
  resetElectron();
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});

describe('issue 17 point 5: the context menu', () => {
  it('issue 17 a misspelled word in a text field: suggestions, add to dictionary, then the edit commands as the field allows', () => {
    const menu = contextMenuTemplate(
      params({ isEditable: true, misspelledWord: 'atendimeto', dictionarySuggestions: ['atendimento', 'atendimentos'], editFlags: { ...NO_FLAGS, canPaste: true, canSelectAll: true } }),
      pt,
      noSpelling,
    );
    expect(seen(menu)).toEqual([
      'atendimento', 'atendimentos', 'Adicionar ao dicionário', '—',
      'Recortar (off)', 'Copiar (off)', 'Colar', '—', 'Selecionar tudo',
    ]);
  });

  it('issue 17 choosing a suggestion replaces the word; "add to dictionary" teaches the session', () => {
    const window = new FakeBrowserWindow({});
    const popup = vi.fn();
    let shown: ReturnType<typeof contextMenuTemplate> = [];
    vi.mocked(electron.Menu.buildFromTemplate).mockImplementation((template: unknown[]) => {
      shown = template as typeof shown;
      return { template, popup } as never;
    });
    attachContextMenu(window as unknown as BrowserWindow, () => shellStrings('en'));
    window.webContents.emit('context-menu', {}, params({ isEditable: true, misspelledWord: 'helo', dictionarySuggestions: ['hello', 'help'], editFlags: NO_FLAGS }));
    expect(popup).toHaveBeenCalledWith({ window });
    const click = (label: string) => (shown.find((item) => item.label === label)?.click as (() => void) | undefined)?.();
    click('help');
    click('Add to dictionary');
    expect(window.webContents.replaced).toEqual(['help']);
    expect(spellcheckState.learned).toEqual(['helo']);
  });

  it('issue 17 a misspelled word without suggestions says so', () => {
    const menu = contextMenuTemplate(params({ isEditable: true, misspelledWord: 'xyzzy' }), shellStrings('es'), noSpelling);
    expect(seen(menu).slice(0, 2)).toEqual(['No hay sugerencias (off)', 'Añadir al diccionario']);
  });

  it('issue 17 outside text fields: only Copy over a selection, nothing without one', () => {
    expect(seen(contextMenuTemplate(params({ selectionText: 'Pedido 123', editFlags: { ...NO_FLAGS, canCopy: true } }), shellStrings('en'), noSpelling))).toEqual(['Copy']);
    expect(contextMenuTemplate(params({ selectionText: '  ' }), pt, noSpelling)).toEqual([]);
    expect(contextMenuTemplate(params({}), pt, noSpelling)).toEqual([]);
  });

  it('issue 17 nothing is shown where there is nothing to offer', () => {
    const window = new FakeBrowserWindow({});
    attachContextMenu(window as unknown as BrowserWindow, () => pt);
    window.webContents.emit('context-menu', {}, params({}));
    expect(electron.Menu.buildFromTemplate).not.toHaveBeenCalled();
  });
});

describe('issue 17 point 5: spelling dictionaries come from our server', () => {
  it('issue 17 the download URL is the server’s /dictionaries/ folder and the three languages are on', () => {
    applySpellcheck(fakeSession as never, 'https://atende.example.com/');
    expect(spellcheckState.downloadUrl).toBe('https://atende.example.com/dictionaries/');
    expect(spellcheckState.languages).toEqual(['pt-BR', 'en-US', 'es']);
  });

  it('issue 17 it follows the server address (a server under a path keeps its path)', () => {
    applySpellcheck(fakeSession as never, 'https://a.example.com');
    applySpellcheck(fakeSession as never, 'https://b.example.com/atende');
    expect(spellcheckState.downloadUrl).toBe('https://b.example.com/atende/dictionaries/');
    expect(dictionaryUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080/dictionaries/');
  });

  it('issue 17 a refused server address turns spelling off instead of leaving Google’s CDN in place', () => {
    // What Chromium would have had on by default (the system's language).
    spellcheckState.languages = ['pt-BR'];
    applySpellcheck(fakeSession as never, 'http://intranet.example.com');
    expect(spellcheckState.downloadUrl).toBeUndefined();
    expect(spellcheckState.languages).toEqual([]);
  });

  it('issue 17 a language this Chromium does not list is left out rather than making Electron throw', () => {
    const session = { ...fakeSession, availableSpellCheckerLanguages: ['pt-BR', 'en-GB'] };
    applySpellcheck(session as never, 'https://atende.example.com');
    expect(spellcheckState.languages).toEqual(['pt-BR']);
  });
});
