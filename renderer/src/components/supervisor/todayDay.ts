import { localDateOf, localDaysRange, type ConversationDoc } from '@atende/protocol';

/**
 * "Today" of the supervisor's counters and charts (R-SV-06): the organisation's calendar day, in
 * its time zone (GET /api/reports/context), so the board and the reports count the same day.
 */
export interface OrganisationDay {
  timeZone: string;
  /** YYYY-MM-DD in `timeZone`. */
  date: string;
  /** [start, end) instants; 23 or 25 hours long on a DST change. */
  start: number;
  end: number;
}

export function organisationDay(timeZone: string, date: string): OrganisationDay {
  return { timeZone, date, ...localDaysRange(timeZone, date, date) };
}

/** The day `at` falls on in `timeZone`. */
export const dayOf = (timeZone: string, at: number): OrganisationDay => organisationDay(timeZone, localDateOf(timeZone, at));

/** This machine's time zone: "today" until the server tells the organisation's. */
export const browserTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** A conversation counts on the day it was created (as in the reports, decision 4). */
export const createdOn = (day: OrganisationDay, c: Pick<ConversationDoc, 'createdAt'>): boolean =>
  c.createdAt >= day.start && c.createdAt < day.end;

/**
 * The replica's conversations changed since the day started plus the open ones (some waiting
 * since yesterday): everything that was created, waited or finished today, once each.
 */
export function mergeById<T extends { id: string; updatedAt: number }>(...lists: ReadonlyArray<readonly T[]>): T[] {
  const byId = new Map<string, T>();
  for (const list of lists) {
    for (const c of list) {
      const known = byId.get(c.id);
      if (!known || c.updatedAt > known.updatedAt) byId.set(c.id, c);
    }
  }
  return [...byId.values()];
}
