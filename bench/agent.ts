import { performance } from 'node:perf_hooks';
import type { WebSocket } from 'ws';
import type { SyncCheckpoint } from '@atende/protocol';
import { agentSocket, pullPage } from './client.js';

interface Waiter {
  ids: string[];
  after: number;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * An agent the way the desktop client behaves: one socket, a running `messages` checkpoint, and
 * on every `sync.changed` naming `messages` a pull from that checkpoint until a short page. It
 * records when each `sync.changed` arrived and when each message (by externalId) first appeared.
 */
export class AgentWatcher {
  /** performance.now() of every `sync.changed` naming `messages`, ascending. */
  readonly changedAt: number[] = [];
  /** externalId → performance.now() when a pull first returned it. */
  readonly seenAt = new Map<string, number>();
  pulls = 0;
  pages = 0;
  private checkpoint: SyncCheckpoint | null = null;
  private pulling = false;
  private dirty = false;
  private failure: Error | undefined;
  private waiters: Waiter[] = [];
  private ws: WebSocket | undefined;

  private constructor(
    private readonly base: string,
    private readonly token: string,
    private readonly limit: number,
  ) {}

  /** Catches up with everything already in the store, then listens. */
  static async start(base: string, token: string, limit = 100): Promise<AgentWatcher> {
    const watcher = new AgentWatcher(base, token, limit);
    await watcher.drain();
    if (watcher.failure) throw watcher.failure;
    watcher.ws = await agentSocket(base, token, (frame, at) => watcher.frame(frame, at));
    watcher.ws.on('close', () => watcher.fail(new Error('agent socket closed')));
    return watcher;
  }

  /**
   * Resolves when every id has been pulled and a `sync.changed` naming `messages` arrived after
   * `after`; rejects after `timeoutMs` naming what is missing.
   */
  waitFor(ids: string[], after: number, timeoutMs: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        ids, after, resolve, reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          const missing = ids.filter((id) => !this.seenAt.has(id));
          reject(new Error(`after ${timeoutMs} ms ${missing.length}/${ids.length} messages not pulled; ` +
            `sync.changed frames so far: ${this.changedAt.length}; pulls: ${this.pulls}`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
      this.check();
    });
  }

  /** The first `sync.changed` naming `messages` received at or after `t`. */
  firstChangedAfter(t: number): number | undefined {
    return this.changedAt.find((at) => at >= t);
  }

  close(): void {
    this.ws?.removeAllListeners('close');
    this.ws?.terminate();
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new Error('agent closed'));
    }
    this.waiters = [];
  }

  private frame(frame: { type?: unknown; collections?: unknown; collection?: unknown; documents?: unknown; checkpoint?: unknown }, at: number): void {
    if (frame.type === 'sync.docs' && frame.collection === 'messages' && Array.isArray(frame.documents)) {
      // Issue 8: the documents come in the frame itself; no pull.
      this.changedAt.push(at);
      for (const doc of frame.documents as Array<Record<string, unknown>>) {
        const ext = doc.externalId;
        if (doc.type === 'message' && typeof ext === 'string' && !this.seenAt.has(ext)) this.seenAt.set(ext, at);
      }
      if (!this.pulling) this.checkpoint = frame.checkpoint as SyncCheckpoint;
      this.check();
      return;
    }
    if (frame.type !== 'sync.changed') return; // now only a catch-up hint
    if (!Array.isArray(frame.collections) || !frame.collections.includes('messages')) return;
    this.changedAt.push(at);
    this.check();
    void this.drain();
  }

  /** Pulls until exhausted; a wake-up during a pull causes one more round afterwards. */
  private async drain(): Promise<void> {
    this.dirty = true;
    if (this.pulling) return;
    this.pulling = true;
    try {
      while (this.dirty) {
        this.dirty = false;
        this.pulls += 1;
        for (;;) {
          const page = await pullPage(this.base, this.token, 'messages', this.limit, this.checkpoint);
          const at = performance.now();
          this.pages += 1;
          this.checkpoint = page.checkpoint;
          for (const doc of page.documents) {
            const ext = doc.externalId;
            if (doc.type === 'message' && typeof ext === 'string' && !this.seenAt.has(ext)) this.seenAt.set(ext, at);
          }
          this.check();
          if (page.documents.length < this.limit) break;
        }
      }
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.pulling = false;
    }
  }

  private check(): void {
    if (this.waiters.length === 0) return;
    const last = this.changedAt.at(-1) ?? -Infinity;
    this.waiters = this.waiters.filter((w) => {
      if (last < w.after || !w.ids.every((id) => this.seenAt.has(id))) return true;
      clearTimeout(w.timer);
      w.resolve();
      return false;
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(this.failure);
    }
    this.waiters = [];
  }
}
