import type { PresenceStatus } from '@atende/protocol';

interface Entry {
  status: PresenceStatus;
  paused: boolean;
  connections: number;
  grace?: ReturnType<typeof setTimeout>;
}

/**
 * Who is online (R-NET-06, R-AUTH-05). A dropped connection shows offline only after a grace
 * period so short network blips do not flap; logging out shows offline at once.
 */
export class PresenceTracker {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly graceMs: number,
    private readonly onChange: (userId: string, status: PresenceStatus) => void,
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
    this.onChange(userId, status);
  }

  connected(userId: string): void {
    const entry = this.entry(userId);
    clearTimeout(entry.grace);
    entry.grace = undefined;
    entry.connections += 1;
    this.set(userId, entry, entry.paused ? 'paused' : 'online');
  }

  disconnected(userId: string): void {
    const entry = this.entry(userId);
    entry.connections = Math.max(0, entry.connections - 1);
    if (entry.connections > 0 || entry.grace) return;
    entry.grace = setTimeout(() => {
      entry.grace = undefined;
      if (entry.connections === 0) this.set(userId, entry, 'offline');
    }, this.graceMs);
  }

  /** Logout: offline now, unless the user still has other signed-in connections. */
  loggedOut(userId: string): void {
    const entry = this.entry(userId);
    if (entry.connections > 0) return;
    clearTimeout(entry.grace);
    entry.grace = undefined;
    // A pause belongs to a work session: signing in again starts available.
    entry.paused = false;
    this.set(userId, entry, 'offline');
  }

  setStatus(userId: string, status: 'online' | 'paused'): void {
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

  stop(): void {
    for (const entry of this.entries.values()) clearTimeout(entry.grace);
  }
}
