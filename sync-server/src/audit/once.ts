import type { AuditEntry } from '@atende/protocol';
import type { DocStore } from '../store/index.js';
import { onceId } from './ids.js';
import { auditDocOf, entryOf, type AuditDoc, type AuditRecord } from './log.js';

export interface OnceRecord {
  record: AuditRecord;
  /** What may be recorded only once per window (e.g. user and conversation). */
  key: string;
}

/**
 * Appends each entry unless one with its key was already written in the same window: the
 * entry's id is derived from the key and the window (audit/ids.ts `onceId`), so a repeat — even
 * two at once, on two nodes — is the store's conflict and is skipped. Its time part is the
 * window's start, so such an entry lists among the window's first; `at` keeps the real moment.
 * Answers the entries written now; throws when the store refuses one for another reason.
 */
export async function recordAuditOnce(store: DocStore, records: readonly OnceRecord[], windowMs: number, now = Date.now()): Promise<AuditEntry[]> {
  if (records.length === 0) return [];
  const byId = new Map<string, AuditDoc>();
  for (const { record, key } of records) {
    const at = record.at ?? now;
    const id = onceId(key, at, windowMs);
    // The same key twice in one call is one entry (a bulk write would conflict with itself).
    if (!byId.has(id)) byId.set(id, auditDocOf({ ...record, at }, id));
  }
  const docs = [...byId.values()];
  const results = await store.bulkWrite(docs);
  const written: AuditEntry[] = [];
  results.forEach((result, i) => {
    const doc = docs[i];
    if (result.ok && doc) written.push(entryOf(doc));
    else if (!result.ok && result.error !== 'conflict') throw new Error(`audit entry not written: ${result.reason}`);
  });
  return written;
}
