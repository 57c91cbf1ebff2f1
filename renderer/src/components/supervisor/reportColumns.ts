import type { ReportFigures } from '@atende/protocol';
import { formatDuration } from './durations';

/**
 * The report table's figure columns (R-RT-06), in the order shown, and how each value reads:
 * counts as numbers of the language, times as durations ("1 min 36 s", never "01:36"), the
 * rating as an average with how many ratings it stands on, the rating's response rate (issue 18)
 * as a percentage. A figure without data reads "—".
 * The p90 is not exact: the server sums first responses into FIRST_RESPONSE_BUCKETS_MS and
 * answers the upper bound of the bucket the 90th percentile falls in, so it reads "≤ 5 min".
 */
export type FigureKind = 'count' | 'duration' | 'bucketBound' | 'rating' | 'share';

export const REPORT_COLUMNS = [
  { id: 'conversations', kind: 'count' },
  { id: 'received', kind: 'count' },
  { id: 'answered', kind: 'count' },
  { id: 'abandoned', kind: 'count' },
  { id: 'transferred', kind: 'count' },
  { id: 'firstResponseAvgMs', kind: 'duration' },
  { id: 'firstResponseP90Ms', kind: 'bucketBound' },
  { id: 'waitAvgMs', kind: 'duration' },
  { id: 'handleAvgMs', kind: 'duration' },
  { id: 'ratingAvg', kind: 'rating' },
  { id: 'ratingResponseRate', kind: 'share' },
] as const satisfies ReadonlyArray<{ id: keyof ReportFigures; kind: FigureKind }>;

export type FigureColumn = (typeof REPORT_COLUMNS)[number];
export type FigureId = FigureColumn['id'];

const NO_VALUE = '—';

export interface FigureFormat {
  count(value: number): string;
  duration(ms: number | null): string;
  /** At most this long: the upper bound of a histogram bucket. */
  bucketBound(ms: number | null): string;
  rating(average: number | null, count: number): string;
  /** A fraction 0–1 as a percentage. */
  share(fraction: number | null): string;
}

/** The formats of one language. */
export function figureFormat(locale: string): FigureFormat {
  const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const score = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 2 });
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  return {
    count: (value) => integer.format(value),
    duration: (ms) => (ms === null ? NO_VALUE : formatDuration(ms, locale)),
    bucketBound: (ms) => (ms === null ? NO_VALUE : `≤ ${formatDuration(ms, locale)}`),
    rating: (average, count) => (average === null ? NO_VALUE : `${score.format(average)} (${integer.format(count)})`),
    share: (fraction) => (fraction === null ? NO_VALUE : percent.format(fraction)),
  };
}

/** The text of one figure of a row. */
export function figureText(format: FigureFormat, column: FigureColumn, figures: ReportFigures): string {
  switch (column.kind) {
    case 'count':
      return format.count(figures[column.id]);
    case 'duration':
      return format.duration(figures[column.id]);
    case 'bucketBound':
      return format.bucketBound(figures[column.id]);
    case 'rating':
      return format.rating(figures.ratingAvg, figures.ratingCount);
    case 'share':
      return format.share(figures[column.id]);
  }
}

/** The value a column sorts by; undefined (no data) sorts last either way. */
export function sortValue(column: FigureColumn, figures: ReportFigures): number | undefined {
  return figures[column.id] ?? undefined;
}

/** A calendar day of the report (YYYY-MM-DD) as the language writes it, e.g. 07/11/2026. */
export const reportDate = (date: string, locale: string): string =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeZone: 'UTC' }).format(Date.parse(`${date}T00:00:00Z`));

/** When the report was generated, in the organisation's time zone (its days are that zone's). */
export const reportMoment = (at: number, timeZone: string, locale: string): string =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short', timeZone }).format(at);
