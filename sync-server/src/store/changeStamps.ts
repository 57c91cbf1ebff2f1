import { DelegatingStore } from './delegate.js';
import type { DocStore, StoredDoc, WriteOptions, WriteResult } from './types.js';

/**
 * Stamps `changedAt` (server ms) on every document a `bulkWrite` creates or edits (issue 8
 * design A.1): the sync index orders each scope's documents by it, so a pull reads a range of
 * that index instead of scanning the change feed, whose order is not write order on a sharded
 * CouchDB (ARCHITECTURE §5). Innermost of the wrappers, so a group commit stamps when it writes,
 * not when a caller queued: a later write never gets an earlier stamp than one committed before it.
 *
 * Replicated writes (`newEdits: false`) keep the stamp they carry: they restore a revision as
 * it was. Design and local documents are store machinery, not data, and stay as given.
 */
class ChangeStampStore extends DelegatingStore {
  /** Never backwards within a process, even if the wall clock is set back. */
  private last = 0;

  constructor(
    inner: DocStore,
    private readonly now: () => number,
  ) {
    super(inner);
  }

  override bulkWrite(docs: StoredDoc[], options?: WriteOptions): Promise<WriteResult[]> {
    if (options?.newEdits === false || docs.length === 0) return this.inner.bulkWrite(docs, options);
    this.last = Math.max(this.last, this.now());
    const changedAt = this.last;
    // Copies: the caller's documents stay as they were (it may retry or cache them).
    const stamped = docs.map((doc) => (isMachinery(doc._id) ? doc : { ...doc, changedAt }));
    return this.inner.bulkWrite(stamped, options);
  }
}

const isMachinery = (id: string): boolean => id.startsWith('_design/') || id.startsWith('_local/');

export function withChangeStamps(inner: DocStore, now: () => number = Date.now): DocStore {
  return new ChangeStampStore(inner, now);
}
