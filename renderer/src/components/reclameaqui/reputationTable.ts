import {
  RA_REPUTATION_PERIODS, RA_REPUTATION_REFRESH, type RaAccountReputation, type RaReputation, type RaReputationPeriod,
} from '@atende/protocol';

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

const MINUTE_MS = 60_000;
const AGE_UNITS = [
  { unit: 'day', ms: 24 * 60 * MINUTE_MS },
  { unit: 'hour', ms: 60 * MINUTE_MS },
  { unit: 'minute', ms: MINUTE_MS },
] as const;

/**
 * How old the figures are, as the user's language says it ("há 2 horas", "ontem"): the age
 * matters more than the clock time when judging figures; null under a minute ("agora mesmo").
 */
export function reputationAge(fetchedAt: number, now: number, locale: string): string | null {
  const age = Math.max(0, now - fetchedAt);
  const step = AGE_UNITS.find(({ ms }) => age >= ms);
  if (!step) return null;
  return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(-Math.floor(age / step.ms), step.unit);
}

/** Figures older than two scheduled refreshes: the refreshes are failing, or the server was down. */
export function reputationStale(fetchedAt: number, now: number): boolean {
  return now - fetchedAt > 2 * RA_REPUTATION_REFRESH.everyMinutes * MINUTE_MS;
}

/**
 * An account's section title is its name, as everywhere else; its description, when it says
 * something more, goes beneath.
 */
export function accountHeading(account: Pick<RaAccountReputation, 'name' | 'description'>): { title: string; detail: string | null } {
  const title = account.name;
  return { title, detail: account.name && account.description && account.description !== account.name ? account.description : null };
}

/**
 * Whether the user reads why the last fetch failed: the server's reason speaks of the account's
 * credentials, which only an admin can see and fix; the others get a plain sentence.
 */
export function seesFetchFailureReason(user: { role: string } | undefined): boolean {
  return user?.role === 'admin';
}
