import { i18n } from '../../i18n';
import { LOCALES, type Locale } from '../../stores/preferences';

/**
 * Durations as durations (issue 16): "1 min 36 s", "2 h 5 min", "12 s" — never "01:36", which
 * reads like a clock time. Units come from Intl (so each language gets its own abbreviations);
 * only the two largest non-zero units are shown, as a person would say it.
 */
type Unit = 'day' | 'hour' | 'minute' | 'second';
const UNITS: Array<[Unit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

const formatters = new Map<string, Intl.NumberFormat>();
function unitFormat(locale: string, unit: Unit): Intl.NumberFormat {
  const key = `${locale}|${unit}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short' });
    formatters.set(key, format);
  }
  return format;
}

/** `ms` as its two largest units, e.g. "1 min 36 s"; negative times (clock skew) count as zero. */
export function formatDuration(ms: number, locale: string): string {
  let rest = Math.floor(Math.max(0, Number.isFinite(ms) ? ms : 0) / 1000) * 1000;
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    const amount = Math.floor(rest / size);
    rest -= amount * size;
    if (amount > 0 || parts.length > 0) parts.push(amount > 0 ? unitFormat(locale, unit).format(amount) : '');
    if (parts.length === 2) break;
  }
  const shown = parts.filter(Boolean);
  return shown.length > 0 ? shown.join(' ') : unitFormat(locale, 'second').format(0);
}

/** How long ago, as a duration: "há 1 min 36 s", "1 min 36 s ago", "hace 1 min 36 s". */
export function formatAgo(ms: number, locale: string): string {
  const known: Locale = LOCALES.find((l) => l === locale) ?? 'pt-BR';
  return i18n.global.t('supervisorBoards.ago', { duration: formatDuration(ms, locale) }, { locale: known });
}
