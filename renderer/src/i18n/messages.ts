import en from './locales/en.json';
import es from './locales/es.json';
import ptBR from './locales/pt-BR.json';
import agentNotices from './locales/parts/agentNotices.json';
import alias from './locales/parts/alias.json';
import audit from './locales/parts/audit.json';
import desktopRecovery from './locales/parts/desktopRecovery.json';
import desktopUpdates from './locales/parts/desktopUpdates.json';
import masking from './locales/parts/masking.json';
import privacy from './locales/parts/privacy.json';
import ratings from './locales/parts/ratings.json';
import reports from './locales/parts/reports.json';
import retention from './locales/parts/retention.json';
import shortcuts from './locales/parts/shortcuts.json';
import supervision from './locales/parts/supervision.json';
import supervisorBoards from './locales/parts/supervisorBoards.json';
import supervisorToday from './locales/parts/supervisorToday.json';

/**
 * Every language's messages: the main file of each, plus feature parts — one JSON file per
 * feature holding its namespace in the three languages, so features are translated side by side.
 */
const PARTS = {
  agentNotices, alias, audit, desktopRecovery, desktopUpdates, masking, privacy, ratings, reports, retention, shortcuts, supervision,
  supervisorBoards, supervisorToday,
} as const;

function withParts<M extends object>(base: M, locale: 'pt-BR' | 'en' | 'es') {
  const parts = Object.fromEntries(Object.entries(PARTS).map(([ns, part]) => [ns, part[locale]]));
  return { ...base, ...parts } as M & { [K in keyof typeof PARTS]: (typeof PARTS)[K]['pt-BR'] };
}

export const MESSAGES = { 'pt-BR': withParts(ptBR, 'pt-BR'), en: withParts(en, 'en'), es: withParts(es, 'es') };
