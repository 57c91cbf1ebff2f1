import { addFigures, emptyTotals, figuresOf, FIRST_RESPONSE_BUCKETS_MS, type Measured } from '@atende/protocol';
import { createdOn, type OrganisationDay } from './todayDay';

/** Conversations per hour and the first-response distribution of the day (R-SV-06 charts). */
const HOUR_MS = 3_600_000;

export interface HourCount {
  /** The hour's first instant (its label is its local time). */
  at: number;
  received: number;
}

/**
 * Received conversations by hour of the organisation's day: one entry per hour the day really
 * has (23 or 25 on a DST change), counted by the hour of their creation.
 */
export function receivedPerHour(conversations: readonly (Measured & { createdAt: number })[], day: OrganisationDay): HourCount[] {
  const hours: HourCount[] = [];
  for (let at = day.start; at < day.end; at += HOUR_MS) hours.push({ at, received: 0 });
  for (const c of conversations) {
    if (!createdOn(day, c) || !figuresOf(c).received) continue;
    const hour = hours[Math.floor((c.createdAt - day.start) / HOUR_MS)];
    if (hour) hour.received += 1;
  }
  return hours;
}

export interface ResponseBucket {
  /** Upper bound (ms) of the bucket; null for the last, open-ended one. */
  upToMs: number | null;
  /** The lower bound (ms): the previous bucket's upper bound. */
  overMs: number;
  count: number;
}

/** The day's first responses in protocol's histogram buckets (FIRST_RESPONSE_BUCKETS_MS). */
export function firstResponseDistribution(conversations: readonly (Measured & { createdAt: number })[], day: OrganisationDay): ResponseBucket[] {
  const totals = emptyTotals();
  for (const c of conversations) if (createdOn(day, c)) addFigures(totals, figuresOf(c));
  return totals.firstResponse.histogram.map((count, i) => ({
    upToMs: FIRST_RESPONSE_BUCKETS_MS[i] ?? null,
    overMs: i === 0 ? 0 : (FIRST_RESPONSE_BUCKETS_MS[i - 1] ?? 0),
    count,
  }));
}
