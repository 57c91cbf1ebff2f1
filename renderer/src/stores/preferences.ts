import { defineStore } from 'pinia';
import { computed, onScopeDispose, ref, watch } from 'vue';

const KEY = 'atende.preferences';
export const LOCALES = ['pt-BR', 'en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
/** Each language named in itself, so anyone can find their own. */
export const LOCALE_NAMES: Record<Locale, string> = { 'pt-BR': 'Português (Brasil)', en: 'English', es: 'Español' };

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
export type ResolvedTheme = Exclude<Theme, 'system'>;

interface Preferences {
  sound: boolean;
  notifications: boolean;
  locale: Locale;
  theme: Theme;
}

/** 'system' follows the machine's light/dark setting (issue 9: light and dark themes). */
export function resolveTheme(theme: Theme, systemDark: boolean): ResolvedTheme {
  if (theme === 'system') return systemDark ? 'dark' : 'light';
  return theme;
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
  const fallback: Preferences = { sound: true, notifications: true, locale: 'pt-BR', theme: 'system' };
  try {
    return { ...fallback, ...(JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Preferences>) };
  } catch {
    return fallback;
  }
}

/** Per-machine UI preferences (R-WS-10 alerts toggle, UI language, light/dark theme). */
export const usePreferencesStore = defineStore('preferences', () => {
  const initial = load();
  const sound = ref(initial.sound);
  const notifications = ref(initial.notifications);
  const locale = ref<Locale>(LOCALES.includes(initial.locale) ? initial.locale : 'pt-BR');
  const theme = ref<Theme>(THEMES.includes(initial.theme) ? initial.theme : 'system');
  watch([sound, notifications, locale, theme], () => {
    const stored: Preferences = { sound: sound.value, notifications: notifications.value, locale: locale.value, theme: theme.value };
    localStorage.setItem(KEY, JSON.stringify(stored));
  });

  // The machine's setting is followed live while the preference is 'system'.
  const media = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : undefined;
  const systemDark = ref(media?.matches ?? false);
  const onSystemChange = (event: MediaQueryListEvent) => (systemDark.value = event.matches);
  media?.addEventListener('change', onSystemChange);
  onScopeDispose(() => media?.removeEventListener('change', onSystemChange));
  const resolvedTheme = computed(() => resolveTheme(theme.value, systemDark.value));
  // The tokens (theme/tokens.css) switch on this attribute.
  watch(resolvedTheme, (value) => (document.documentElement.dataset.theme = value), { immediate: true });
  const languageLocked = ref(false);

  function applyMachineLanguage(language: string, locked: boolean): void {
    const decision = machineLocale(language, locked, userChoseLocale());
    languageLocked.value = decision.locked;
    if (decision.locale) locale.value = decision.locale;
  }

  /** R-WS-11: the language kept on the user's profile follows them to this machine, unless IT locked it. */
  function applyUserLanguage(language: string): void {
    const chosen = LOCALES.find((l) => l === language);
    if (chosen && !languageLocked.value) locale.value = chosen;
  }

  return { sound, notifications, locale, theme, resolvedTheme, languageLocked, applyMachineLanguage, applyUserLanguage };
});
