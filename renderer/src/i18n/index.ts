import { createI18n } from 'vue-i18n';
import { MESSAGES } from './messages';

/** pt-BR by default; English and Spanish selectable in the top bar. */
export const i18n = createI18n({
  legacy: false,
  locale: 'pt-BR',
  fallbackLocale: 'pt-BR',
  messages: MESSAGES,
});
