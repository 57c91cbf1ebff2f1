import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { dmRoomId, viewerOf, type SyncCheckpoint } from '@atende/protocol';
import { syncKeys } from '../src/access/scope.js';
import { pullCollection, type PullCost } from '../src/sync/pull.js';
import { SYNC_MAP, syncKeysOf } from '../src/store/syncView.js';
import type { StoredDoc } from '../src/store/types.js';
import { FakeSyncIndex } from './syncIndexFake.js';

/**
 * R-WS-12: one-to-one chat messages are indexed under their two users' keys, not their team's, by
 * the view's map function and by its TypeScript twin alike; a pull of messages reads the viewer's key.
 */
const chat: StoredDoc[] = [
  { _id: 'message:chat-1', type: 'message', direction: 'internal', teamId: 'team:a', formerTeamIds: [], authorId: 'user:ana', recipientId: 'user:bruno', changedAt: 1 },
  { _id: 'message:chat-2', type: 'message', direction: 'internal', teamId: 'team:a', formerTeamIds: [], authorId: 'user:ana', recipientId: null, changedAt: 2 },
  { _id: 'message:chat-3', type: 'message', direction: 'internal', teamId: 'team:a', formerTeamIds: [], authorId: null, recipientId: 'user:bruno', changedAt: 3 },
  { _id: 'message:4', type: 'message', direction: 'out', teamId: 'team:a', formerTeamIds: [], authorId: 'user:ana', recipientId: 'user:bruno', changedAt: 4 },
];

function viewKeysOf(doc: StoredDoc): unknown[][] {
  const emitted: unknown[][] = [];
  const map = runInNewContext(`(${SYNC_MAP})`, { emit: (key: unknown[]) => emitted.push(key) }) as (doc: unknown) => void;
  map(JSON.parse(JSON.stringify(doc)));
  return emitted;
}

describe('R-WS-12 chat messages in the sync index', () => {
  it('R-WS-12 the map function and syncKeysOf agree on chat messages', () => {
    for (const doc of chat) expect(viewKeysOf(doc), doc._id).toEqual(syncKeysOf(doc).map((key) => [doc.type, key, doc.changedAt]));
  });

  it('R-WS-12 a one-to-one message is under its two users\' keys, a team room\'s under its team', () => {
    // Not under '*' either: supervisors would read every agents' talk to return none of it.
    expect(syncKeysOf(chat[0]!)).toEqual(['user:user:ana', 'user:user:bruno']);
    expect(syncKeysOf(chat[1]!)).toEqual(['team:team:a', '*']);
    expect(syncKeysOf(chat[3]!)).toEqual(['team:team:a', '*']);
  });

  it('R-WS-12 an agent\'s pull of messages reads their teams and their own key', () => {
    expect(syncKeys(viewerOf({ id: 'user:ana', role: 'agent', teamIds: ['team:a'] }), 'message')).toEqual(['team:team:a', 'user:user:ana']);
    expect(syncKeys(viewerOf({ id: 'user:ana', role: 'agent', teamIds: ['team:a'] }), 'conversation')).toEqual(['team:team:a']);
    expect(syncKeys(viewerOf({ id: 'user:carla', role: 'supervisor', teamIds: [] }), 'message')).toEqual(['*', 'user:user:carla']);
    expect(syncKeys(viewerOf({ id: 'user:carla', role: 'supervisor', teamIds: [] }), 'conversation')).toEqual(['*']);
  });

  it('R-WS-12 ARCHITECTURE §4 a supervisor\'s pull of messages costs what she receives, whatever agents say to each other', async () => {
    const DAY = 86_400_000;
    const NOW = 1_800_000_000_000;
    const index = new FakeSyncIndex();
    const dm = (n: number, authorId: string, recipientId: string): StoredDoc => ({
      _id: `message:chat-${String(n).padStart(6, '0')}`, type: 'message', direction: 'internal', conversationId: dmRoomId(authorId, recipientId),
      teamId: 'team:t01', formerTeamIds: [], authorId, recipientId, text: 'dm', createdAt: NOW - DAY + n, changedAt: NOW - DAY + n,
    });
    for (let n = 0; n < 2000; n++) index.put(dm(n, 'user:ana', 'user:bruno'));
    for (let n = 0; n < 50; n++) {
      index.put({ _id: `message:m${n}`, type: 'message', direction: 'in', conversationId: 'conversation:c', teamId: 'team:t01', formerTeamIds: [],
        text: 'x', createdAt: NOW - DAY + 5000 + n, changedAt: NOW - DAY + 5000 + n });
    }
    // One she is party to still reaches her, under her own key.
    index.put(dm(3000, 'user:ana', 'user:carla'));
    const carla = viewerOf({ id: 'user:carla', role: 'supervisor', teamIds: [] });
    let cost: PullCost = { read: 0, returned: 0 };
    const page = await pullCollection(index, carla, 'messages', undefined as SyncCheckpoint | undefined, 100,
      { identity: 'uuid-1.1', replicaDays: 30, now: NOW, onCost: (c) => (cost = c) });
    expect(page.documents).toHaveLength(51);
    expect(page.documents.map((d) => d.id)).toContain('message:chat-003000');
    expect(cost.read).toBeLessThanOrEqual(2 * cost.returned);
  });
});
