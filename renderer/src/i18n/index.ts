import { createI18n } from 'vue-i18n';
import en from './locales/en.json';
import ptBR from './locales/pt-BR.json';

/** pt-BR by default; English selectable in the profile menu. */
export const i18n = createI18n({
  legacy: false,
  locale: 'pt-BR',
  fallbackLocale: 'pt-BR',
  messages: { 'pt-BR': ptBR, en },
});
