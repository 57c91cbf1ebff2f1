import { z } from 'zod';
import { Id } from './documents.js';
import { endpoint } from './endpoint.js';

/**
 * Privacy under the LGPD (Lei 13.709/2018, issue 19): retention per team, a customer's data
 * exported or erased on request, personal data masked for those without the right to see it,
 * and an append-only audit of who accessed what. The rules and the REST contract live here once.
 */

/** Retention (issue 19 point 1): finished conversations older than this are purged; at least one month. */
export const RETENTION_MONTHS_MIN = 1;
export const RETENTION_MONTHS_MAX = 120;
export const TeamRetention = z.strictObject({
  months: z
    .number()
    .int('whole months')
    .min(RETENTION_MONTHS_MIN, 'retention must be at least 1 month')
    .max(RETENTION_MONTHS_MAX, 'retention may be at most 120 months (10 years)'),
});
export type TeamRetention = z.infer<typeof TeamRetention>;

/**
 * The instant before which a finished conversation falls out of a retention of `months`
 * (calendar months back from `now`, in UTC: 31 Mar − 1 month = 28/29 Feb... clamped by Date).
 */
export function retentionCutoff(months: number, now: number): number {
  const d = new Date(now);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.getTime();
}

/** Legal hold (issue 19 point 1): on a contact or one conversation; suspends retention and erasure. */
export const LegalHoldBody = z.strictObject({ legalHold: z.boolean() });
export type LegalHoldBody = z.infer<typeof LegalHoldBody>;
export const LegalHoldResponse = z.object({ id: Id, legalHold: z.boolean() });

/** Whether a legal hold keeps a conversation (its own, or its contact's) from retention and erasure. */
export function heldByLaw(conversation: { legalHold?: boolean | undefined }, contact: { legalHold?: boolean | undefined } | undefined): boolean {
  return conversation.legalHold === true || contact?.legalHold === true;
}

/** What an erasure or a retention run removed, by kind of record. */
export const RemovedCounts = z.object({
  contacts: z.number().int().nonnegative(),
  conversations: z.number().int().nonnegative(),
  messages: z.number().int().nonnegative(),
  notes: z.number().int().nonnegative(),
  media: z.number().int().nonnegative(),
  /** Everything else that named the person: address claims, visitor sessions, jobs, ratings records… */
  other: z.number().int().nonnegative(),
});
export type RemovedCounts = z.infer<typeof RemovedCounts>;
export const NO_REMOVALS: RemovedCounts = { contacts: 0, conversations: 0, messages: 0, notes: 0, media: 0, other: 0 };

export const EraseResponse = z.object({ removed: RemovedCounts });
export type EraseResponse = z.infer<typeof EraseResponse>;
/** 409 codes of an erasure: a conversation of the contact is still open; a legal hold is on. */
export const ERASE_REFUSALS = ['conversation_open', 'legal_hold'] as const;

/** Export (issue 19 point 2): a job builds the ZIP; its link works once and expires. */
export const EXPORT_LINK_HOURS = 24;
export const ExportStatus = z.enum(['queued', 'running', 'ready', 'downloaded', 'expired', 'failed']);
export type ExportStatus = z.infer<typeof ExportStatus>;
export const ExportJobResponse = z.object({ jobId: z.string() });
export const ExportStatusResponse = z.object({
  status: ExportStatus,
  /** Present while `ready`: a one-time link, relative to the server (`/api/privacy/exports/:jobId/download?token=…`). */
  downloadUrl: z.string().optional(),
  expiresAt: z.number().int().optional(),
  /** Bytes of the ZIP, once built. */
  size: z.number().int().nonnegative().optional(),
  error: z.string().optional(),
});
export type ExportStatusResponse = z.infer<typeof ExportStatusResponse>;
export const ExportDownloadQuery = z.object({ token: z.string().min(16).max(200) });
/** The JSON document inside the ZIP, and the folder of the files beside it. */
export const EXPORT_JSON_NAME = 'dados.json';
export const EXPORT_FILES_FOLDER = 'arquivos';

/** Retention runs (issue 19 point 1): what each scheduled run removed, for admins. */
export const RetentionRun = z.object({
  id: z.string(),
  startedAt: z.number().int(),
  finishedAt: z.number().int().nullable(),
  status: z.enum(['running', 'done', 'failed']),
  /** Per team: its limit in months, the cutoff applied and what went. */
  teams: z.array(z.object({ teamId: Id, months: z.number().int(), cutoff: z.number().int(), removed: RemovedCounts })),
  /** Conversations that were old enough but kept by a legal hold. */
  held: z.number().int().nonnegative(),
  removed: RemovedCounts,
  error: z.string().nullable(),
});
export type RetentionRun = z.infer<typeof RetentionRun>;
export const RetentionRunsResponse = z.object({ runs: z.array(RetentionRun) });

/** Access audit (issue 19 point 5): append-only; admins list it and export it as CSV. */
export const AuditAction = z.enum([
  'export', // started an export of a contact's data
  'export_download', // downloaded it
  'erase', // erased a contact
  'unmask', // granted (or used) the right to see personal data unmasked
  'other_team_conversation', // opened a conversation of a team they are not in
  'legal_hold', // set or lifted a legal hold
  'retention_run', // a scheduled retention run removed data (actor: the system)
]);
export type AuditAction = z.infer<typeof AuditAction>;
export const AuditEntry = z.object({
  id: z.string(),
  at: z.number().int(),
  action: AuditAction,
  /** The user who acted; null for the system (retention). */
  actorId: Id.nullable(),
  actorName: z.string(),
  /** What it was about: `contact:…`, `conversation:…`, `user:…`, an export job id… Never a name or a number. */
  subjectId: z.string().nullable(),
  /** From where: the client's IP address and user agent as the server saw them. */
  ip: z.string(),
  userAgent: z.string(),
  /** Short, identifier-free details (counts, the permission granted…). */
  detail: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const AuditQuery = z.object({
  from: z.coerce.number().int().nonnegative().optional(),
  to: z.coerce.number().int().nonnegative().optional(),
  action: AuditAction.optional(),
  actorId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  /** Continue after this entry id (the last of the previous page). */
  after: z.string().max(100).optional(),
});
export const AuditResponse = z.object({ entries: z.array(AuditEntry), next: z.string().nullable() });
export const OpenedConversationBody = z.strictObject({ conversationId: Id });

export const PRIVACY_API = {
  privacyExport: endpoint({ method: 'POST', path: '/api/privacy/contacts/:id/export', auth: 'user', summary: "Start an export of one contact's data (admin, supervisor)", response: ExportJobResponse }),
  privacyExportStatus: endpoint({ method: 'GET', path: '/api/privacy/exports/:jobId', auth: 'user', response: ExportStatusResponse }),
  privacyExportDownload: endpoint({ method: 'GET', path: '/api/privacy/exports/:jobId/download', auth: 'none', query: ExportDownloadQuery, summary: 'The ZIP, once, through the link the status gave', response: null }),
  privacyErase: endpoint({ method: 'POST', path: '/api/privacy/contacts/:id/erase', auth: 'user', summary: "Erase one contact's data (admin)", response: EraseResponse }),
  privacyContactHold: endpoint({ method: 'PUT', path: '/api/privacy/contacts/:id/legal-hold', auth: 'user', body: LegalHoldBody, response: LegalHoldResponse }),
  privacyConversationHold: endpoint({ method: 'PUT', path: '/api/privacy/conversations/:id/legal-hold', auth: 'user', body: LegalHoldBody, response: LegalHoldResponse }),
  privacyRunRetention: endpoint({ method: 'POST', path: '/api/privacy/retention/run', auth: 'user', summary: 'Run the retention now (admin); answers when it is done', response: RetentionRun }),
  privacyRetentionRuns: endpoint({ method: 'GET', path: '/api/privacy/retention/runs', auth: 'user', response: RetentionRunsResponse }),
  privacyAudit: endpoint({ method: 'GET', path: '/api/admin/audit', auth: 'user', query: AuditQuery, response: AuditResponse }),
  privacyAuditCsv: endpoint({ method: 'GET', path: '/api/admin/audit.csv', auth: 'user', query: AuditQuery, response: null }),
  privacyOpened: endpoint({ method: 'POST', path: '/api/privacy/opened', auth: 'user', body: OpenedConversationBody, summary: 'The desk tells the audit a conversation of another team was opened', response: null }),
} as const;
