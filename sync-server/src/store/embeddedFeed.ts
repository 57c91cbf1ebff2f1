import type PouchDB from 'pouchdb-node';
import type { ChangeRow, Feed, FollowOptions, Selector, StoredDoc } from './types.js';

interface PouchChange {
  id: string;
  seq: number | string;
  deleted?: boolean;
  doc?: StoredDoc;
}
type PouchFeed = { cancel(): void };

export function toRow(change: PouchChange): ChangeRow {
  return {
    id: change.id,
    seq: String(change.seq),
    deleted: change.deleted === true,
    doc: (change.doc ?? { _id: change.id, _deleted: true }) as StoredDoc,
  };
}

/**
 * One live follow of the embedded store. It remembers the last sequence it delivered, so it can
 * be paused (its PouchDB feed cancelled while a purge closes and reopens the LevelDBs under
 * PouchDB, store/embeddedPurge.ts) and resumed from there without losing or repeating a row.
 */
class LiveFollow {
  private position: number | undefined;
  private feed: PouchFeed | undefined;
  private paused = false;
  stopped = false;

  constructor(
    private readonly db: PouchDB,
    private readonly options: FollowOptions,
  ) {
    if (options.since !== 'now') {
      this.position = Number(options.since) || 0;
      this.start();
      return;
    }
    // 'now' pinned to a number (as PouchDB itself does), so a pause before the first row knows where to resume.
    db.info().then(
      (info) => {
        this.position = Number(info.update_seq) || 0;
        if (!this.paused) this.start();
      },
      (error: unknown) => this.options.onError?.(error instanceof Error ? error : new Error(String(error))),
    );
  }

  private start(): void {
    if (this.stopped || this.feed || this.position === undefined) return;
    const options: { live: true; include_docs: true; since: number; selector?: Selector; conflicts?: boolean } = {
      live: true,
      include_docs: true,
      since: this.position,
    };
    if (this.options.selector) options.selector = this.options.selector;
    if (this.options.conflicts) options.conflicts = true;
    const feed = this.db.changes(options);
    feed.on('change', (change) => {
      if (this.feed !== feed) return;
      this.position = Number(change.seq);
      this.options.onChange(toRow(change));
    });
    feed.on('error', (error) => {
      if (this.feed !== feed) return;
      this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
    });
    this.feed = feed;
  }

  pause(): void {
    this.paused = true;
    this.feed?.cancel();
    this.feed = undefined;
  }

  resume(): void {
    this.paused = false;
    this.start();
  }

  stop(): void {
    this.stopped = true;
    this.pause();
  }
}

/** The embedded store's live follows, paused and resumed together. */
export class LiveFollows {
  private readonly follows = new Set<LiveFollow>();

  constructor(private readonly db: PouchDB) {}

  follow(options: FollowOptions): Feed {
    const live = new LiveFollow(this.db, options);
    this.follows.add(live);
    return {
      stop: () => {
        live.stop();
        this.follows.delete(live);
      },
    };
  }

  pause(): void {
    for (const live of this.follows) live.pause();
  }

  resume(): void {
    for (const live of this.follows) live.resume();
  }

  stopAll(): void {
    for (const live of this.follows) live.stop();
    this.follows.clear();
  }
}
