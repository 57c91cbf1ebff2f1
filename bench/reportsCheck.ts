import { emptyTotals, mergeTotals, summarise, type ReportGroup, type ReportResponse } from '@atende/protocol';
import { localDays, type GeneratedData } from './reportsData.js';

/**
 * The reports bench times only right answers: a report's total must equal the figures of the
 * conversations the generator wrote for those days and teams, and each row must count the
 * conversations it wrote with that key. Throws naming the first difference.
 */
export function checkReport(data: GeneratedData, response: ReportResponse, teamIds: readonly string[] | 'all'): void {
  const days = localDays(response.to, Math.round((Date.parse(response.to) - Date.parse(response.from)) / 86_400_000) + 1);
  const totals = emptyTotals();
  const rows = new Map<string, number>();
  const group: ReportGroup = response.groupBy;
  for (const day of days) {
    const expected = data.days[day];
    if (!expected) continue;
    for (const [teamId, t] of Object.entries(expected.teams)) {
      if (teamIds !== 'all' && !teamIds.includes(teamId)) continue;
      mergeTotals(totals, t);
      for (const [key, n] of Object.entries(expected.rows[teamId]?.[group] ?? {})) rows.set(key, (rows.get(key) ?? 0) + n);
    }
  }
  const what = `${response.groupBy} report ${response.from}..${response.to}`;
  const want = summarise(totals);
  for (const [field, value] of Object.entries(want)) {
    const got = (response.total as Record<string, unknown>)[field];
    const same = typeof value === 'number' && typeof got === 'number' ? Math.abs(value - got) <= 1e-6 * Math.max(1, Math.abs(value)) : value === got;
    if (!same) throw new Error(`reports bench: ${what}: total.${field} is ${String(got)}, the data says ${String(value)}`);
  }
  const answered = new Map(response.rows.map((r) => [r.key, r.conversations]));
  for (const [key, n] of rows) {
    if (answered.get(key) !== n) throw new Error(`reports bench: ${what}: row ${key} counts ${answered.get(key) ?? 'nothing'}, the data says ${n}`);
  }
  for (const key of answered.keys()) {
    if (!rows.has(key)) throw new Error(`reports bench: ${what}: row ${key} is not in the data`);
  }
}
