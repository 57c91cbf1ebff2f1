/**
 * Protocol numbers (R-WS-03): unique per conversation and human-readable, `YYYYMMDD-NNNNNN`,
 * the date in the organisation's time zone and a per-day sequence.
 */
const PATTERN = /^(\d{4})(\d{2})(\d{2})-(\d{6,})$/;

export function protocolDay(at: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(new Date(at));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}${get('month')}${get('day')}`;
}

export function formatProtocolNumber(day: string, sequence: number): string {
  if (!/^\d{8}$/.test(day)) throw new RangeError(`bad protocol day: ${day}`);
  if (!Number.isInteger(sequence) || sequence < 1) {
    throw new RangeError(`bad protocol sequence: ${sequence}`);
  }
  return `${day}-${String(sequence).padStart(6, '0')}`;
}

export function parseProtocolNumber(value: string): { day: string; sequence: number } | undefined {
  const m = PATTERN.exec(value);
  if (!m) return undefined;
  return { day: `${m[1]}${m[2]}${m[3]}`, sequence: Number(m[4]) };
}
