import { stringify } from 'csv-stringify/sync';
import type { AuditAction, AuditEntry } from '@atende/protocol';
import { safeText } from '../reports/csv.js';

/** The audit's actions in words, as the CSV names them (pt-BR, like the reports' CSV headers). */
const ACTIONS: Record<AuditAction, string> = {
  export: 'Exportou os dados de um contato',
  export_download: 'Baixou uma exportação',
  erase: 'Eliminou os dados de um contato',
  unmask: 'Permissão de ver dados pessoais',
  other_team_conversation: 'Abriu conversa de outra equipe',
  legal_hold: 'Retenção legal',
  retention_run: 'Rotina de retenção',
};

const HEADERS = ['Quando (UTC)', 'Ação', 'Código da ação', 'Quem', 'Id de quem', 'Sobre', 'IP', 'Navegador ou aplicativo', 'Detalhes', 'Id do registro'];

/**
 * The access audit as CSV (R-PRIV-05), for spreadsheets in pt-BR like the reports' (reports/csv.ts):
 * UTF-8 with a BOM, `;` between cells, CRLF lines, a header row. Names, user agents and details
 * come from people and clients: a cell that would start a formula is written as text (`safeText`).
 */
export function auditCsv(entries: readonly AuditEntry[]): string {
  const rows = entries.map((e) => [
    new Date(e.at).toISOString(),
    ACTIONS[e.action],
    e.action,
    safeText(e.actorName || (e.actorId === null ? 'Sistema' : '')),
    e.actorId ?? '',
    safeText(e.subjectId ?? ''),
    safeText(e.ip),
    safeText(e.userAgent),
    safeText(e.detail),
    e.id,
  ]);
  return stringify(rows, { bom: true, delimiter: ';', record_delimiter: 'windows', header: true, columns: HEADERS });
}

export const auditCsvFileName = (now: number): string => `atende-auditoria-${new Date(now).toISOString().slice(0, 10)}.csv`;
