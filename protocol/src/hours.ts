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

/** Whether the runtime knows the IANA time zone (Intl throws a RangeError for an unknown one). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Business hours as an admin sends them: a time zone the runtime knows, no day with overlapping intervals. */
export const ValidBusinessHours = BusinessHours.superRefine((h, ctx) => {
  if (!isValidTimeZone(h.timeZone)) {
    ctx.addIssue({ code: 'custom', message: 'unknown time zone (use an IANA name such as America/Sao_Paulo)', path: ['timeZone'] });
  }
  h.days.forEach((day, d) => {
    const sorted = [...day].sort((a, b) => (a.from < b.from ? -1 : 1));
    for (let i = 1; i < sorted.length; i++) {
      if ((sorted[i]?.from ?? '') < (sorted[i - 1]?.to ?? '')) {
        ctx.addIssue({ code: 'custom', message: 'the intervals of a day overlap', path: ['days', d] });
        return;
      }
    }
  });
});

/** A moment as read on the wall clock of a time zone. */
export interface LocalTime {
  /** YYYY-MM-DD */
  date: string;
  /** 0 = Sunday. */
  weekday: number;
  /** HH:MM */
  time: string;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
// Building a formatter is costly; one per time zone is kept for the process's life.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local date, weekday and time of `at` in `timeZone` (DST included: Intl knows the rules). */
export function localTimeOf(timeZone: string, at: number): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatterOf(timeZone).formatToParts(at)) parts[p.type] = p.value;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, weekday: WEEKDAYS.indexOf(parts.weekday ?? ''), time: `${parts.hour}:${parts.minute}` };
}

/**
 * Whether `time` falls in an interval: from its start, up to (not including) its end — except an
 * end of 23:59, which runs to midnight, as "HH:MM" cannot say 24:00.
 */
const within = (i: { from: string; to: string }, time: string) => time >= i.from && (time < i.to || i.to === '23:59');

/** R-RT-03 / R-AUTH-01: open at `at` by the week's intervals, read in the hours' own time zone; closed on a holiday. */
export function isOpenAt(hours: WeeklyHours | BusinessHours, at: number): boolean {
  const local = localTimeOf(hours.timeZone, at);
  if ('holidays' in hours && hours.holidays.includes(local.date)) return false;
  return (hours.days[local.weekday] ?? []).some((i) => within(i, local.time));
}

/** The UTC instant of a wall-clock time in a time zone (a time skipped by DST lands just after the gap). */
function instantOf(timeZone: string, y: number, m: number, d: number, time: string): number {
  const [h, min] = time.split(':').map(Number);
  const wall = Date.UTC(y, m, d, h ?? 0, min ?? 0);
  const offsetAt = (t: number) => {
    const l = localTimeOf(timeZone, t);
    const [ly, lm, ld] = l.date.split('-').map(Number);
    const [lh, lmin] = l.time.split(':').map(Number);
    return Date.UTC(ly ?? 0, (lm ?? 1) - 1, ld ?? 1, lh ?? 0, lmin ?? 0) - Math.floor(t / 60_000) * 60_000;
  };
  // Twice: the offset at the first guess may differ from the one at the answer across a DST change.
  const first = wall - offsetAt(wall);
  return wall - offsetAt(first);
}

/** How far ahead the next opening is looked for: a year of holidays and a week. */
const SEARCH_DAYS = 373;

/**
 * The next moment the hours open after `at` (`at` itself when open), or null when they never do
 * within a year (no interval on any day, or every open day a holiday). For the widget's "abre …".
 */
export function nextOpening(hours: WeeklyHours | BusinessHours, at: number): number | null {
  if (isOpenAt(hours, at)) return at;
  const today = localTimeOf(hours.timeZone, at).date.split('-').map(Number);
  for (let i = 0; i < SEARCH_DAYS; i++) {
    const day = new Date(Date.UTC(today[0] ?? 0, (today[1] ?? 1) - 1, (today[2] ?? 1) + i));
    const intervals = [...(hours.days[day.getUTCDay()] ?? [])].sort((a, b) => (a.from < b.from ? -1 : 1));
    for (const interval of intervals) {
      const candidate = instantOf(hours.timeZone, day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), interval.from);
      if (candidate > at && isOpenAt(hours, candidate)) return candidate;
    }
  }
  return null;
}

/** Whether a team takes customers now (R-RT-03): no business hours means always. */
export function teamAvailability(hours: BusinessHours | null | undefined, at: number): { online: boolean; nextOpening: number | null } {
  if (!hours) return { online: true, nextOpening: null };
  const online = isOpenAt(hours, at);
  return { online, nextOpening: online ? null : nextOpening(hours, at) };
}
