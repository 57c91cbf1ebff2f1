import { stringify } from 'csv-stringify/sync';
import type { ReportFigures, ReportResponse } from '@atende/protocol';
import type { Language } from './labels.js';

/** The figures, and each score's count of ratings (`rating1`…`rating5`, from `ratingDistribution`). */
type Score = 'rating1' | 'rating2' | 'rating3' | 'rating4' | 'rating5';
type Column = Exclude<keyof ReportFigures, 'ratingDistribution'> | Score;
const SCORES: readonly Score[] = ['rating1', 'rating2', 'rating3', 'rating4', 'rating5'];
const COLUMNS: readonly Column[] = [
  'conversations', 'received', 'started', 'answered', 'abandoned', 'finished', 'transferred',
  'firstResponseAvgMs', 'firstResponseP90Ms', 'waitAvgMs', 'handleAvgMs', 'ratingAvg', 'ratingCount',
  ...SCORES, 'ratingRequested', 'ratingResponseRate',
];
const DURATIONS: ReadonlySet<Column> = new Set(['firstResponseAvgMs', 'firstResponseP90Ms', 'waitAvgMs', 'handleAvgMs']);

const HEADERS: Record<Language, Record<ReportResponse['groupBy'], string> & Record<Column, string> & { total: string }> = {
  'pt-BR': {
    team: 'Equipe', agent: 'Agente', channel: 'Canal', disposition: 'Tabulação', tag: 'Etiqueta',
    conversations: 'Conversas', received: 'Recebidas', started: 'Iniciadas pelo agente', answered: 'Atendidas',
    abandoned: 'Abandonadas', finished: 'Finalizadas', transferred: 'Transferidas',
    firstResponseAvgMs: 'Primeira resposta média (s)', firstResponseP90Ms: 'Primeira resposta p90 (s)',
    waitAvgMs: 'Espera média (s)', handleAvgMs: 'Atendimento médio (s)', ratingAvg: 'Avaliação média', ratingCount: 'Avaliações',
    rating1: 'Avaliações nota 1', rating2: 'Avaliações nota 2', rating3: 'Avaliações nota 3', rating4: 'Avaliações nota 4',
    rating5: 'Avaliações nota 5', ratingRequested: 'Avaliações pedidas', ratingResponseRate: 'Taxa de resposta (%)',
    total: 'Total',
  },
  en: {
    team: 'Team', agent: 'Agent', channel: 'Channel', disposition: 'Disposition', tag: 'Tag',
    conversations: 'Conversations', received: 'Received', started: 'Started by agent', answered: 'Answered',
    abandoned: 'Abandoned', finished: 'Finished', transferred: 'Transferred',
    firstResponseAvgMs: 'Average first response (s)', firstResponseP90Ms: 'First response p90 (s)',
    waitAvgMs: 'Average wait (s)', handleAvgMs: 'Average handling (s)', ratingAvg: 'Average rating', ratingCount: 'Ratings',
    rating1: 'Ratings of 1', rating2: 'Ratings of 2', rating3: 'Ratings of 3', rating4: 'Ratings of 4',
    rating5: 'Ratings of 5', ratingRequested: 'Ratings requested', ratingResponseRate: 'Response rate (%)',
    total: 'Total',
  },
  es: {
    team: 'Equipo', agent: 'Agente', channel: 'Canal', disposition: 'Tipificación', tag: 'Etiqueta',
    conversations: 'Conversaciones', received: 'Recibidas', started: 'Iniciadas por el agente', answered: 'Atendidas',
    abandoned: 'Abandonadas', finished: 'Finalizadas', transferred: 'Transferidas',
    firstResponseAvgMs: 'Primera respuesta media (s)', firstResponseP90Ms: 'Primera respuesta p90 (s)',
    waitAvgMs: 'Espera media (s)', handleAvgMs: 'Atención media (s)', ratingAvg: 'Valoración media', ratingCount: 'Valoraciones',
    rating1: 'Valoraciones de 1', rating2: 'Valoraciones de 2', rating3: 'Valoraciones de 3', rating4: 'Valoraciones de 4',
    rating5: 'Valoraciones de 5', ratingRequested: 'Valoraciones pedidas', ratingResponseRate: 'Tasa de respuesta (%)',
    total: 'Total',
  },
};

/**
 * Names are the organisation's own text (teams, agents, tags, dispositions): one starting as a
 * formula (`=`, `+`, `-`, `@`, or a tab or carriage return before one) would run in a spreadsheet
 * (CSV injection, OWASP). Such a cell is written with a leading apostrophe, which spreadsheets
 * read as "text".
 */
export function safeText(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export interface CsvOptions {
  language: Language;
  /** Semicolons and decimal commas, for spreadsheets in pt-BR (and most of Europe). */
  semicolon: boolean;
}

/**
 * A report as CSV (R-RT-06): UTF-8 with a BOM (so spreadsheets read the accents), a header row in
 * the chosen language, one row per group and the total last; times in whole seconds, the rating
 * average with two decimals, the count of each score, the response rate as a percentage with one
 * decimal, empty where nothing was measured.
 */
export function reportCsv(report: ReportResponse, options: CsvOptions): string {
  const headers = HEADERS[options.language];
  const decimal = (value: number, digits: number) => (options.semicolon ? value.toFixed(digits).replace('.', ',') : value.toFixed(digits));
  const cell = (figures: ReportFigures, column: Column): string => {
    const score = SCORES.indexOf(column as Score);
    if (score >= 0) return String(figures.ratingDistribution[score] ?? 0);
    const value = figures[column as Exclude<Column, Score>];
    if (value === null) return '';
    if (DURATIONS.has(column)) return String(Math.round(value / 1000));
    if (column === 'ratingAvg') return decimal(value, 2);
    if (column === 'ratingResponseRate') return decimal(value * 100, 1);
    return String(value);
  };
  const line = (label: string, figures: ReportFigures) => [safeText(label), ...COLUMNS.map((c) => cell(figures, c))];
  return stringify(
    [...report.rows.map((row) => line(row.label, row)), line(headers.total, report.total)],
    {
      bom: true,
      delimiter: options.semicolon ? ';' : ',',
      record_delimiter: 'windows',
      header: true,
      columns: [headers[report.groupBy], ...COLUMNS.map((c) => headers[c])],
    },
  );
}

export const csvFileName = (report: ReportResponse): string => `atende-conversas-${report.groupBy}-${report.from}-${report.to}.csv`;
