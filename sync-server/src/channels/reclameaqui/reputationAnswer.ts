import { RA_REPUTATION_PERIODS, type RaReputation, type RaReputationPeriod } from '@atende/protocol';
import { RA_LABEL_MAX } from './ticketSchema.js';

/**
 * HugMe's reputation answer (`GET /companies/v1/companies/{id}/reputation`), read loosely: the
 * shape is a model assumption (CHANNELS.md names only some fields), so a field that is missing or
 * not a number becomes null (the panel shows "—") instead of failing the whole answer; numbers
 * sent as strings are accepted. A period HugMe leaves out is left out.
 */
export type ReputationPeriods = Partial<Record<RaReputationPeriod, RaReputation>>;

type Loose = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is Loose => typeof value === 'object' && value !== null && !Array.isArray(value);

function numberOf(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

function countOf(value: unknown): number | null {
  const n = numberOf(value);
  return n !== null && Number.isInteger(n) && n >= 0 ? n : null;
}

/** A label's text as the panel shows it: a string, cut to RA_LABEL_MAX (it is HugMe's, shown to every agent). */
const labelTextOf = (value: unknown): string => (typeof value === 'string' ? value.slice(0, RA_LABEL_MAX) : '');

function labelOf(value: unknown): RaReputation['reputation'] {
  if (!isObject(value)) return { code: '', name: '' };
  return { code: labelTextOf(value.code), name: labelTextOf(value.name) };
}

function reputationOfPeriod(raw: Loose): RaReputation {
  return {
    reputation: labelOf(raw.reputation),
    finalGrade: numberOf(raw.finalGrade),
    responseIndex: numberOf(raw.responseIndex),
    solutionsPercentage: numberOf(raw.solutionsPercentage),
    backDoingBusinessPercentage: numberOf(raw.backDoingBusinessPercentage),
    avgGrade: numberOf(raw.avgGrade),
    complaintsCount: countOf(raw.complaintsCount),
    answeredCount: countOf(raw.answeredCount),
    unansweredCount: countOf(raw.unansweredCount),
    notEvaluatedCount: countOf(raw.notEvaluatedCount),
  };
}

/** The periods the panel shows, or undefined when the answer has no `periods` object at all. */
export function reputationPeriodsOf(answer: unknown): ReputationPeriods | undefined {
  if (!isObject(answer) || !isObject(answer.periods)) return undefined;
  const periods: ReputationPeriods = {};
  for (const period of RA_REPUTATION_PERIODS) {
    const raw = answer.periods[period];
    if (isObject(raw)) periods[period] = reputationOfPeriod(raw);
  }
  return periods;
}
