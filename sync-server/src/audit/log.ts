import { ulid, type AuditAction, type AuditEntry } from '@atende/protocol';
import type { DocStore, StoredDoc } from '../store/index.js';
import { toWire } from '../store/wire.js';

/**
 * The access audit (issue 19 point 5, LGPD): who exported, erased, unmasked or opened a
 * conversation of another team, when and from where. Append-only: every entry is a new
 * server-only document (`audit:<ulid>`, never replicated) written once with no `_rev`, so a
 * second write of the same id is a conflict, and nothing in the server updates or deletes one.
 * Entries never hold a name, a number or a text of the person concerned: only ids and counts,
 * so they survive the erasure of the person they are about.
 */
export const AUDIT_PREFIX = 'audit:';

export interface AuditDoc extends StoredDoc {
  type: 'audit';
  at: number;
  action: AuditAction;
  actorId: string | null;
  actorName: string;
  subjectId: string | null;
  ip: string;
  userAgent: string;
  detail: string;
}

/** Where a request came from, as the edges know it (`clientAddress(req)`, the User-Agent header). */
export interface AuditOrigin {
  ip: string;
  userAgent: string;
}

export interface AuditRecord {
  action: AuditAction;
  /** null: the system (a scheduled retention run). */
  actor: { id: string; name: string } | null;
  subjectId: string | null;
  origin: AuditOrigin | null;
  detail?: string;
  at?: number;
}

/** The system's own origin, for entries no request made. */
export const SYSTEM_ORIGIN: AuditOrigin = { ip: '', userAgent: 'atende-server' };

/** Appends one entry; throws when the store refuses it (an audited action must not pass unrecorded). */
export async function recordAudit(store: DocStore, record: AuditRecord): Promise<AuditEntry> {
  const at = record.at ?? Date.now();
  const doc = auditDocOf({ ...record, at }, `${AUDIT_PREFIX}${ulid(at)}`);
  const [result] = await store.bulkWrite([doc]);
  if (!result?.ok) throw new Error(`audit entry not written: ${result ? result.reason : 'no result'}`);
  return entryOf(doc);
}

/** The document of one entry under the given id (audit/once.ts derives ids that make a repeat conflict). */
export function auditDocOf(record: AuditRecord, id: string): AuditDoc {
  const at = record.at ?? Date.now();
  const origin = record.origin ?? SYSTEM_ORIGIN;
  return {
    _id: id,
    type: 'audit',
    at,
    action: record.action,
    actorId: record.actor?.id ?? null,
    actorName: record.actor?.name ?? '',
    subjectId: record.subjectId,
    ip: origin.ip.slice(0, 100),
    userAgent: origin.userAgent.slice(0, 300),
    detail: (record.detail ?? '').slice(0, 500),
  };
}

export function entryOf(doc: StoredDoc): AuditEntry {
  const wire = toWire<AuditDoc & { id: string }>(doc);
  return {
    id: wire.id,
    at: wire.at,
    action: wire.action,
    actorId: wire.actorId,
    actorName: wire.actorName,
    subjectId: wire.subjectId,
    ip: wire.ip,
    userAgent: wire.userAgent,
    detail: wire.detail,
  };
}
