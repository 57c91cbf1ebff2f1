import { DelegatingStore } from './delegate.js';
import type { DocStore, StoredDoc, WriteOptions, WriteResult } from './types.js';

export interface GroupCommitOptions {
  /** Most documents in one underlying write; a single call larger than this still goes whole. */
  maxBatch?: number;
}

const DEFAULTS: Required<GroupCommitOptions> = { maxBatch: 500 };

interface PendingCall {
  docs: StoredDoc[];
  resolve: (results: WriteResult[]) => void;
  reject: (error: unknown) => void;
}

interface Batch {
  calls: PendingCall[];
  size: number;
}

/**
 * Group commit (ARCHITECTURE §5): the `bulkWrite` calls issued in one turn of the event loop go
 * to the store as one bulk write, because one-document writes reach a few hundred per second
 * and bulk writes tens of thousands. Each caller still gets exactly its own per-document
 * results, conflicts included.
 */
class GroupCommitStore extends DelegatingStore {
  private readonly maxBatch: number;
  /** The batches of the current turn, committed in order. */
  private batches: Batch[] = [];
  /** Per id, the batch (index into `batches`) of its last write this turn. */
  private lastBatchOf = new Map<string, number>();
  private flushScheduled = false;
  private readonly commits = new Set<Promise<void>>();

  constructor(inner: DocStore, options: GroupCommitOptions) {
    super(inner);
    const maxBatch = options.maxBatch ?? DEFAULTS.maxBatch;
    if (!Number.isInteger(maxBatch) || maxBatch < 1) {
      throw new RangeError(`group commit: maxBatch must be a positive integer, got ${maxBatch}`);
    }
    this.maxBatch = maxBatch;
  }

  override bulkWrite(docs: StoredDoc[], options?: WriteOptions): Promise<WriteResult[]> {
    // Replicated writes take a different store option, so they cannot share a request.
    if (options?.newEdits === false || docs.length === 0) return this.inner.bulkWrite(docs, options);
    return new Promise((resolve, reject) => {
      this.enqueue({ docs, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * A call joins the first batch with room that comes after every batch already writing one of
   * its ids: two writes of one id in one request would not both get a revision check against
   * the other, so the later one waits for a follow-up batch. A call's own documents stay
   * together (the conflict sweeper writes one id several times on purpose).
   */
  private enqueue(call: PendingCall): void {
    let first = 0;
    for (const doc of call.docs) first = Math.max(first, (this.lastBatchOf.get(doc._id) ?? -1) + 1);
    let index = this.batches.findIndex((b, i) => i >= first && b.size + call.docs.length <= this.maxBatch);
    if (index === -1) {
      index = this.batches.length;
      this.batches.push({ calls: [], size: 0 });
    }
    const batch = this.batches[index];
    if (!batch) throw new Error('group commit: lost a batch'); // unreachable: pushed above
    batch.calls.push(call);
    batch.size += call.docs.length;
    for (const doc of call.docs) this.lastBatchOf.set(doc._id, index);
  }

  private flush(): void {
    const batches = this.batches;
    this.batches = [];
    this.lastBatchOf = new Map();
    this.flushScheduled = false;
    const commit = (async () => {
      for (const batch of batches) await this.commit(batch);
    })();
    this.commits.add(commit);
    void commit.finally(() => this.commits.delete(commit));
  }

  /** One underlying write; its failure fails only this batch's callers. */
  private async commit(batch: Batch): Promise<void> {
    const docs = batch.calls.flatMap((call) => call.docs);
    try {
      const results = await this.inner.bulkWrite(docs);
      if (results.length !== docs.length) {
        throw new Error(`group commit: the store answered ${results.length} results for ${docs.length} documents`);
      }
      let offset = 0;
      for (const call of batch.calls) {
        call.resolve(results.slice(offset, offset + call.docs.length));
        offset += call.docs.length;
      }
    } catch (error) {
      for (const call of batch.calls) call.reject(error);
    }
  }

  /** Waits for the queued and running commits. */
  private async settle(): Promise<void> {
    while (this.flushScheduled || this.commits.size > 0) {
      if (this.flushScheduled) await new Promise<void>((resolve) => setImmediate(resolve));
      else await Promise.all(this.commits);
    }
  }

  /** Writes queued before a purge land first, so the purge removes them too. */
  override async purge(ids: readonly string[]): Promise<number> {
    await this.settle();
    return this.inner.purge(ids);
  }

  /** Lets queued and running commits finish before the store closes under them. */
  override async close(): Promise<void> {
    await this.settle();
    await this.inner.close();
  }
}

export function withGroupCommit(inner: DocStore, options: GroupCommitOptions = {}): DocStore {
  return new GroupCommitStore(inner, options);
}
