/** A moment as the agent's language writes it, date and time (history, notes, gallery). */
export function formatWhen(at: number | null | undefined, locale: string): string {
  return at ? new Date(at).toLocaleString(locale, { dateStyle: 'short', timeStyle: 'short' }) : '—';
}

/** A day as the agent's language writes it (gallery groups). */
export function formatDay(at: number, locale: string): string {
  return new Date(at).toLocaleDateString(locale, { dateStyle: 'medium' });
}
