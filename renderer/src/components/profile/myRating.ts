import type { MyRatingResponse } from '@atende/protocol';

type Translate = (key: string, values: Record<string, unknown>) => string;

/** The agent's own average as the menu reads it: "Sua média: 4,7 (12 avaliações)", or that none came yet. */
export function myRatingText(rating: MyRatingResponse, locale: string, t: Translate): string {
  if (rating.average === null || rating.count === 0) return t('ratings.mine.none', {});
  const average = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(rating.average);
  return t('ratings.mine.average', { average, count: rating.count });
}
