import Picker from 'emoji-picker-element/picker.js';
import type { I18n } from 'emoji-picker-element/shared.js';
import en from 'emoji-picker-element/i18n/en.js';
import es from 'emoji-picker-element/i18n/es.js';
import ptBR from 'emoji-picker-element/i18n/pt_BR.js';
import enData from 'emoji-picker-element-data/en/cldr/data.json?url';
import esData from 'emoji-picker-element-data/es/cldr/data.json?url';
import ptData from 'emoji-picker-element-data/pt/cldr/data.json?url';

/**
 * The emoji picker (emoji-picker-element) with its data bundled by Vite as hashed assets: no CDN,
 * so it works on machines and sites without internet. The data package has Portuguese (pt),
 * English and Spanish CLDR names, so search works in the agent's language.
 */
const LOCALES: Record<string, { locale: string; dataSource: string; i18n: I18n }> = {
  'pt-BR': { locale: 'pt', dataSource: ptData, i18n: ptBR },
  en: { locale: 'en', dataSource: enData, i18n: en },
  es: { locale: 'es', dataSource: esData, i18n: es },
};

function settingsOf(appLocale: string) {
  return LOCALES[appLocale] ?? LOCALES['pt-BR']!;
}

/**
 * Fetches the current language's data once, so the service worker keeps it for an offline start
 * even if the agent never opened the picker while online (the picker itself then keeps it in
 * IndexedDB). A failure is harmless: the picker fetches again when opened.
 */
export function prefetchEmojiData(appLocale: string): void {
  const { dataSource } = settingsOf(appLocale);
  if (prefetched.has(dataSource)) return;
  prefetched.add(dataSource);
  void fetch(dataSource).then((r) => r.arrayBuffer()).catch(() => prefetched.delete(dataSource));
}
const prefetched = new Set<string>();

/**
 * A picker element ready to insert. Its styles come in an inline `<style>` that the desktop
 * shell's CSP (style-src 'self') blocks; moved into a constructable stylesheet before the element
 * is connected, they apply everywhere and no violation is reported. `emojiVersion` skips the
 * colour-emoji detection, which needs an emoji font (Linux may lack one: glyphs then show as boxes).
 */
export function createEmojiPicker(appLocale: string): Picker {
  const picker = new Picker({ ...settingsOf(appLocale), emojiVersion: 15 });
  const root = picker.shadowRoot;
  const inline = root?.querySelector('style');
  if (root && inline && 'adoptedStyleSheets' in root) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(`${inline.textContent ?? ''}\n${CSP_SAFE_STYLES}`);
    inline.remove();
    root.adoptedStyleSheets = [sheet];
  }
  return picker;
}

/**
 * The picker also writes a few `style` attributes (tab widths, the moving tab indicator), which
 * the same CSP drops: equal-width tabs by flex, and the selected tab underlined instead.
 */
const CSP_SAFE_STYLES = `
.nav { display: flex; }
.nav-button { flex: 1; }
.indicator { display: none; }
.nav-button[aria-selected="true"] { box-shadow: inset 0 calc(-1 * var(--indicator-height)) 0 var(--indicator-color); }
`;
