import { describe, expect, it } from 'vitest';
import {
  ClientFrame, nextEntry, isCurrent, observersOf, ServerFrame, VIEWING_RENEW_MS, VIEWING_TTL_MS, type CollisionEntry,
} from '../src/index.js';

/** R-WS-17: the collision frames and the rules observers apply to them (expiry, who to name). */
describe('R-WS-17 collision frames', () => {
  it('R-WS-17 a viewing frame names one conversation and a boolean, nothing else', () => {
    const conversationId = 'conversation:abc';
    expect(ClientFrame.parse({ type: 'viewing', conversationId, viewing: true })).toEqual({ type: 'viewing', conversationId, viewing: true });
    for (const bad of [
      { type: 'viewing', conversationId, viewing: 'yes' },
      { type: 'viewing', conversationId },
      { type: 'viewing', conversationId: '../x', viewing: true },
      { type: 'viewing', conversationId, viewing: true, userId: 'user:bruno' },
    ]) expect(ClientFrame.safeParse(bad).success).toBe(false);
  });

  it('R-WS-17 a collision frame carries one of the four states', () => {
    const frame = { type: 'collision', conversationId: 'conversation:abc', userId: 'user:ana' };
    for (const state of ['viewing', 'typing', 'idle', 'left']) expect(ServerFrame.safeParse({ ...frame, state }).success).toBe(true);
    expect(ServerFrame.safeParse({ ...frame, state: 'gone' }).success).toBe(false);
  });
});

describe('R-WS-17 collision entries', () => {
  it('R-WS-17 typing and viewing are kept, idle falls back to viewing, left forgets', () => {
    expect(nextEntry('viewing', 10)).toEqual({ state: 'viewing', at: 10 });
    expect(nextEntry('typing', 10)).toEqual({ state: 'typing', at: 10 });
    expect(nextEntry('idle', 10)).toEqual({ state: 'viewing', at: 10 });
    expect(nextEntry('left', 10)).toBeUndefined();
  });

  it('R-WS-17 an entry expires VIEWING_TTL_MS after its last frame, surviving two missed renewals less a margin', () => {
    expect(VIEWING_TTL_MS).toBeGreaterThan(2 * VIEWING_RENEW_MS);
    const entry: CollisionEntry = { state: 'viewing', at: 1_000 };
    expect(isCurrent(entry, 1_000 + VIEWING_TTL_MS - 1)).toBe(true);
    expect(isCurrent(entry, 1_000 + VIEWING_TTL_MS)).toBe(false);
  });

  it('R-WS-17 observers: typing wins, sorted by name, expired, excluded and unknown users left out', () => {
    const names: Record<string, string> = { 'user:ana': 'Ana Souza', 'user:bruno': 'Bruno Lima', 'user:carla': 'Carla Mendes', 'user:me': 'Eu' };
    const now = 100_000;
    const entries = new Map<string, CollisionEntry>([
      ['user:carla', { state: 'viewing', at: now - 1_000 }],
      ['user:bruno', { state: 'viewing', at: now - 2_000 }],
      ['user:ana', { state: 'typing', at: now - 3_000 }],
      ['user:old', { state: 'viewing', at: now - VIEWING_TTL_MS - 1 }],
      ['user:ghost', { state: 'viewing', at: now }],
      ['user:me', { state: 'viewing', at: now }],
    ]);
    names['user:old'] = 'Antigo';
    expect(observersOf(entries, now, (id) => names[id], new Set(['user:me']))).toEqual({
      typing: ['Ana Souza'],
      viewing: ['Bruno Lima', 'Carla Mendes'],
    });
    expect(observersOf(undefined, now, (id) => names[id])).toEqual({ typing: [], viewing: [] });
  });
});
