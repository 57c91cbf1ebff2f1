import type { PresenceStatus } from '@atende/protocol';
import { type Bus, redisBusOf, subscribeTopic } from '../bus/index.js';
import { PresenceLeases } from '../bus/presenceLeases.js';
import type { RedisBus } from '../bus/redis.js';

/**
 * Who is online (R-NET-06, R-AUTH-05). A dropped connection shows offline only after a grace
 * period so short network blips do not flap; logging out shows offline at once; a pause lasts
 * through drops and ends with the work session. Calls come from the socket hub of this node and
 * never fail: `onChange` reports every change, on every node.
 */
export interface Presence {
  connected(userId: string): void;
  disconnected(userId: string): void;
  /** Logout: offline now, unless the user still has other signed-in connections. */
  loggedOut(userId: string): void;
  setStatus(userId: string, status: 'online' | 'paused'): void;
  statusOf(userId: string): PresenceStatus;
  snapshot(): Record<string, PresenceStatus>;
  /** When each user's status last changed, as this node saw it (R-SV-01 "time in current status"). */
  sinceSnapshot(): Record<string, number>;
  stop(): void;
}

/** `since`: when the new status began (ms). */
export type PresenceListener = (userId: string, status: PresenceStatus, since: number) => void;

/** Presence across the nodes sharing the bus: in this process alone, or in Redis. */
export function createPresence(bus: Bus, graceMs: number, onChange: PresenceListener, log?: (message: string) => void): Presence {
  const redis = redisBusOf(bus);
  return redis ? new RedisPresence(redis, graceMs, onChange, log) : new PresenceTracker(graceMs, onChange);
}

interface Entry {
  status: PresenceStatus;
  /** When `status` began; absent until it first changes. */
  since?: number;
  paused: boolean;
  connections: number;
  grace?: ReturnType<typeof setTimeout>;
}

/** Presence of a single node, in memory; changes are reported synchronously. */
export class PresenceTracker implements Presence {
  private readonly entries = new Map<string, Entry>();
  private stopped = false;

  constructor(
    private readonly graceMs: number,
    private readonly onChange: PresenceListener,
  ) {}

  private entry(userId: string): Entry {
    let entry = this.entries.get(userId);
    if (!entry) {
      entry = { status: 'offline', paused: false, connections: 0 };
      this.entries.set(userId, entry);
    }
    return entry;
  }

  private set(userId: string, entry: Entry, status: PresenceStatus): void {
    if (entry.status === status) return;
    entry.status = status;
    entry.since = Date.now();
    this.onChange(userId, status, entry.since);
  }

  connected(userId: string): void {
    if (this.stopped) return;
    const entry = this.entry(userId);
    clearTimeout(entry.grace);
    entry.grace = undefined;
    entry.connections += 1;
    this.set(userId, entry, entry.paused ? 'paused' : 'online');
  }

  disconnected(userId: string): void {
    // Sockets closed by stop() must not arm timers that outlive the server.
    if (this.stopped) return;
    const entry = this.entry(userId);
    entry.connections = Math.max(0, entry.connections - 1);
    if (entry.connections > 0 || entry.grace) return;
    entry.grace = setTimeout(() => {
      entry.grace = undefined;
      if (entry.connections === 0) this.set(userId, entry, 'offline');
    }, this.graceMs);
  }

  loggedOut(userId: string): void {
    if (this.stopped) return;
    const entry = this.entry(userId);
    if (entry.connections > 0) return;
    clearTimeout(entry.grace);
    entry.grace = undefined;
    // A pause belongs to a work session: signing in again starts available.
    entry.paused = false;
    this.set(userId, entry, 'offline');
  }

  setStatus(userId: string, status: 'online' | 'paused'): void {
    if (this.stopped) return;
    const entry = this.entry(userId);
    entry.paused = status === 'paused';
    if (entry.connections > 0 || entry.grace) this.set(userId, entry, status);
  }

  statusOf(userId: string): PresenceStatus {
    return this.entries.get(userId)?.status ?? 'offline';
  }

  snapshot(): Record<string, PresenceStatus> {
    return Object.fromEntries([...this.entries].map(([id, e]) => [id, e.status]));
  }

  sinceSnapshot(): Record<string, number> {
    return Object.fromEntries([...this.entries].flatMap(([id, e]) => (e.since === undefined ? [] : [[id, e.since]])));
  }

  stop(): void {
    this.stopped = true;
    for (const entry of this.entries.values()) clearTimeout(entry.grace);
  }
}

/** The shortest lease: a grace of 0 must not make nodes renew in a busy loop. */
const MIN_LEASE_MS = 200;
const MAX_SWEEP_MS = 1_000;

/**
 * Presence shared by several nodes through Redis (see bus/presenceLeases.ts). The grace period is
 * the lease: on a user's last drop this node renews the lease once and stops renewing it, so the
 * user goes offline one grace later unless a socket comes back on any node — and a node that
 * dies stops renewing everything, with the same effect. Every node sweeps for expired leases.
 * Each node keeps a view of the statuses, fed by `presence.changed` on the bus and reconciled
 * with Redis at every renewal, so a missed message heals by itself.
 */
export class RedisPresence implements Presence {
  private readonly leases: PresenceLeases;
  private readonly ttlMs: number;
  /** This node's sockets per user. */
  private readonly held = new Map<string, number>();
  private readonly view = new Map<string, { status: PresenceStatus; seq: number }>();
  /**
   * When each status began, stamped by this node as the change reached it (the leases keep no
   * time): a user already online when this node started has none until their next change.
   */
  private readonly since = new Map<string, number>();
  /** Users missing from the view are offline as of this change sequence. */
  private floor = 0;
  private readonly timers: Array<ReturnType<typeof setInterval>>;
  private readonly unsubscribe: () => void;
  private readonly pending = new Set<Promise<void>>();
  private failing = false;
  private stopped = false;

  constructor(
    private readonly bus: RedisBus,
    graceMs: number,
    private readonly onChange: PresenceListener,
    private readonly log: (message: string) => void = () => {},
  ) {
    this.leases = new PresenceLeases(bus);
    this.ttlMs = Math.max(graceMs, MIN_LEASE_MS);
    this.unsubscribe = subscribeTopic(bus, 'presence.changed', (m) => this.apply(m.userId, m.status, m.seq, true), log);
    this.timers = [
      setInterval(() => this.renew(), this.ttlMs / 3),
      setInterval(() => this.track('sweep', this.leases.sweep()), Math.min(MAX_SWEEP_MS, this.ttlMs / 4)),
    ];
    for (const timer of this.timers) timer.unref();
    this.track('load', this.reconcile());
  }

  connected(userId: string): void {
    if (this.stopped) return;
    const count = (this.held.get(userId) ?? 0) + 1;
    this.held.set(userId, count);
    if (count === 1) this.track('connect', this.leases.hold(this.bus.nodeId, this.ttlMs, [userId]));
  }

  disconnected(userId: string): void {
    if (this.stopped || !this.held.has(userId)) return;
    const count = (this.held.get(userId) ?? 0) - 1;
    if (count > 0) {
      this.held.set(userId, count);
      return;
    }
    this.held.delete(userId);
    // One last renewal, so the grace counts from the drop rather than from the last renewal.
    this.track('drop', this.leases.hold(this.bus.nodeId, this.ttlMs, [userId]));
  }

  loggedOut(userId: string): void {
    if (this.stopped || this.held.has(userId)) return;
    this.track('logout', this.leases.release(this.bus.nodeId, userId));
  }

  setStatus(userId: string, status: 'online' | 'paused'): void {
    if (this.stopped) return;
    this.track('pause', this.leases.pause(userId, status === 'paused'));
  }

  statusOf(userId: string): PresenceStatus {
    return this.view.get(userId)?.status ?? 'offline';
  }

  snapshot(): Record<string, PresenceStatus> {
    return Object.fromEntries([...this.view].map(([id, e]) => [id, e.status]));
  }

  sinceSnapshot(): Record<string, number> {
    return Object.fromEntries(this.since);
  }

  /** Like a node dying: leases are not released, they run out (a restart within grace shows nothing). */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.unsubscribe();
  }

  /** Resolves once the Redis calls made so far have finished (for tests and orderly shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private renew(): void {
    if (this.held.size > 0) this.track('renew', this.leases.hold(this.bus.nodeId, this.ttlMs, [...this.held.keys()]));
    this.track('reconcile', this.reconcile());
  }

  /** `live`: heard as it happened (the bus), rather than found by a reconcile (when, unknown). */
  private apply(userId: string, status: PresenceStatus, seq: number, live = false): void {
    if (this.stopped) return;
    const current = this.view.get(userId);
    if (seq <= (current?.seq ?? this.floor)) return; // older than what this node knows
    this.view.set(userId, { status, seq });
    if ((current?.status ?? 'offline') === status) return;
    // A status this node finds at start-up began at a time it cannot know; a missed change healing
    // later began about now.
    if (live || current) this.since.set(userId, Date.now());
    this.onChange(userId, status, this.since.get(userId) ?? Date.now());
  }

  private async reconcile(): Promise<void> {
    const { seq, statuses } = await this.leases.snapshot();
    for (const [userId, entry] of statuses) this.apply(userId, entry.status, entry.seq);
    for (const [userId, entry] of this.view) {
      if (statuses.has(userId) || entry.seq > seq) continue;
      this.view.delete(userId);
      if (entry.status === 'offline' || this.stopped) continue;
      this.since.set(userId, Date.now());
      this.onChange(userId, 'offline', Date.now());
    }
    this.floor = Math.max(this.floor, seq);
  }

  /** Runs a Redis call in the background; while Redis is unreachable, one log line, not one per call. */
  private track(what: string, work: Promise<unknown>): void {
    const done: Promise<void> = work.then(
      () => {
        if (this.failing) this.log('presence: Redis reachable again');
        this.failing = false;
      },
      (error: unknown) => {
        if (!this.failing) this.log(`presence: ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
        this.failing = true;
      },
    ).finally(() => this.pending.delete(done));
    this.pending.add(done);
  }
}
