import { API, pathOf, type AuditAction, type AuditEntry } from '@atende/protocol';
import { call } from '../../net/client';
import { fetchAuthorised, saveAs } from '../../net/fileDownload';

/** What the admin filters the access audit by (R-PRIV-05): an action, a period of whole local days. */
export interface AuditFilters {
  action: AuditAction | '';
  /** `AAAA-MM-DD` in the admin's time zone, or empty. */
  from: string;
  to: string;
}

export const AUDIT_PAGE = 50;

/** Midnight of a local day, or the last millisecond of it; undefined for an empty or impossible date. */
function dayBound(day: string, end: boolean): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (Number.isNaN(date.getTime())) return undefined;
  return end ? date.getTime() + 24 * 60 * 60 * 1000 - 1 : date.getTime();
}

/** The query string the list and the CSV share. */
export function auditQuery(filters: AuditFilters, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams();
  if (filters.action) query.set('action', filters.action);
  const from = dayBound(filters.from, false);
  const to = dayBound(filters.to, true);
  if (from !== undefined) query.set('from', String(from));
  if (to !== undefined) query.set('to', String(to));
  for (const [key, value] of Object.entries(extra)) query.set(key, value);
  return query.toString();
}

/** One page, newest first; `after` continues from the last entry shown. */
export function loadAuditPage(filters: AuditFilters, after: string | null): Promise<{ entries: AuditEntry[]; next: string | null }> {
  const from = dayBound(filters.from, false);
  const to = dayBound(filters.to, true);
  return call(API.privacyAudit, {
    query: {
      limit: AUDIT_PAGE,
      ...(filters.action ? { action: filters.action } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      ...(after ? { after } : {}),
    },
  });
}

/** The CSV saved as a file under the server's name (net/fileDownload.ts, as the reports' CSV); resolves with that name. */
export async function downloadAuditCsv(filters: AuditFilters): Promise<string> {
  const response = await fetchAuthorised(`${pathOf(API.privacyAuditCsv.path)}?${auditQuery(filters)}`);
  return saveAs(response, /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? 'atende-auditoria.csv');
}
