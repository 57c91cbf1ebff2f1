import {
  LocalDate,
  localDateOf,
  REPORT_MAX_DAYS,
  REPORTS_API,
  type ReportCsvQuery,
  type ReportQuery,
} from '@atende/protocol';

/**
 * The reports' filters (R-RT-06) as pure rules: the period presets in the organisation's calendar,
 * the checks shown beside the date fields (the same the server makes, so a refusal is rare), and
 * the CSV request. Dates are YYYY-MM-DD calendar days; no clock of this machine decides them.
 */
export const REPORT_PRESETS = ['today', 'yesterday', 'last7', 'last30', 'thisMonth', 'lastMonth'] as const;
export type ReportPreset = (typeof REPORT_PRESETS)[number];
/** A preset, or dates the user typed. */
export type ReportPeriod = ReportPreset | 'custom';

export interface DateRange {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const dayNumber = (date: string): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const dateOfDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The calendar day `days` after (or before, when negative) `date`. */
export const addDays = (date: string, days: number): string => dateOfDay(dayNumber(date) + days);

/** A real calendar day written YYYY-MM-DD (not 2026-02-30). */
export const isCalendarDate = (date: string): boolean =>
  LocalDate.test(date) && dateOfDay(dayNumber(date)) === date;

/** How many days [from, to] covers, both included. */
export const daysCovered = (range: DateRange): number => dayNumber(range.to) - dayNumber(range.from) + 1;

const firstOfMonth = (date: string): string => `${date.slice(0, 7)}-01`;

/** The days of a preset, counted from `today` (a date of the organisation's calendar). */
export function presetRange(preset: ReportPreset, today: string): DateRange {
  switch (preset) {
    case 'today':
      return { from: today, to: today };
    case 'yesterday': {
      const yesterday = addDays(today, -1);
      return { from: yesterday, to: yesterday };
    }
    case 'last7':
      return { from: addDays(today, -6), to: today };
    case 'last30':
      return { from: addDays(today, -29), to: today };
    case 'thisMonth':
      return { from: firstOfMonth(today), to: today };
    case 'lastMonth': {
      // The day before the 1st is the last day of the previous month, whatever its length.
      const lastDay = addDays(firstOfMonth(today), -1);
      return { from: firstOfMonth(lastDay), to: lastDay };
    }
  }
}

/** The preset's days at instant `now` in the organisation's time zone. */
export const presetRangeAt = (preset: ReportPreset, timeZone: string, now: number): DateRange =>
  presetRange(preset, localDateOf(timeZone, now));

/** What is wrong with a period, by field: each becomes a message beside its date input. */
export type RangeProblem =
  | { field: 'from' | 'to'; code: 'missing' | 'invalid' }
  | { field: 'to'; code: 'beforeFrom' }
  | { field: 'to'; code: 'tooLong'; maxDays: number };

export function rangeProblems(range: DateRange): RangeProblem[] {
  const problems: RangeProblem[] = [];
  for (const field of ['from', 'to'] as const) {
    const value = range[field];
    if (!value) problems.push({ field, code: 'missing' });
    else if (!isCalendarDate(value)) problems.push({ field, code: 'invalid' });
  }
  if (problems.length > 0) return problems;
  if (range.to < range.from) return [{ field: 'to', code: 'beforeFrom' }];
  if (daysCovered(range) > REPORT_MAX_DAYS) return [{ field: 'to', code: 'tooLong', maxDays: REPORT_MAX_DAYS }];
  return [];
}

export type CsvSeparator = NonNullable<ReportCsvQuery['separator']>;
export type ReportLanguage = NonNullable<ReportCsvQuery['lang']>;

/** Spreadsheets in Brazil and Spanish-speaking countries read `;` (their decimal mark is the comma). */
export const defaultSeparator = (lang: ReportLanguage): CsvSeparator => (lang === 'en' ? 'comma' : 'semicolon');

/** The query of a report, without the fields left out ("all teams"). */
function queryEntries(query: ReportQuery | ReportCsvQuery): Array<[string, string]> {
  return Object.entries(query).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
}

/** The path (with its query) of the CSV of `query`, in `lang` with `separator`. */
export function csvPath(query: ReportQuery, separator: CsvSeparator, lang: ReportLanguage): string {
  const csv: ReportCsvQuery = { ...query, separator, lang };
  return `${REPORTS_API.reportConversationsCsv.path}?${new URLSearchParams(queryEntries(csv)).toString()}`;
}

/** The name the server gave the file (Content-Disposition), else one built like it. */
export function csvFilename(contentDisposition: string | null, query: ReportQuery): string {
  const header = contentDisposition ?? '';
  const encoded = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header)?.[1];
  if (encoded) {
    try {
      return decodeURIComponent(encoded.trim());
    } catch {
      // A malformed encoding: fall through to the plain name.
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header)?.[1]?.trim();
  return plain || `atende-conversas-${query.groupBy}-${query.from}-${query.to}.csv`;
}
