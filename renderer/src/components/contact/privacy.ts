import type { ExportStatusResponse, RemovedCounts, UserDoc } from '@atende/protocol';
import { failedCall } from '../../net/failedCall';

/**
 * The desk's side of a customer's LGPD requests (issue 19, R-PRIV-01/02/03): who is offered which
 * action, what an export's status means on screen, and why an erasure was refused. Pure rules,
 * so they are tested without a server; the screens are `Privacy*.vue`.
 */

export interface PrivacyActions {
  /** "Exportar dados do cliente" (R-PRIV-02). */
  exportData: boolean;
  /** "Excluir dados do cliente" (R-PRIV-03). */
  erase: boolean;
  /** "Retenção legal" on a contact or a conversation (R-PRIV-01). */
  legalHold: boolean;
}

/** Mirrors the server's rules (protocol/privacy.ts API table): agents see none of these actions. */
export function privacyActions(user: Pick<UserDoc, 'role'> | undefined): PrivacyActions {
  const overseer = user?.role === 'admin' || user?.role === 'supervisor';
  return { exportData: overseer, legalHold: overseer, erase: user?.role === 'admin' };
}

/** What the export shows: the job's progress, its one-time link, or why there is none. */
export type ExportView =
  | { kind: 'starting' }
  | { kind: 'working'; status: 'queued' | 'running' }
  /** Still polling after a failed request (offline, server restarting): the job may be fine. */
  | { kind: 'retrying' }
  | { kind: 'ready'; url: string; expiresAt: number | undefined; size: number | undefined }
  | { kind: 'downloaded' }
  | { kind: 'expired' }
  | { kind: 'failed'; error: string }
  /** The request to start it did not reach the server (or it failed): nothing was started. */
  | { kind: 'notStarted' }
  /** The server refused to start or show it (403, 404…): its message. */
  | { kind: 'refused'; message: string };

/** Whether polling goes on after this view. */
export const exportInProgress = (view: ExportView): boolean =>
  view.kind === 'starting' || view.kind === 'working' || view.kind === 'retrying';

/**
 * A status answer as the screen shows it. The link is made absolute against the server (the
 * desktop shell loads the app from its own scheme, R-DT-05), so a plain link downloads it.
 */
export function exportViewOf(status: ExportStatusResponse, server: string, now: number): ExportView {
  switch (status.status) {
    case 'queued':
    case 'running':
      return { kind: 'working', status: status.status };
    case 'ready':
      if (!status.downloadUrl) return { kind: 'failed', error: status.error ?? '' };
      // The server says when; a clock ahead of it must not show a dead link as usable.
      if (status.expiresAt !== undefined && status.expiresAt <= now) return { kind: 'expired' };
      return { kind: 'ready', url: absoluteUrl(status.downloadUrl, server), expiresAt: status.expiresAt, size: status.size };
    case 'downloaded':
      return { kind: 'downloaded' };
    case 'expired':
      return { kind: 'expired' };
    case 'failed':
      return { kind: 'failed', error: status.error ?? '' };
  }
}

/** As net/api reaches the server: its address (which may carry a path) followed by the route. */
function absoluteUrl(link: string, server: string): string {
  if (/^https?:\/\//i.test(link)) return link;
  return `${server.replace(/\/+$/, '')}/${link.replace(/^\/+/, '')}`;
}

/**
 * A failed status or start request. 410: the link was used (or ran out) and the export is gone;
 * network trouble: keep asking; anything else ends it with the server's message.
 */
export function exportViewOfError(error: unknown): ExportView {
  const failure = failedCall(error);
  if (failure.kind !== 'refused') return { kind: 'retrying' };
  if (statusOf(error) === 410) return failure.code === 'link_expired' ? { kind: 'expired' } : { kind: 'downloaded' };
  return { kind: 'refused', message: failure.message };
}

/** net/api's ApiError read by its shape (it needs a browser to load), as net/failedCall does. */
const statusOf = (error: unknown): number | undefined => (error as { status?: unknown } | undefined)?.status as number | undefined;

/** The i18n key (under `privacy.erase.refused.`) saying why an erasure did not happen. */
export type EraseProblem = 'conversation_open' | 'legal_hold' | 'not_found' | 'forbidden' | 'offline' | 'other';

export function eraseProblemOf(error: unknown): { problem: EraseProblem; message: string } {
  const failure = failedCall(error);
  if (failure.kind === 'unreachable') return { problem: 'offline', message: '' };
  if (failure.kind === 'failed') return { problem: 'other', message: error instanceof Error ? error.message : String(error) };
  const { code, message } = failure;
  const status = statusOf(error);
  if (status === 409 && (code === 'conversation_open' || code === 'legal_hold')) return { problem: code, message };
  if (status === 404) return { problem: 'not_found', message };
  if (status === 403) return { problem: 'forbidden', message };
  return { problem: 'other', message };
}

/**
 * The erasure is confirmed by typing the contact's name or the confirmation word ("EXCLUIR"):
 * case, accents' composition and surrounding spaces do not matter; an empty name never matches.
 */
export function confirmsErasure(typed: string, contactName: string, word: string): boolean {
  const norm = (text: string) => text.normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('pt-BR');
  const answer = norm(typed);
  if (answer === '') return false;
  return answer === norm(word) || (norm(contactName) !== '' && answer === norm(contactName));
}

/** The counts an erasure answered, in a fixed order, zeroes left out ("other" last). */
export const COUNT_KINDS = ['contacts', 'conversations', 'messages', 'notes', 'media', 'other'] as const satisfies readonly (keyof RemovedCounts)[];
export function countsShown(removed: RemovedCounts): { kind: (typeof COUNT_KINDS)[number]; count: number }[] {
  return COUNT_KINDS.map((kind) => ({ kind, count: removed[kind] })).filter((row) => row.count > 0);
}
