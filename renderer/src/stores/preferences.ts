import { defineStore } from 'pinia';
import { ref, watch } from 'vue';

const KEY = 'atende.preferences';
export const LOCALES = ['pt-BR', 'en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
/** Each language named in itself, so anyone can find their own. */
export const LOCALE_NAMES: Record<Locale, string> = { 'pt-BR': 'Português (Brasil)', en: 'English', es: 'Español' };

interface Preferences {
  sound: boolean;
  notifications: boolean;
  locale: Locale;
}

/**
 * R-DT-05: the language IT set for the machine wins when locked, and is the default while the
 * user has not chosen one; a language this build does not have is ignored.
 */
export function machineLocale(language: string, locked: boolean, userChose: boolean): { locale?: Locale; locked: boolean } {
  const supported = (LOCALES as readonly string[]).includes(language) ? (language as Locale) : undefined;
  if (!supported) return { locked: false };
  return { locale: locked || !userChose ? supported : undefined, locked };
}

function userChoseLocale(): boolean {
  try {
    return typeof (JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Preferences>).locale === 'string';
  } catch {
    return false;
  }
}

function load(): Preferences {
  const fallback: Preferences = { sound: true, notifications: true, locale: 'pt-BR' };
  try {
    return { ...fallback, ...(JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Preferences>) };
  } catch {
    return fallback;
  }
}

/** Per-machine UI preferences (R-WS-10 alerts toggle, UI language). */
export const usePreferencesStore = defineStore('preferences', () => {
  const initial = load();
  const sound = ref(initial.sound);
  const notifications = ref(initial.notifications);
  const locale = ref<Locale>(LOCALES.includes(initial.locale) ? initial.locale : 'pt-BR');
  watch([sound, notifications, locale], () => {
    localStorage.setItem(KEY, JSON.stringify({ sound: sound.value, notifications: notifications.value, locale: locale.value }));
  });
  const languageLocked = ref(false);

  function applyMachineLanguage(language: string, locked: boolean): void {
    const decision = machineLocale(language, locked, userChoseLocale());
    languageLocked.value = decision.locked;
    if (decision.locale) locale.value = decision.locale;
  }

  return { sound, notifications, locale, languageLocked, applyMachineLanguage };
});
