import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { preferConversation, preferMessage, type ConversationDoc, type MessageDoc } from '@atende/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { withReadCache } from '../src/store/cache.js';
import { ConflictSweeper, wireResolver, type ConflictResolvers } from '../src/store/conflicts.js';
import { EmbeddedStore } from '../src/store/embedded.js';
import { withGroupCommit } from '../src/store/groupCommit.js';
import type { DocStore, StoredDoc } from '../src/store/types.js';

/**
 * R-OPS-01 / issue 7 point 7: during a partition two CouchDB nodes can both accept a write. The
 * embedded store gets the same conflicting revisions by replication-style writes
 * (`newEdits: false`), as CouchDB's replicator writes them.
 */

const RESOLVERS: ConflictResolvers = {
  conversation: wireResolver<ConversationDoc>(preferConversation),
  message: wireResolver<MessageDoc>(preferMessage),
};

const dirs: string[] = [];
const stores: DocStore[] = [];

function openEmbedded(): EmbeddedStore {
  const dir = mkdtempSync(path.join(tmpdir(), 'atende-conflicts-'));
  dirs.push(dir);
  const store = new EmbeddedStore(dir);
  stores.push(store);
  return store;
}

afterEach(async () => {
  for (const store of stores.splice(0).reverse()) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const hash = (label: string) => createHash('md5').update(label).digest('hex');

/**
 * One first revision, then one second revision per variant, as replication delivers the edits
 * of several nodes. The revision ids ascend with the variants, so CouchDB's winner (the greatest
 * id) is the last variant.
 */
async function conflicting(
  store: DocStore,
  id: string,
  base: Omit<StoredDoc, '_id'>,
  variants: Array<Omit<StoredDoc, '_id'>>,
  /** Off when a running sweeper may resolve it at once. */
  verify = true,
) {
  const [first] = await store.bulkWrite([{ ...base, _id: id }]);
  if (!first?.ok) throw new Error('base write failed');
  const baseHash = first.rev.slice(first.rev.indexOf('-') + 1);
  const hashes = variants.map((_, i) => hash(`${id}/${i}`)).sort();
  const docs = variants.map((variant, i) => {
    const h = hashes[i] ?? '';
    return { ...base, ...variant, _id: id, _rev: `2-${h}`, _revisions: { start: 2, ids: [h, baseHash] } };
  });
  const results = await store.bulkWrite(docs, { newEdits: false });
  if (!results.every((r) => r.ok)) throw new Error(`replicated write failed: ${JSON.stringify(results)}`);
  if (verify) expect((await store.getWithConflicts(id))?.conflicts).toHaveLength(variants.length - 1);
  return docs.map((d) => d._rev);
}

const conversation = (status: string, updatedAt: number) => ({ type: 'conversation', status, updatedAt, teamId: 'team:suporte' });
const message = (status: string, updatedAt: number) => ({ type: 'message', status, updatedAt, text: 'Olá' });

async function settled(store: DocStore, id: string): Promise<StoredDoc> {
  const found = await store.getWithConflicts(id);
  if (!found) throw new Error(`${id} is missing`);
  expect(found.conflicts).toEqual([]);
  return found.doc;
}

const silent = () => {};

describe('conflict sweeper (R-OPS-01, issue 7 point 7)', () => {
  it.each([
    ['the active revision', [conversation('finished', 2), conversation('active', 3)]],
    ['the finished revision', [conversation('active', 3), conversation('finished', 2)]],
  ])('R-OPS-01 a conversation finished on one node and active on another ends finished when CouchDB picked %s', async (_, variants) => {
    const store = openEmbedded();
    const revs = await conflicting(store, 'conversation:1', conversation('waiting', 1), variants);
    expect(await store.get('conversation:1')).toMatchObject({ _rev: revs[1] });

    const sweeper = new ConflictSweeper(store, RESOLVERS, silent);
    expect(await sweeper.sweepAll()).toBe(1);

    const doc = await settled(store, 'conversation:1');
    expect(doc).toMatchObject({ status: 'finished', updatedAt: 2, teamId: 'team:suporte' });
    // The content lands on the winning branch; when the winner already had it, nothing is rewritten.
    expect(doc._rev?.startsWith(variants[1]?.status === 'finished' ? '2-' : '3-')).toBe(true);
    expect(await store.conflictedIds({ limit: 10 })).toEqual([]);
    expect(await sweeper.sweepAll()).toBe(0);
  });

  it("R-OPS-01 a message read on one node and failed on another ends read; its other fields come with it", async () => {
    const store = openEmbedded();
    await conflicting(store, 'message:1', message('sent', 1), [
      { ...message('read', 5), readAt: 5 },
      { ...message('failed', 9), error: 'timeout' },
    ]);
    expect(await new ConflictSweeper(store, RESOLVERS, silent).sweepAll()).toBe(1);
    const doc = await settled(store, 'message:1');
    expect(doc).toMatchObject({ status: 'read', readAt: 5, updatedAt: 5 });
    expect(doc.error).toBeUndefined();
  });

  it('R-OPS-01 three revisions fold pairwise to the furthest lifecycle state, whatever their order', async () => {
    const store = openEmbedded();
    await conflicting(store, 'conversation:a', conversation('bot', 0), [conversation('finished', 1), conversation('active', 3), conversation('waiting', 2)]);
    await conflicting(store, 'conversation:b', conversation('bot', 0), [conversation('waiting', 2), conversation('active', 3), conversation('finished', 1)]);
    expect(await new ConflictSweeper(store, RESOLVERS, silent).sweepAll()).toBe(2);
    expect(await settled(store, 'conversation:a')).toMatchObject({ status: 'finished' });
    expect(await settled(store, 'conversation:b')).toMatchObject({ status: 'finished' });
  });

  it("R-OPS-01 a type without a resolver keeps CouchDB's own winner and loses the other leaves", async () => {
    const store = openEmbedded();
    const revs = await conflicting(store, 'contact:1', { type: 'contact', name: 'Maria' }, [{ name: 'Maria Silva' }, { name: 'Maria S.' }]);
    expect(await new ConflictSweeper(store, RESOLVERS, silent).sweepAll()).toBe(1);
    expect(await settled(store, 'contact:1')).toMatchObject({ _rev: revs[1], name: 'Maria S.' });
  });

  it('R-OPS-01 two nodes sweeping at once resolve each document once, to the same content', async () => {
    const store = openEmbedded();
    const ids = Array.from({ length: 30 }, (_, i) => `conversation:${String(i).padStart(2, '0')}`);
    for (const id of ids) await conflicting(store, id, conversation('waiting', 1), [conversation('finished', 2), conversation('active', 3)]);
    const nodes = [new ConflictSweeper(store, RESOLVERS, silent), new ConflictSweeper(store, RESOLVERS, silent)];
    const counts = await Promise.all(nodes.map((n) => n.sweepAll()));
    expect(counts.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(ids.length);
    for (const id of ids) {
      const doc = await settled(store, id);
      expect(doc).toMatchObject({ status: 'finished' });
      expect(doc._rev?.startsWith('3-')).toBe(true); // written once, not once per node
    }
    expect(await store.conflictedIds({ limit: 100 })).toEqual([]);
  });

  it('R-OPS-01 start() resolves what was there and what the feed shows later, through group commit and the read cache', async () => {
    const base = openEmbedded();
    const store = withReadCache(withGroupCommit(base), { prefixes: ['conversation:', 'message:'], max: 100 });
    stores.push(store);
    await conflicting(store, 'conversation:before', conversation('waiting', 1), [conversation('finished', 2), conversation('active', 3)]);
    expect(await store.get('conversation:before')).toMatchObject({ status: 'active' });

    const logs: string[] = [];
    const sweeper = new ConflictSweeper(store, RESOLVERS, (m) => logs.push(m));
    const noConflictsLeft = async () => {
      for (let i = 0; i < 500 && (await store.conflictedIds({ limit: 10 })).length > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(await store.conflictedIds({ limit: 10 })).toEqual([]);
    };
    sweeper.start();
    try {
      await noConflictsLeft(); // the first sweep
      await conflicting(store, 'message:later', message('delivered', 1), [message('read', 2), message('failed', 3)], false);
      await noConflictsLeft(); // only the feed can show this one
    } finally {
      await sweeper.stop();
    }
    expect(await settled(store, 'conversation:before')).toMatchObject({ status: 'finished' });
    expect(await settled(store, 'message:later')).toMatchObject({ status: 'read' });
    // The cache saw the sweeper's write, not the replicated revision it had before.
    expect(await store.get('conversation:before')).toMatchObject({ status: 'finished' });
    expect(logs.some((m) => m.includes('conversation:before'))).toBe(true);
    expect(logs.join('\n')).not.toContain('Olá'); // ids and counts only, never content
  });
});
