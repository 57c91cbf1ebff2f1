/** A moment as the agent's language writes it in short, date and time: the one such format on screen. */
export function shortDateTime(at: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' }).format(at);
}

/** A moment as the agent's language writes it, date and time (history, notes, gallery); "—" for none. */
export function formatWhen(at: number | null | undefined, locale: string): string {
  return at ? shortDateTime(at, locale) : '—';
}

/** A day as the agent's language writes it (gallery groups). */
export function formatDay(at: number, locale: string): string {
  return new Date(at).toLocaleDateString(locale, { dateStyle: 'medium' });
}
