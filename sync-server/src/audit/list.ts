import type { AuditAction, AuditEntry } from '@atende/protocol';
import type { DocStore, Selector } from '../store/index.js';
import { firstIdAt, ONCE_WINDOW_MS } from './ids.js';
import { AUDIT_PREFIX, entryOf } from './log.js';

export interface AuditFilter {
  /** Entries at or after this instant (ms). */
  from?: number | undefined;
  /** Entries at or before this instant (ms). */
  to?: number | undefined;
  action?: AuditAction | undefined;
  actorId?: string | undefined;
  /** Continue after this id: the last entry of the previous page. */
  after?: string | undefined;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** The id to pass as `after` for the next page; null when this page is the last. */
  next: string | null;
}

/** Above every entry id (ids are `audit:` and 26 characters of Crockford base 32). */
const PAST_LAST = `${AUDIT_PREFIX}\uffff`;

/**
 * One page of the access audit, newest first, paged by id (ids sort by time). The period is an
 * id range read from the store's primary index, so a page costs the entries of that range, never
 * the whole store; the other filters are applied within it.
 */
export async function listAudit(store: DocStore, filter: AuditFilter, limit: number): Promise<AuditPage> {
  const lower = filter.from === undefined ? AUDIT_PREFIX : firstIdAt(Math.max(0, filter.from - ONCE_WINDOW_MS));
  const bounds = [PAST_LAST];
  if (filter.to !== undefined) bounds.push(firstIdAt(filter.to + 1));
  if (filter.after !== undefined) bounds.push(filter.after);
  const upper = bounds.reduce((a, b) => (b < a ? b : a));
  const selector: Selector = { _id: { $gte: lower, $lt: upper }, type: 'audit' };
  if (filter.from !== undefined || filter.to !== undefined) {
    selector.at = { ...(filter.from !== undefined ? { $gte: filter.from } : {}), ...(filter.to !== undefined ? { $lte: filter.to } : {}) };
  }
  if (filter.action !== undefined) selector.action = filter.action;
  if (filter.actorId !== undefined) selector.actorId = filter.actorId;
  const found = await store.find({ selector, sort: [{ _id: 'desc' }], limit: limit + 1 });
  const entries = found.slice(0, limit).map(entryOf);
  return { entries, next: found.length > limit ? (entries.at(-1)?.id ?? null) : null };
}

/** Every entry matching, newest first, at most `max` (the CSV), read a page at a time. */
export async function allAudit(store: DocStore, filter: AuditFilter, max: number): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  let after = filter.after;
  while (entries.length < max) {
    const page = await listAudit(store, { ...filter, after }, Math.min(1000, max - entries.length));
    entries.push(...page.entries);
    if (page.next === null) break;
    after = page.next;
  }
  return entries;
}
