import type { Summary } from '@atende/protocol';

/** The rating figures of a counter or a report (issue 18): metrics.ts decides them, this only writes them. */
export type RatingSummary = Pick<Summary, 'ratingAvg' | 'ratingCount' | 'ratingDistribution' | 'ratingRequested' | 'ratingResponseRate'>;

type Translate = (key: string, values: Record<string, unknown>) => string;

export interface RatingTexts {
  /** "4,7 de 5", or "—" with no rating. */
  average: string;
  /** "12 avaliações". */
  count: string;
  /** "71 % (5 de 7)", or "—" when nobody was asked. */
  responseRate: string;
  /** The scores 1–5 and how many ratings gave each (the chart's bars). */
  scores: string[];
  distribution: number[];
}

const NO_VALUE = '—';

export function ratingTexts(s: RatingSummary, locale: string, t: Translate): RatingTexts {
  const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const average = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  return {
    average: s.ratingAvg === null ? NO_VALUE : t('ratings.figures.averageValue', { average: average.format(s.ratingAvg) }),
    count: t('ratings.figures.count', { count: integer.format(s.ratingCount) }),
    responseRate: s.ratingResponseRate === null
      ? NO_VALUE
      : t('ratings.figures.responseRateValue', {
        rate: percent.format(s.ratingResponseRate), answered: integer.format(s.ratingCount), asked: integer.format(s.ratingRequested),
      }),
    scores: [1, 2, 3, 4, 5].map((n) => integer.format(n)),
    distribution: [0, 1, 2, 3, 4].map((i) => s.ratingDistribution[i] ?? 0),
  };
}
