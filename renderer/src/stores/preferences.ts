import { defineStore } from 'pinia';
import { ref, watch } from 'vue';

const KEY = 'atende.preferences';
export const LOCALES = ['pt-BR', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
/** Each language named in itself, so anyone can find their own. */
export const LOCALE_NAMES: Record<Locale, string> = { 'pt-BR': 'Português (Brasil)', en: 'English' };

interface Preferences {
  sound: boolean;
  notifications: boolean;
  locale: Locale;
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
  return { sound, notifications, locale };
});
