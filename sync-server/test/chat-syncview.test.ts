import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { viewerOf } from '@atende/protocol';
import { syncKeys } from '../src/access/scope.js';
import { SYNC_MAP, syncKeysOf } from '../src/store/syncView.js';
import type { StoredDoc } from '../src/store/types.js';

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
    expect(syncKeysOf(chat[0]!)).toEqual(['user:user:ana', 'user:user:bruno', '*']);
    expect(syncKeysOf(chat[1]!)).toEqual(['team:team:a', '*']);
    expect(syncKeysOf(chat[3]!)).toEqual(['team:team:a', '*']);
  });

  it('R-WS-12 an agent\'s pull of messages reads their teams and their own key', () => {
    expect(syncKeys(viewerOf({ id: 'user:ana', role: 'agent', teamIds: ['team:a'] }), 'message')).toEqual(['team:team:a', 'user:user:ana']);
    expect(syncKeys(viewerOf({ id: 'user:ana', role: 'agent', teamIds: ['team:a'] }), 'conversation')).toEqual(['team:team:a']);
  });
});
