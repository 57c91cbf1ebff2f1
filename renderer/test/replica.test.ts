import { afterEach, describe, expect, it, vi } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import type { UserDoc } from '@atende/protocol';

// The app's API client reaches for the window's desktop bridge; these tests talk to a fake server.
vi.mock('../src/net/api', () => {
  class ApiError extends Error {
    constructor(readonly status: number, readonly code: string, message: string) {
      super(message);
    }
  }
  return { ApiError, api: vi.fn(() => Promise.reject(new ApiError(0, 'network', 'no server in tests'))) };
});

const { openDatabase } = await import('../src/db/database');
const { createReplicaController } = await import('../src/db/replica');
const { FIRST_PAGE, LARGE_PAGE } = await import('../src/db/replication');
const { messagesQuery } = await import('../src/db/messages');
const { purgeExpired } = await import('../src/db/purge');
const { FakeSyncServer, until } = await import('./replicaFake');

type Database = Awaited<ReturnType<typeof openDatabase>>;
type Controller = ReturnType<typeof createReplicaController>;

const ana: UserDoc = {
  id: 'user:ana', type: 'user', name: 'Ana', email: 'ana@demo.local', role: 'agent', teamIds: ['team:suporte', 'team:vendas'],
  maxConcurrent: 5, createdAt: 1, updatedAt: 1,
};

const open: Array<{ db: Database; controller?: Controller }> = [];
afterEach(async () => {
  for (const { db, controller } of open.splice(0)) {
    await controller?.stop();
    await db.close();
  }
});

let counter = 0;
async function client(
  server: InstanceType<typeof FakeSyncServer>,
  options: { purgeEveryMs?: number; pushRows?: (collection: string, rows: Array<{ newDocumentState: Record<string, unknown> }>) => Promise<[]> } = {},
) {
  const db = await openDatabase(`user:test-${counter++}`, { storage: getRxStorageMemory(), multiInstance: false });
  const controller = createReplicaController(db, {
    // Through the server object, so a test can swap what answers (a reset store).
    fetchPage: (...args) => server.fetchPage(...args),
    fetchStatus: (...args) => server.fetchStatus(...args),
    ...options,
  });
  open.push({ db, controller });
  return { db, controller };
}

const conversation = (id: string, teamId: string, extra: Record<string, unknown> = {}) => ({
  id, type: 'conversation', teamId, formerTeamIds: [], status: 'waiting', createdAt: 10, updatedAt: 10,
  lastPreview: `prévia ${id}`, contactId: `contact:${id}`, ...extra,
});
const message = (id: string, conversationId: string, teamId: string, createdAt: number) => ({
  id, type: 'message', conversationId, teamId, formerTeamIds: [], createdAt, updatedAt: createdAt, text: `texto ${id}`,
});

async function ids(db: Database, name: 'conversations' | 'messages' | 'contacts'): Promise<string[]> {
  const docs = await db.collections[name].find().exec();
  return docs.map((d) => d.primary).sort();
}

describe('renderer replication (issue 8 design D)', () => {
  it('ARCHITECTURE §4 R-NET-03: starts from the welcome’s replica, takes live documents from sync.docs, drops frames of another scope', async () => {
    const server = new FakeSyncServer(ana);
    server.write('conversations', conversation('conversation:1', 'team:suporte'));
    const { db, controller } = await client(server);
    controller.welcome(ana, server.replica);
    await controller.awaitInitial();
    expect(await ids(db, 'conversations')).toEqual(['conversation:1']);

    server.write('conversations', conversation('conversation:2', 'team:suporte'));
    const requestsBefore = server.requests.length;
    controller.docs(server.frame('conversations', ['conversation:2']));
    await until(async () => (await ids(db, 'conversations')).includes('conversation:2'));
    // Streamed: no pull was needed to get it.
    expect(server.requests.filter((r) => r.collection === 'conversations').length).toBe(
      server.requests.slice(0, requestsBefore).filter((r) => r.collection === 'conversations').length,
    );

    const foreign = { ...server.frame('conversations', ['conversation:2']), documents: [conversation('conversation:x', 'team:suporte')] };
    controller.docs({ ...foreign, checkpoint: { ...foreign.checkpoint, scope: 'another-scope' } });
    controller.changed(['conversations']);
    await until(() => server.requests.length > requestsBefore);
    expect(await ids(db, 'conversations')).not.toContain('conversation:x');
  });

  it('R-NET-05 ARCHITECTURE §4: removed from a team, the app purges its conversations and messages (no content left) and resyncs under the new scope', async () => {
    const server = new FakeSyncServer(ana);
    server.write('conversations', conversation('conversation:s', 'team:suporte'));
    server.write('conversations', conversation('conversation:v', 'team:vendas'));
    server.write('messages', message('message:s1', 'conversation:s', 'team:suporte', 20));
    server.write('messages', message('message:v1', 'conversation:v', 'team:vendas', 21));
    const { db, controller } = await client(server);
    controller.welcome(ana, server.replica);
    await controller.awaitInitial();
    await until(async () => (await ids(db, 'messages')).length === 2);

    const oldScope = server.scope;
    server.user = { ...ana, teamIds: ['team:suporte'] };
    expect(server.scope).not.toBe(oldScope);
    controller.sessionUser(server.user, server.replica);
    await until(async () => (await ids(db, 'conversations')).join() === 'conversation:s');
    await until(async () => (await ids(db, 'messages')).join() === 'message:s1');
    // Gone from storage, not kept as a deleted revision with its text.
    const stored = await db.conversations.storageInstance.findDocumentsById(['conversation:v'], true);
    expect(stored).toEqual([]);
    // The new scope pulled from scratch (checkpoint of the old scope is not reused).
    await until(() => server.requests.some((r) => r.collection === 'conversations' && r.checkpoint === undefined && server.requests.indexOf(r) > 1));
  });

  it('ARCHITECTURE §4 (identity checkpoint): a pull answered 409 replica_reset wipes the replica and resyncs from the new store', async () => {
    const server = new FakeSyncServer(ana);
    server.write('conversations', conversation('conversation:old', 'team:suporte'));
    const { db, controller } = await client(server);
    controller.welcome(ana, server.replica);
    await controller.awaitInitial();
    expect(await ids(db, 'conversations')).toEqual(['conversation:old']);

    // The server now runs on a restored store that never had conversation:old.
    const restored = new FakeSyncServer(ana);
    restored.resetStore('store-b.1');
    restored.write('conversations', conversation('conversation:new', 'team:suporte'));
    Object.assign(server, { store: 'store-b.1' });
    server.fetchPage = restored.fetchPage;
    server.fetchStatus = restored.fetchStatus;
    controller.changed(['conversations']);
    await until(async () => (await ids(db, 'conversations')).join() === 'conversation:new');
  });

  it('ARCHITECTURE §4 (identity checkpoint): a welcome from another store wipes the replica and resyncs cleanly from it', async () => {
    const server = new FakeSyncServer(ana);
    server.write('conversations', conversation('conversation:old', 'team:suporte'));
    const { db, controller } = await client(server);
    controller.welcome(ana, server.replica);
    await controller.awaitInitial();
    expect(await ids(db, 'conversations')).toEqual(['conversation:old']);

    const restored = new FakeSyncServer(ana);
    restored.resetStore('store-b.2');
    restored.write('conversations', conversation('conversation:new', 'team:suporte'));
    server.fetchPage = restored.fetchPage;
    server.fetchStatus = restored.fetchStatus;
    controller.welcome(ana, restored.replica);
    await until(async () => (await ids(db, 'conversations')).join() === 'conversation:new');
    // From scratch: the new store was never asked with a checkpoint of the old one.
    expect(restored.requests.some((r) => r.checkpoint?.store === 'store-a.1')).toBe(false);
  });

  it('R-NET-03 issue 8 point 6: small first page, large pages after, messages only after conversations caught up; a busy tail does not loop', async () => {
    const server = new FakeSyncServer(ana);
    for (let i = 0; i < 250; i++) server.write('conversations', conversation(`conversation:${String(i).padStart(3, '0')}`, 'team:suporte'));
    server.write('messages', message('message:1', 'conversation:000', 'team:suporte', 30));
    let release: () => void = () => undefined;
    server.held.set('conversations', new Promise((resolve) => (release = resolve)));
    const { db, controller } = await client(server);
    controller.welcome(ana, server.replica);
    await until(() => server.requests.some((r) => r.collection === 'conversations'));
    await until(() => server.requests.some((r) => r.collection === 'teams'));
    expect(server.requests.some((r) => r.collection === 'messages')).toBe(false);
    release();
    await controller.awaitInitial();
    const pages = server.requests.filter((r) => r.collection === 'conversations').map((r) => r.limit);
    // The empty collection is filled (a small page, then a large one to the end), then live
    // replication starts from the fill's checkpoint with one small catch-up page.
    expect(pages).toEqual([FIRST_PAGE, LARGE_PAGE, FIRST_PAGE]);
    const firstMessages = server.requests.findIndex((r) => r.collection === 'messages');
    const lastConversations = server.requests.map((r) => r.collection).lastIndexOf('conversations');
    expect(firstMessages).toBeGreaterThan(lastConversations);
    expect(await ids(db, 'messages')).toEqual(['message:1']);

    // Every tail page re-reads everything (as under a steady write rate): the resync reads to the
    // end once (a small page, then the rest) and stops, though its tail page is still "full".
    server.overlap = 1e9;
    const before = server.requests.length;
    controller.changed(['conversations']);
    await until(() => server.requests.length >= before + 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.requests.slice(before).map((r) => r.limit)).toEqual([FIRST_PAGE, LARGE_PAGE]);
  });

  it('issue 8 point 3: finished conversations older than replicaDays leave the replica with their messages', async () => {
    const server = new FakeSyncServer(ana);
    const day = 86_400_000;
    const now = Date.now();
    server.write('conversations', conversation('conversation:old', 'team:suporte', { status: 'finished', finishedAt: now - 31 * day }));
    server.write('conversations', conversation('conversation:recent', 'team:suporte', { status: 'finished', finishedAt: now - 2 * day }));
    server.write('conversations', conversation('conversation:open', 'team:suporte', { status: 'active', finishedAt: null }));
    server.write('messages', message('message:old', 'conversation:old', 'team:suporte', 1));
    server.write('messages', message('message:recent', 'conversation:recent', 'team:suporte', 2));
    const { db, controller } = await client(server);
    controller.welcome(ana, server.replica);
    await controller.awaitInitial();
    await until(async () => (await ids(db, 'messages')).length === 2);
    await purgeExpired(db, 30, now);
    expect(await ids(db, 'conversations')).toEqual(['conversation:open', 'conversation:recent']);
    expect(await ids(db, 'messages')).toEqual(['message:recent']);
  });

  it('issue 8 point 6: progress counts pulled documents against what the server said remains', async () => {
    const server = new FakeSyncServer(ana);
    for (let i = 0; i < 120; i++) server.write('conversations', conversation(`conversation:${i}`, 'team:suporte'));
    const { controller } = await client(server);
    const seen: Array<{ done: number; total: number } | undefined> = [];
    controller.onProgress((p) => seen.push(p));
    controller.welcome(ana, server.replica);
    await controller.awaitInitial();
    const shown = seen.filter((p) => p !== undefined);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((p) => p.total === 120 && p.done <= 120)).toBe(true);
    // Pages pulled before the server answered the count are counted as done.
    expect(shown[shown.length - 1]).toEqual({ done: 120, total: 120 });
    expect(seen[seen.length - 1]).toBeUndefined();
  });

  it('issue 8 point 5: messages are ordered by their server timestamp and id, never by arrival', async () => {
    const server = new FakeSyncServer(ana);
    server.write('messages', message('message:c', 'conversation:1', 'team:suporte', 50));
    server.write('messages', message('message:b', 'conversation:1', 'team:suporte', 40));
    server.write('messages', message('message:a', 'conversation:1', 'team:suporte', 50));
    const { db, controller } = await client(server);
    controller.welcome(ana, server.replica);
    await controller.awaitInitial();
    const ordered = (await messagesQuery(db, 'conversation:1').exec()).map((d) => d.primary);
    expect(ordered).toEqual(['message:b', 'message:a', 'message:c']);
  });

  it('ARCHITECTURE §4: under a new scope the contacts already here are not pushed back; one created afterwards is', async () => {
    const server = new FakeSyncServer(ana);
    const contact = (id: string) => ({
      id, type: 'contact', name: `Nome ${id}`, email: '', addresses: {}, customFields: {}, teamIds: ['team:suporte'], createdAt: 1, updatedAt: 1,
    });
    server.write('contacts', contact('contact:maria'));
    const pushed: string[] = [];
    const { db, controller } = await client(server, {
      pushRows: async (_collection, rows) => {
        pushed.push(...rows.map((r) => String(r.newDocumentState.id)));
        return [];
      },
    });
    controller.welcome(ana, server.replica);
    await controller.awaitInitial();
    await until(async () => (await ids(db, 'contacts')).length === 1);

    server.replicaDays = 7;
    const before = server.requests.length;
    controller.sessionUser(ana, server.replica);
    await until(() => server.requests.slice(before).some((r) => r.collection === 'contacts'));
    await db.contacts.insert(contact('contact:novo') as never);
    await until(() => pushed.length > 0);
    expect(pushed).toEqual(['contact:novo']);
  });

  it('R-NET-05 issue 8 point 6: the app is usable before the messages’ history is all here; it goes on filling', async () => {
    const server = new FakeSyncServer(ana);
    server.write('conversations', conversation('conversation:1', 'team:suporte'));
    server.write('messages', message('message:1', 'conversation:1', 'team:suporte', 20));
    // The messages' pull hangs until released: the history is still on its way.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const fetchPage = server.fetchPage;
    server.fetchPage = async (collection, checkpoint, limit) => {
      if (collection === 'messages') await held;
      return fetchPage(collection, checkpoint, limit);
    };
    const { db, controller } = await client(server);
    controller.welcome(ana, server.replica);
    let complete = false;
    void controller.awaitInitial().then(() => (complete = true));
    await controller.awaitUsable();
    expect(await ids(db, 'conversations')).toEqual(['conversation:1']);
    expect(complete).toBe(false);
    release();
    await controller.awaitInitial();
    expect(await ids(db, 'messages')).toEqual(['message:1']);
  });
});
