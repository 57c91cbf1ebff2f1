import { RA_REPUTATION_PERIODS, type RaAccountReputation, type RaReputation, type RaReputationPeriod } from '@atende/protocol';

/**
 * The reputation panel's figures as text (R-CH-08): one row per measure, one cell per period in
 * `RA_REPUTATION_PERIODS` order. A figure HugMe did not give (null, or a period missing) is "—".
 */
export const MISSING = '—';

/** The measures, in the panel's order; `reputation` is the label row, the rest are numbers. */
export const REPUTATION_ROWS = [
  'reputation', 'finalGrade', 'responseIndex', 'solutionsPercentage', 'backDoingBusinessPercentage', 'avgGrade',
  'complaintsCount', 'answeredCount', 'unansweredCount', 'notEvaluatedCount',
] as const satisfies ReadonlyArray<keyof RaReputation>;
export type ReputationRow = (typeof REPUTATION_ROWS)[number];

type NumberRow = Exclude<ReputationRow, 'reputation'>;
const PERCENT_ROWS: ReadonlySet<NumberRow> = new Set(['responseIndex', 'solutionsPercentage', 'backDoingBusinessPercentage']);
const GRADE_ROWS: ReadonlySet<NumberRow> = new Set(['finalGrade', 'avgGrade']);

/** HugMe's percentages run 0–100: "98,5%" in pt-BR. */
export function formatPercent(value: number | null, locale: string): string {
  if (value === null) return MISSING;
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value / 100);
}

/** Grades run 0–10 with one decimal: "8,3". */
export function formatGrade(value: number | null, locale: string): string {
  if (value === null) return MISSING;
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);
}

export function formatCount(value: number | null, locale: string): string {
  return value === null ? MISSING : new Intl.NumberFormat(locale).format(value);
}

export function formatFigure(row: NumberRow, value: number | null, locale: string): string {
  if (PERCENT_ROWS.has(row)) return formatPercent(value, locale);
  if (GRADE_ROWS.has(row)) return formatGrade(value, locale);
  return formatCount(value, locale);
}

/**
 * The label's text: the translation of a code the panel knows (`known(code)` gives it, else
 * undefined), else HugMe's own name, else "—".
 */
export function reputationLabel(reputation: RaReputation['reputation'] | undefined, known: (code: string) => string | undefined): string {
  if (!reputation) return MISSING;
  return (reputation.code && known(reputation.code)) || reputation.name || MISSING;
}

export interface TableRow {
  row: ReputationRow;
  cells: Record<RaReputationPeriod, string>;
}

/** The whole table of one account. */
export function reputationTable(
  account: Pick<RaAccountReputation, 'periods'>,
  locale: string,
  known: (code: string) => string | undefined,
): TableRow[] {
  return REPUTATION_ROWS.map((row) => {
    const cells = Object.fromEntries(RA_REPUTATION_PERIODS.map((period) => {
      const figures = account.periods[period];
      const text = row === 'reputation' ? reputationLabel(figures?.reputation, known) : figures ? formatFigure(row, figures[row], locale) : MISSING;
      return [period, text];
    })) as Record<RaReputationPeriod, string>;
    return { row, cells };
  });
}
