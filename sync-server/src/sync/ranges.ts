import type { DocStore, SyncRow } from '../store/index.js';

/** A place in the sync index: rows are ordered by (t, id), t being the server's `changedAt`. */
export interface Position {
  t: number;
  id: string;
}

export const compare = (a: Position, b: Position): number => a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const MIN_CHUNK = 16;
const MAX_CHUNK = 1000;

interface Cursor {
  key: string;
  after: Position;
  buffer: SyncRow[];
  exhausted: boolean;
}

/**
 * Reads several ranges of the sync index (one per scope key of a viewer) as one sequence ordered
 * by (t, id): a k-way merge that refills a range only when its buffer runs dry, so the rows read
 * stay close to the rows consumed. A document under two keys (a conversation and its former team)
 * comes once per key; the caller de-duplicates by id.
 */
export class MergedRanges {
  private readonly cursors: Cursor[];
  /** Index rows fetched from the store: what a pull "touches". */
  read = 0;

  constructor(
    private readonly store: Pick<DocStore, 'syncRange'>,
    private readonly type: string,
    keys: readonly string[],
    after: Position,
  ) {
    this.cursors = keys.map((key) => ({ key, after, buffer: [], exhausted: false }));
  }

  /** The next row in (t, id) order, or undefined when every range is exhausted. `wanted` sizes refills. */
  async next(wanted: number): Promise<SyncRow | undefined> {
    const dry = this.cursors.filter((c) => c.buffer.length === 0 && !c.exhausted);
    if (dry.length > 0) {
      const live = this.cursors.filter((c) => !c.exhausted).length;
      const chunk = Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, Math.ceil(wanted / live)));
      await Promise.all(dry.map((c) => this.refill(c, chunk)));
    }
    let best: Cursor | undefined;
    for (const cursor of this.cursors) {
      const head = cursor.buffer[0];
      const bestHead = best?.buffer[0];
      if (head && (!bestHead || compare(head, bestHead) < 0)) best = cursor;
    }
    return best?.buffer.shift();
  }

  private async refill(cursor: Cursor, limit: number): Promise<void> {
    const rows = await this.store.syncRange({ type: this.type, key: cursor.key, after: cursor.after, limit });
    this.read += rows.length;
    cursor.buffer = rows;
    cursor.exhausted = rows.length < limit;
    const last = rows[rows.length - 1];
    if (last) cursor.after = { t: last.t, id: last.id };
  }
}
