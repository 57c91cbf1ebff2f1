import { z } from 'zod';

/**
 * Weekly hours (R-RT-03 business hours of a team, R-AUTH-01 working hours of an agent): for each
 * day of the week (0 = Sunday, as `Date#getDay`), the intervals open, as local "HH:MM" in the
 * time zone that goes with them. A day with no interval is closed.
 */
export const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time is HH:MM (00:00 to 23:59)');
export const HoursInterval = z
  .object({ from: ClockTime, to: ClockTime })
  .refine((i) => i.from < i.to, { message: 'an interval ends after it starts', path: ['to'] });
export const WeeklyHours = z.object({
  /** IANA time zone, e.g. America/Sao_Paulo; checked against the runtime's list where it is read. */
  timeZone: z.string().min(1).max(64),
  /** Seven entries, Sunday first. */
  days: z.array(z.array(HoursInterval).max(4)).length(7),
});
export type WeeklyHours = z.infer<typeof WeeklyHours>;

/** A team's business hours: the week, the dates it is closed, and what customers are told then. */
export const BusinessHours = WeeklyHours.extend({
  /** Local dates (YYYY-MM-DD) the team is closed all day. */
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a holiday is YYYY-MM-DD')).max(366),
  /** Sent once to a customer who writes while the team is closed; empty: none. */
  offHoursMessage: z.string().max(1000),
});
export type BusinessHours = z.infer<typeof BusinessHours>;
