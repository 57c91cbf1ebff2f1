import { API, pathOf, type AuditAction, type AuditEntry, type ErrorBody } from '@atende/protocol';
import { accessToken, ApiError, serverUrl } from '../../net/api';
import { call } from '../../net/client';
import { forgetAccessToken } from '../../net/tokens';

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

/**
 * The CSV saved as a file: the route wants the bearer token, which a plain link cannot send, so
 * the bytes are fetched and handed to the browser through a blob: URL under the server's file
 * name (as the reports' CSV, supervisor/reportDownload.ts). Resolves with that name.
 */
export async function downloadAuditCsv(filters: AuditFilters, retried = false): Promise<string> {
  const token = await accessToken();
  if (!token) throw new ApiError(401, 'unauthenticated', 'Sessão encerrada');
  let response: Response;
  try {
    response = await fetch(`${serverUrl()}${pathOf(API.privacyAuditCsv.path)}?${auditQuery(filters)}`, { headers: { Authorization: `Bearer ${token}` } });
  } catch {
    throw new ApiError(0, 'network', 'Sem conexão com o servidor');
  }
  if (response.status === 401 && !retried) {
    forgetAccessToken();
    return downloadAuditCsv(filters, true);
  }
  if (!response.ok) {
    const error = (await response.json().catch(() => ({}))) as Partial<ErrorBody>;
    throw new ApiError(response.status, error.error ?? 'http_error', error.message ?? `HTTP ${response.status}`);
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? 'atende-auditoria.csv';
  const url = URL.createObjectURL(await response.blob());
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.click();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
  return name;
}
