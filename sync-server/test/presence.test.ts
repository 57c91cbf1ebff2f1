import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PresenceStatus } from '@atende/protocol';
import { PresenceTracker } from '../src/realtime/presence.js';

describe('PresenceTracker', () => {
  let changes: Array<[string, PresenceStatus]>;
  let tracker: PresenceTracker;
  beforeEach(() => {
    vi.useFakeTimers();
    changes = [];
    tracker = new PresenceTracker(30_000, (userId, status) => changes.push([userId, status]));
  });
  afterEach(() => {
    tracker.stop();
    vi.useRealTimers();
  });

  it('R-NET-06 a drop shows offline only after the 30 s grace, and not at all when the agent is back in time', () => {
    tracker.connected('user:ana');
    tracker.disconnected('user:ana');
    vi.advanceTimersByTime(29_999);
    expect(tracker.statusOf('user:ana')).toBe('online');
    tracker.connected('user:ana');
    vi.advanceTimersByTime(60_000);
    expect(changes).toEqual([['user:ana', 'online']]);
    tracker.disconnected('user:ana');
    vi.advanceTimersByTime(30_000);
    expect(changes).toEqual([['user:ana', 'online'], ['user:ana', 'offline']]);
  });

  it('R-NET-06 one of two windows closing keeps the agent online', () => {
    tracker.connected('user:ana');
    tracker.connected('user:ana');
    tracker.disconnected('user:ana');
    vi.advanceTimersByTime(120_000);
    expect(tracker.statusOf('user:ana')).toBe('online');
  });

  it('R-AUTH-05 logout is offline at once, and the next sign-in starts available rather than paused', () => {
    tracker.connected('user:ana');
    tracker.setStatus('user:ana', 'paused');
    tracker.disconnected('user:ana');
    tracker.loggedOut('user:ana');
    expect(tracker.statusOf('user:ana')).toBe('offline');
    tracker.connected('user:ana');
    expect(changes.map(([, s]) => s)).toEqual(['online', 'paused', 'offline', 'online']);
  });

  it('R-WS-09 a pause survives a short drop', () => {
    tracker.connected('user:ana');
    tracker.setStatus('user:ana', 'paused');
    tracker.disconnected('user:ana');
    tracker.connected('user:ana');
    expect(tracker.statusOf('user:ana')).toBe('paused');
  });
});
