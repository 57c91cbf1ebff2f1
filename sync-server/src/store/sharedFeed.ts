import { massageSelector, rowFilter } from 'pouchdb-selector-core';
import { DelegatingStore } from './delegate.js';
import type { ChangeRow, DocStore, Feed, FollowOptions, Selector, StoredDoc } from './types.js';

interface Listener {
  matches: (doc: StoredDoc) => boolean;
  onChange: (row: ChangeRow) => void;
  onError?: (error: Error) => void;
}

const everything = (): boolean => true;

/**
 * The selector as an in-memory test, with the Mango matcher PouchDB itself filters change
 * feeds with, so a listener sees exactly the rows its own filtered feed would have shown.
 * Undefined when the selector is one the matcher rejects: that follower keeps its own feed.
 */
function matcherOf(selector: Selector | undefined): Listener['matches'] | undefined {
  if (!selector || Object.keys(selector).length === 0) return everything;
  try {
    const massaged = massageSelector(selector);
    const fields = Object.keys(massaged);
    return (doc) => rowFilter(doc, massaged, fields);
  } catch {
    return undefined;
  }
}

/**
 * One change feed per node (ARCHITECTURE §6): every live follow from 'now' — read cache, agent
 * hub, job runner — shares one underlying feed that reads each changed document once, and its
 * rows are matched against each follower's selector in memory. Without it, each follower read
 * every changed document from the store again.
 *
 * Followers receive the same row object and must not mutate it. A follow from a sequence, or
 * asking for `_conflicts`, needs its own feed and passes through. The underlying feed starts
 * with the first follower and stops with the last; its errors reach every follower.
 */
class SharedFeedStore extends DelegatingStore {
  private readonly listeners = new Set<Listener>();
  private shared: Feed | undefined;

  override follow(options: FollowOptions): Feed {
    const matches = options.since === 'now' && !options.conflicts ? matcherOf(options.selector) : undefined;
    if (!matches) return this.inner.follow(options);
    const listener: Listener = { matches, onChange: options.onChange };
    if (options.onError) listener.onError = options.onError;
    this.listeners.add(listener);
    this.shared ??= this.inner.follow({
      since: 'now',
      onChange: (row) => this.dispatch(row),
      onError: (error) => {
        for (const l of this.listeners) l.onError?.(error);
      },
    });
    return { stop: () => this.unfollow(listener) };
  }

  /** Set iteration tolerates a follower stopping itself or another one from its callback. */
  private dispatch(row: ChangeRow): void {
    for (const listener of this.listeners) {
      if (!listener.matches(row.doc)) continue;
      try {
        listener.onChange(row);
      } catch (error) {
        // One follower's failure must not keep the row from the others.
        listener.onError?.(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  private unfollow(listener: Listener): void {
    if (!this.listeners.delete(listener) || this.listeners.size > 0) return;
    this.shared?.stop();
    this.shared = undefined;
  }

  override async close(): Promise<void> {
    this.listeners.clear();
    this.shared?.stop();
    this.shared = undefined;
    await this.inner.close();
  }
}

export function withSharedFeed(inner: DocStore): DocStore {
  return new SharedFeedStore(inner);
}
