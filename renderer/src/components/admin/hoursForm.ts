import { ValidBusinessHours, type BusinessHours } from '@atende/protocol';

/**
 * The "Horários" form (R-RT-03) as plain data: whether the team has hours at all (without them it
 * serves at any time), its time zone, each weekday's intervals, the holidays and the off-hours
 * message. Checked with the protocol's own schema, so the form refuses exactly what the server does.
 */
export interface HoursForm {
  enabled: boolean;
  timeZone: string;
  /** Sunday first, as the protocol. */
  days: Array<Array<{ from: string; to: string }>>;
  holidays: string[];
  offHoursMessage: string;
}

/** A problem named by where it is: the time zone, a weekday (0–6), a holiday (its index), the message. */
export type HoursProblem = 'timeZone' | 'message' | `day.${number}` | `holiday.${number}`;

/** Monday to Friday, 08:00–18:00, in the browser's own time zone: a sensible start. */
export function defaultHoursForm(timeZone: string): HoursForm {
  return {
    enabled: true, timeZone,
    days: [0, 1, 2, 3, 4, 5, 6].map((d) => (d === 0 || d === 6 ? [] : [{ from: '08:00', to: '18:00' }])),
    holidays: [], offHoursMessage: '',
  };
}

export function hoursFormOf(hours: BusinessHours | null, timeZone: string): HoursForm {
  if (!hours) return { ...defaultHoursForm(timeZone), enabled: false };
  return {
    enabled: true, timeZone: hours.timeZone, days: hours.days.map((day) => day.map((i) => ({ ...i }))),
    holidays: [...hours.holidays], offHoursMessage: hours.offHoursMessage,
  };
}

/** The body to send, or the problems to show next to their fields. */
export function hoursBodyOf(form: HoursForm): { body: { businessHours: BusinessHours | null } } | { problems: HoursProblem[] } {
  if (!form.enabled) return { body: { businessHours: null } };
  const parsed = ValidBusinessHours.safeParse({
    timeZone: form.timeZone, days: form.days, holidays: form.holidays, offHoursMessage: form.offHoursMessage,
  });
  if (parsed.success) return { body: { businessHours: parsed.data } };
  const problems = new Set<HoursProblem>();
  for (const issue of parsed.error.issues) {
    const [field, index] = issue.path;
    if (field === 'timeZone') problems.add('timeZone');
    else if (field === 'days' && typeof index === 'number') problems.add(`day.${index}`);
    else if (field === 'holidays' && typeof index === 'number') problems.add(`holiday.${index}`);
    else if (field === 'offHoursMessage') problems.add('message');
  }
  return { problems: [...problems] };
}

/** The time zones offered: the runtime's list, with the team's own kept even when the list lacks it. */
export function timeZones(current: string): string[] {
  const supported = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  const all = new Set([...supported, 'UTC', current].filter(Boolean));
  return [...all].sort();
}
