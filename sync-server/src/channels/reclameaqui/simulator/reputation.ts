import { INTERACTION } from './hugmeContract.js';
import type { HugMeTicket } from './tickets.js';

/**
 * The company's reputation as the fake HugMe answers it, computed from its tickets per period.
 * Model assumptions: the period names (`six_months`, `twelve_months`, `last_year` — the previous
 * calendar year —, `two_years_ago` — the one before —, `overall`), camelCase fields, percentages
 * from 0 to 100 and grades from 0 to 10 with one decimal, and the site's published formula and
 * labels: final grade = (responseIndex·2 + avgGrade·10·3 + solutions%·3 + backDoingBusiness%·2) / 100,
 * "Sem índice" below `minEvaluations` evaluations in the period.
 */

export const REPUTATION_PERIODS = ['six_months', 'twelve_months', 'last_year', 'two_years_ago', 'overall'] as const;
export type ReputationPeriod = (typeof REPUTATION_PERIODS)[number];

export interface Reputation {
  responseIndex: number;
  solutionsPercentage: number;
  finalGrade: number;
  avgGrade: number;
  complaintsCount: number;
  answeredCount: number;
  unansweredCount: number;
  notEvaluatedCount: number;
  backDoingBusinessPercentage: number;
  reputation: { code: string; name: string };
}

/** Reputation labels from the best down; the first whose test passes names the company. */
const LABELS: ReadonlyArray<{ code: string; name: string; min: number }> = [
  { code: 'GREAT', name: 'Ótimo', min: 8 },
  { code: 'GOOD', name: 'Bom', min: 7 },
  { code: 'REGULAR', name: 'Regular', min: 6 },
  { code: 'BAD', name: 'Ruim', min: 5 },
  { code: 'NOT_RECOMMENDED', name: 'Não recomendada', min: Number.NEGATIVE_INFINITY },
];
export const NO_INDEX = { code: 'NO_INDEX', name: 'Sem índice' };
export const RA1000 = { code: 'RA1000', name: 'RA1000' };

const DAY_MS = 24 * 60 * 60_000;

/** Whether a ticket filed at `createdMs` falls in `period` as seen at `nowMs`. */
function inPeriod(period: ReputationPeriod, createdMs: number, nowMs: number): boolean {
  const year = new Date(nowMs).getUTCFullYear();
  const yearOf = new Date(createdMs).getUTCFullYear();
  switch (period) {
    case 'six_months': return createdMs >= nowMs - 182 * DAY_MS;
    case 'twelve_months': return createdMs >= nowMs - 365 * DAY_MS;
    case 'last_year': return yearOf === year - 1;
    case 'two_years_ago': return yearOf === year - 2;
    case 'overall': return true;
  }
}

const pct = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10);
const oneDecimal = (n: number) => Math.round(n * 10) / 10;

export function reputationOf(tickets: readonly HugMeTicket[], period: ReputationPeriod, nowMs: number, minEvaluations: number): Reputation {
  const inside = tickets.filter((t) => inPeriod(period, Date.parse(t.creation_date), nowMs));
  const answered = inside.filter((t) => t.interactions.some((i) => i.ticket_interaction_type_id === INTERACTION.publicAnswer)).length;
  const evaluated = inside.filter((t) => t.rating !== null);
  const responseIndex = pct(answered, inside.length);
  const solutionsPercentage = pct(evaluated.filter((t) => t.resolved_issue).length, evaluated.length);
  const backDoingBusinessPercentage = pct(evaluated.filter((t) => t.back_doing_business).length, evaluated.length);
  const avgGrade = evaluated.length === 0 ? 0 : oneDecimal(evaluated.reduce((sum, t) => sum + (t.rating ?? 0), 0) / evaluated.length);
  const finalGrade = oneDecimal((responseIndex * 2 + avgGrade * 10 * 3 + solutionsPercentage * 3 + backDoingBusinessPercentage * 2) / 100);
  let label: { code: string; name: string } = NO_INDEX;
  if (evaluated.length >= minEvaluations) {
    const ra1000 = evaluated.length >= 50 && responseIndex >= 90 && solutionsPercentage >= 90 && backDoingBusinessPercentage >= 70 && avgGrade >= 7;
    const found = LABELS.find((l) => finalGrade >= l.min);
    label = ra1000 ? RA1000 : { code: found?.code ?? NO_INDEX.code, name: found?.name ?? NO_INDEX.name };
  }
  return {
    responseIndex, solutionsPercentage, finalGrade, avgGrade, complaintsCount: inside.length, answeredCount: answered,
    unansweredCount: inside.length - answered, notEvaluatedCount: inside.length - evaluated.length, backDoingBusinessPercentage,
    reputation: label,
  };
}
