import { describe, expect, it } from 'vitest';
import { DomainError, SYNC_OVERLAP_MS, viewerOf, visibilityOf, type CollectionName, type SyncCheckpoint } from '@atende/protocol';
import type { StoredDoc } from '../src/store/index.js';
import { inReplica, scopeKey, syncKeys, windowStart } from '../src/access/scope.js';
import { pullCollection, type PullCost, type PullResult } from '../src/sync/pull.js';
import { syncStatus } from '../src/sync/status.js';
import { FakeSyncIndex } from './syncIndexFake.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = 1_800_000_000_000;
const STORE = 'uuid-1.1';
const DAYS = 30;

const ana = viewerOf({ id: 'user:ana', role: 'agent', teamIds: ['team:t01'] });
const carla = viewerOf({ id: 'user:carla', role: 'supervisor', teamIds: [] });

const conversation = (n: number, teamId: string, changedAt: number, extra: Record<string, unknown> = {}): StoredDoc => ({
  _id: `conversation:c${String(n).padStart(6, '0')}`, type: 'conversation', teamId, formerTeamIds: [], status: 'waiting',
  lastPreview: `segredo ${n}`, finishNote: '', finishedAt: null, createdAt: changedAt, updatedAt: changedAt, changedAt, ...extra,
});
const message = (n: number, teamId: string, changedAt: number, extra: Record<string, unknown> = {}): StoredDoc => ({
  _id: `message:m${String(n).padStart(6, '0')}`, type: 'message', conversationId: 'conversation:c000000', teamId,
  formerTeamIds: [], text: `texto secreto ${n}`, authorName: 'Cliente', createdAt: changedAt, updatedAt: changedAt, changedAt, ...extra,
});

async function pull(index: FakeSyncIndex, viewer = ana, collection: CollectionName = 'conversations', checkpoint?: SyncCheckpoint, limit = 100, now = NOW) {
  let cost: PullCost = { read: 0, returned: 0 };
  const result = await pullCollection(index, viewer, collection, checkpoint, limit, {
    identity: STORE, replicaDays: DAYS, now, onCost: (c) => (cost = c),
  });
  return { ...result, cost };
}

async function pullAllPages(index: FakeSyncIndex, viewer = ana, collection: CollectionName = 'conversations', limit = 7) {
  const pages: Array<PullResult & { cost: PullCost }> = [];
  let checkpoint: SyncCheckpoint | undefined;
  for (let i = 0; i < 1000; i++) {
    const page = await pull(index, viewer, collection, checkpoint, limit);
    pages.push(page);
    // As RxDB does between the pages of one pull: Object.assign over the previous checkpoint.
    checkpoint = { ...checkpoint, ...page.checkpoint };
    if (page.documents.length < limit) return { documents: pages.flatMap((p) => p.documents), checkpoint, pages };
  }
  throw new Error('never ended');
}

describe('ARCHITECTURE §4 scoped pulls from the sync index', () => {
  it('ARCHITECTURE §4 an agent of 1 team out of 20 touches at most 2× the documents a pull returns', async () => {
    const index = new FakeSyncIndex();
    for (let n = 0; n < 4000; n++) index.put(message(n, `team:t${String(n % 20).padStart(2, '0')}`, NOW - DAY + n));
    const { documents, pages } = await pullAllPages(index, ana, 'messages', 50);
    expect(documents).toHaveLength(200);
    expect(documents.every((d) => d.teamId === 'team:t01')).toBe(true);
    const read = pages.reduce((sum, p) => sum + p.cost.read, 0);
    expect(read).toBeLessThanOrEqual(2 * documents.length);
    expect(index.rowsRead).toBe(read);
  });

  it('R-NET-03 nothing missing after a reconnect: full pages continue exactly, a pull at the live end re-reads SYNC_OVERLAP_MS behind', async () => {
    const index = new FakeSyncIndex();
    // Stamped within the last SYNC_OVERLAP_MS: writes stamped before them may still be committing.
    for (let n = 0; n < 20; n++) index.put(conversation(n, 'team:t01', NOW - 3_000 + n * 100));
    const first = await pull(index, ana, 'conversations', undefined, 15);
    expect(first.documents).toHaveLength(15);
    expect(first.checkpoint).toMatchObject({ store: STORE, tail: false, id: 'conversation:c000014' });
    const rest = await pull(index, ana, 'conversations', first.checkpoint, 15);
    expect(rest.documents.map((d) => d.id)).toEqual([15, 16, 17, 18, 19].map((n) => conversation(n, '', 0)._id));
    expect(rest.checkpoint).toMatchObject({ tail: true, id: 'conversation:c000019', t: NOW - 3_000 + 1_900 });
    // A write stamped before the last read but committed after it is still found next time.
    index.put(conversation(99, 'team:t01', NOW - 3_000 + 1_850));
    const next = await pull(index, ana, 'conversations', rest.checkpoint, 30);
    expect(next.documents.map((d) => d.id)).toContain('conversation:c000099');
    expect(next.checkpoint.t).toBe(rest.checkpoint.t);
    // Nothing new and nothing within the overlap: the checkpoint does not drift backwards.
    const quiet = { ...rest.checkpoint, t: rest.checkpoint.t + SYNC_OVERLAP_MS * 2 };
    const empty = await pull(index, ana, 'conversations', quiet, 15);
    expect(empty.documents).toEqual([]);
    expect(empty.checkpoint).toEqual(quiet);
  });

  it('R-NET-03 a live end older than the overlap continues strictly after itself (a bulk load is not pulled twice)', async () => {
    const index = new FakeSyncIndex();
    for (let n = 0; n < 5; n++) index.put(conversation(n, 'team:t01', NOW - 60_000 + n * 1000));
    const all = await pull(index, ana, 'conversations', undefined, 15);
    expect(all.checkpoint).toMatchObject({ tail: false, id: 'conversation:c000004', t: NOW - 56_000 });
    const again = await pull(index, ana, 'conversations', all.checkpoint, 15);
    expect(again.documents).toEqual([]);
    index.put(conversation(7, 'team:t01', NOW - 500));
    const later = await pull(index, ana, 'conversations', all.checkpoint, 15);
    expect(later.documents.map((d) => d.id)).toEqual(['conversation:c000007']);
    expect(later.checkpoint).toMatchObject({ tail: true, id: 'conversation:c000007' });
  });

  it('R-NET-05 a checkpoint of another or a reset store is refused with replica_reset (409), never served from zero', async () => {
    const index = new FakeSyncIndex();
    index.put(conversation(1, 'team:t01', NOW - 1000));
    const { checkpoint } = await pull(index);
    const error = await pullCollection(index, ana, 'conversations', checkpoint, 100, { identity: 'uuid-1.2', replicaDays: DAYS, now: NOW })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'conflict', code: 'replica_reset' });
  });

  it('ARCHITECTURE §4 a checkpoint taken under other rights or another window starts again from scratch', async () => {
    const index = new FakeSyncIndex();
    index.put(conversation(1, 'team:t01', NOW - 2000), conversation(2, 'team:t02', NOW - 1000));
    const first = await pull(index);
    expect(first.documents.map((d) => d.id)).toEqual(['conversation:c000001']);
    const wider = viewerOf({ id: 'user:ana', role: 'agent', teamIds: ['team:t01', 'team:t02'] });
    const again = await pull(index, wider, 'conversations', first.checkpoint);
    expect(again.documents.map((d) => d.id)).toEqual(['conversation:c000001', 'conversation:c000002']);
    expect(again.checkpoint.scope).not.toBe(first.checkpoint.scope);
  });

  it('R-NET-03 a conversation and its messages that left a team reach it as tombstones without content', async () => {
    const index = new FakeSyncIndex();
    index.put(
      conversation(1, 'team:t02', NOW - 1000, { formerTeamIds: ['team:t01'], status: 'active', finishNote: 'nota' }),
      message(1, 'team:t02', NOW - 900, { formerTeamIds: ['team:t01'] }),
    );
    for (const collection of ['conversations', 'messages'] as const) {
      const { documents } = await pull(index, ana, collection);
      expect(documents).toHaveLength(1);
      expect(documents[0]).toMatchObject({ _deleted: true });
      expect(JSON.stringify(documents)).not.toMatch(/segredo|secreto|nota|Cliente/);
    }
  });

  it('ARCHITECTURE §4 the window: old history stays out, open conversations of any age come first in a fresh pull', async () => {
    const index = new FakeSyncIndex();
    const old = NOW - 40 * DAY;
    index.put(
      conversation(1, 'team:t01', old, { status: 'finished', finishedAt: old }),
      conversation(2, 'team:t01', old, { status: 'waiting' }),
      conversation(3, 'team:t01', old, { status: 'active' }),
      conversation(4, 'team:t02', old, { status: 'waiting' }),
      // Finished long ago but touched recently (a tag): history, not replica.
      conversation(5, 'team:t01', NOW - DAY, { status: 'finished', finishedAt: old }),
      conversation(6, 'team:t01', NOW - DAY, { status: 'finished', finishedAt: NOW - 2 * DAY }),
      message(1, 'team:t01', old),
      message(2, 'team:t01', NOW - DAY),
    );
    const paged = await pullAllPages(index, ana, 'conversations', 1);
    expect(paged.documents.map((d) => d.id)).toEqual(['conversation:c000002', 'conversation:c000003', 'conversation:c000006']);
    expect(paged.pages[0]?.checkpoint.phase).toBe('conversation:c000002');
    expect(paged.pages[2]?.checkpoint.phase).toBe('');
    expect((await pull(index, ana, 'messages')).documents.map((d) => d.id)).toEqual(['message:m000002']);
    expect(windowStart('conversation', DAYS, NOW)).toBe(NOW - 30 * DAY);
    expect(windowStart('team', DAYS, NOW)).toBe(0);
    expect(inReplica({ type: 'conversation', status: 'finished', finishedAt: old }, DAYS, NOW)).toBe(false);
  });

  it('R-NET-03 a removed document reaches every replica that held it as a tombstone', async () => {
    const index = new FakeSyncIndex();
    index.put({ _id: 'contact:x', type: 'contact', name: '', teamIds: ['team:t01'], removed: true, createdAt: 1, updatedAt: 2, changedAt: NOW - 10 });
    const { documents } = await pull(index, ana, 'contacts');
    expect(documents).toEqual([{ _deleted: true, id: 'contact:x', type: 'contact', createdAt: 1, updatedAt: 2, name: '' }]);
  });

  it('ARCHITECTURE §4 contacts: an agent gets those linked to their teams or created by them; a supervisor all', async () => {
    const index = new FakeSyncIndex();
    const contact = (id: string, extra: Record<string, unknown>): StoredDoc =>
      ({ _id: id, type: 'contact', name: id, email: '', addresses: {}, customFields: {}, createdAt: 1, updatedAt: 1, changedAt: NOW - 5, ...extra });
    index.put(
      contact('contact:mine', { teamIds: ['team:t01', 'team:t02'] }),
      contact('contact:created', { teamIds: [], createdBy: 'user:ana' }),
      contact('contact:other', { teamIds: ['team:t02'] }),
      contact('contact:loose', {}),
    );
    const ids = async (viewer = ana) => (await pull(index, viewer, 'contacts')).documents.map((d) => d.id).sort();
    expect(await ids()).toEqual(['contact:created', 'contact:mine']);
    expect(await ids(carla)).toEqual(['contact:created', 'contact:loose', 'contact:mine', 'contact:other']);
    expect(visibilityOf(ana, { type: 'contact', teamIds: ['team:t02'], createdBy: 'user:bruno' })).toBe('hidden');
  });

  it('ARCHITECTURE §4 viewer keys and scope keys', () => {
    const two = viewerOf({ id: 'user:x', role: 'agent', teamIds: ['team:b', 'team:a'] });
    // R-WS-12: their one-to-one chat messages are under their own key.
    expect(syncKeys(two, 'message')).toEqual(['team:team:a', 'team:team:b', 'user:user:x']);
    expect(syncKeys(two, 'predefined')).toEqual(['all', 'team:team:a', 'team:team:b']);
    expect(syncKeys(two, 'user')).toEqual(['all']);
    expect(syncKeys(two, 'contact')).toEqual(['team:team:a', 'team:team:b', 'user:user:x']);
    expect(syncKeys(carla, 'contact')).toEqual(['*']);
    const same = viewerOf({ id: 'user:y', role: 'agent', teamIds: ['team:a', 'team:b'] });
    expect(scopeKey(two, 30)).toBe(scopeKey(same, 30));
    expect(scopeKey(two, 30)).not.toBe(scopeKey(two, 7));
    expect(scopeKey(two, 30)).not.toBe(scopeKey(viewerOf({ id: 'user:x', role: 'agent', teamIds: ['team:a'] }), 30));
  });

  it('ARCHITECTURE §4 status counts what each collection still has to pull', async () => {
    const index = new FakeSyncIndex();
    for (let n = 0; n < 30; n++) index.put(message(n, n % 3 === 0 ? 'team:t01' : 'team:t02', NOW - 1000 + n));
    index.put(message(99, 'team:t01', NOW - 40 * DAY));
    const fresh = await syncStatus(index, ana, {}, { identity: STORE, replicaDays: DAYS, now: NOW });
    expect(fresh).toMatchObject({ store: STORE, scope: scopeKey(ana, DAYS), replicaDays: DAYS });
    expect(fresh.remaining.messages).toBe(10);
    const { checkpoint } = await pull(index, ana, 'messages', undefined, 4);
    const later = await syncStatus(index, ana, { messages: checkpoint }, { identity: STORE, replicaDays: DAYS, now: NOW });
    expect(later.remaining.messages).toBe(6);
  });
});
