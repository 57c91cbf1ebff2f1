import type { ConversationDoc } from '@atende/protocol';
import { START_SEQ, type DocStore, type Feed, type StoredDoc } from '../store/index.js';
import { deliveryJob, wants } from './deliveryJobs.js';
import { deriveEvents, EVENT_SOURCE_TYPES, publicConversation, type DeriveContext } from './events.js';
import { WEBHOOK_DOC_TYPE, type WebhookDoc } from './types.js';
import type { JobDoc } from '../jobs/types.js';

export interface EventFeedOptions {
  /** The webhooks as stored now (enabled or not). */
  webhooks: () => Promise<WebhookDoc[]>;
  log: (message: string) => void;
  pageSize?: number;
  /** Safety net when no change wakes the feed (a failed read is retried by it too). */
  pollMs?: number;
}

/** Where the feed has read up to: one document every node moves forward. */
export const CURSOR_ID = 'outgoingwebhookcursor:events';
const SELECTOR = { type: { $in: [...EVENT_SOURCE_TYPES] } };
/** Job ids written lately: a conversation's every change names its `created` event again; this spares the conflicting write. */
const RECENT_MAX = 20_000;

/**
 * Turns store changes into delivery jobs (R-RT-05). It reads the changes feed in pages from a
 * persisted checkpoint and moves the checkpoint only after the page's jobs are written, so a crash
 * or a restart reads the page again instead of losing it; the deterministic job ids make a second
 * reading (or a second node reading the same page) write nothing new. While no webhook is enabled
 * nothing is read: the checkpoint stays, and events of that time are older than any webhook
 * enabled later (`activeSince`), so none is sent.
 */
export class WebhookEventFeed {
  private readonly pageSize: number;
  private readonly pollMs: number;
  private wakeFeed: Feed | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly recent = new Set<string>();

  constructor(
    private readonly store: DocStore,
    private readonly options: EventFeedOptions,
  ) {
    this.pageSize = options.pageSize ?? 200;
    this.pollMs = options.pollMs ?? 30_000;
  }

  start(): void {
    this.wakeFeed = this.store.follow({
      since: 'now',
      // Its own webhooks too: the first one enabled starts the reading.
      selector: { type: { $in: [...EVENT_SOURCE_TYPES, WEBHOOK_DOC_TYPE] } },
      onChange: () => this.wake(),
      onError: (error) => this.options.log(`webhooks: change feed failed: ${error.message}`),
    });
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeFeed?.stop();
    clearTimeout(this.timer);
    await this.running;
  }

  readonly wake = (): void => {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.stopped) return;
      this.timer = setTimeout(this.wake, this.pollMs);
      this.timer.unref();
    });
  };

  private async drain(): Promise<void> {
    do {
      this.again = false;
      try {
        while (!this.stopped && (await this.readPage())) {
          // A full page: there is more to read.
        }
      } catch (error) {
        this.options.log(`webhooks: reading events failed (retried): ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
    } while (this.again && !this.stopped);
  }

  /**
   * One page of changes → their jobs → the checkpoint. True when the page was full. The webhooks
   * are read after the page, so every webhook written before one of its events is known; those
   * created later skip the event by their `activeSince`.
   */
  private async readPage(): Promise<boolean> {
    if (!(await this.options.webhooks()).some((w) => w.enabled)) return false;
    const cursor = await this.store.get(CURSOR_ID, { fresh: true });
    const since = typeof cursor?.seq === 'string' ? cursor.seq : START_SEQ;
    const page = await this.store.changes({ since, limit: this.pageSize, selector: SELECTOR });
    const webhooks = page.results.length > 0 ? await this.options.webhooks() : [];
    const jobs: JobDoc[] = [];
    const context = this.context();
    for (const row of page.results) {
      if (row.deleted) continue;
      for (const event of await deriveEvents(row.doc, context)) {
        for (const webhook of webhooks) {
          if (!wants(webhook, event)) continue;
          const job = deliveryJob(webhook, event);
          if (!this.recent.has(job._id)) jobs.push(job);
        }
      }
    }
    if (jobs.length > 0) {
      const results = await this.store.bulkWrite(jobs);
      const failed = results.find((r) => !r.ok && r.error !== 'conflict');
      if (failed && !failed.ok) throw new Error(`write ${failed.id}: ${failed.reason}`);
      if (this.recent.size + jobs.length > RECENT_MAX) this.recent.clear();
      for (const job of jobs) this.recent.add(job._id);
    }
    // Nothing of ours in the page: the checkpoint stays (no write per unrelated change); the next read passes over those again.
    if (page.results.length > 0) await this.advance(cursor, page.lastSeq);
    return page.results.length >= this.pageSize;
  }

  /**
   * Written against the revision read before the page: when another node moved the checkpoint
   * meanwhile, its position stands (it read at least as far) and this one is dropped.
   */
  private async advance(cursor: StoredDoc | undefined, seq: string): Promise<void> {
    const doc: StoredDoc = { _id: CURSOR_ID, type: 'outgoingWebhookCursor', seq, updatedAt: Date.now() };
    if (cursor?._rev) doc._rev = cursor._rev;
    const [result] = await this.store.bulkWrite([doc]);
    if (result && !result.ok && result.error !== 'conflict') throw new Error(`write ${CURSOR_ID}: ${result.reason}`);
  }

  /** Conversations read once per page. */
  private context(): DeriveContext {
    const seen = new Map<string, Promise<ConversationDoc | undefined>>();
    return {
      conversation: (id) => {
        let found = seen.get(id);
        if (!found) {
          found = this.store.get(id).then((doc) => (doc && !doc._deleted ? publicConversation(doc) : undefined));
          seen.set(id, found);
        }
        return found;
      },
    };
  }
}
