import { REPORT_NONE, type ReportGroup } from '@atende/protocol';
import type { DocStore } from '../store/index.js';

export type Language = 'pt-BR' | 'en' | 'es';

/** Channel kinds and "none" rows as people read them, per language (the CSV's and the JSON's labels). */
const CHANNELS: Record<Language, Record<string, string>> = {
  'pt-BR': { webchat: 'Chat do site', whatsapp: 'WhatsApp', telegram: 'Telegram', messenger: 'Messenger', instagram: 'Instagram', reclameaqui: 'Reclame Aqui' },
  en: { webchat: 'Website chat', whatsapp: 'WhatsApp', telegram: 'Telegram', messenger: 'Messenger', instagram: 'Instagram', reclameaqui: 'Reclame Aqui' },
  es: { webchat: 'Chat del sitio', whatsapp: 'WhatsApp', telegram: 'Telegram', messenger: 'Messenger', instagram: 'Instagram', reclameaqui: 'Reclame Aqui' },
};

const NONE: Record<Language, Record<ReportGroup, string>> = {
  'pt-BR': { team: 'Sem equipe', agent: 'Sem agente', channel: 'Sem canal', disposition: 'Sem tabulação', tag: 'Sem etiqueta' },
  en: { team: 'No team', agent: 'No agent', channel: 'No channel', disposition: 'No disposition', tag: 'No tag' },
  es: { team: 'Sin equipo', agent: 'Sin agente', channel: 'Sin canal', disposition: 'Sin tipificación', tag: 'Sin etiqueta' },
};

/**
 * The names of a report's row keys, as stored now: archived teams, disabled users, and
 * dispositions and tags keep their documents, so history keeps its names; a key whose document is
 * gone shows as itself.
 */
export async function labelsOf(store: DocStore, group: ReportGroup, keys: readonly string[], language: Language): Promise<Map<string, string>> {
  const labels = new Map<string, string>();
  const named = keys.filter((key) => key !== REPORT_NONE);
  if (keys.includes(REPORT_NONE)) labels.set(REPORT_NONE, NONE[language][group]);
  if (group === 'channel') {
    for (const key of named) labels.set(key, CHANNELS[language][key] ?? key);
    return labels;
  }
  const docs = await Promise.all(named.map((key) => store.get(key)));
  named.forEach((key, i) => {
    const name = docs[i]?.name;
    labels.set(key, typeof name === 'string' && name !== '' ? name : key);
  });
  return labels;
}
