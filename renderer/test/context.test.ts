import { afterEach, describe, expect, it, vi } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { favouriteIdOf, type UserDoc } from '@atende/protocol';

/**
 * The data layer of the conversation's context (issue 9 point 3): notes and favourites are local
 * writes that replicate by push (so they work offline), tags and the mark go through the durable
 * command outbox with their command id.
 */
const sent = vi.hoisted(() => [] as Array<{ path: string; params: unknown; body: unknown }>);
vi.mock('../src/net/api', () => {
  class ApiError extends Error {
    constructor(readonly status: number, readonly code: string, message: string) {
      super(message);
    }
  }
  return { ApiError, api: vi.fn(() => Promise.reject(new ApiError(0, 'network', 'no server in tests'))) };
});
vi.mock('../src/net/client', () => ({
  call: vi.fn(async (endpoint: { path: string }, request: { params?: unknown; body?: unknown }) => {
    sent.push({ path: endpoint.path, params: request.params, body: request.body });
    return {};
  }),
}));

const { openDatabase } = await import('../src/db/database');
const { createReplicaController } = await import('../src/db/replica');
const { CommandOutbox } = await import('../src/db/outbox');
const { httpTransport } = await import('../src/db/outboxTransport');
const context = await import('../src/db/context');
const { FakeSyncServer, until } = await import('./replicaFake');

type Database = Awaited<ReturnType<typeof openDatabase>>;
type Controller = ReturnType<typeof createReplicaController>;
type Outbox = InstanceType<typeof CommandOutbox>;

const ana: UserDoc = {
  id: 'user:ana', type: 'user', name: 'Ana Souza', email: 'ana@demo.local', role: 'agent', teamIds: ['team:suporte'],
  maxConcurrent: 5, createdAt: 1, updatedAt: 1,
};
const author = { id: ana.id, name: ana.name, role: ana.role };

const open: Array<{ db: Database; controller?: Controller; outbox?: Outbox }> = [];
afterEach(async () => {
  // One database at a time: RxDB's open-source build allows 13 open collections in all.
  for (const { db, controller, outbox } of open.splice(0)) {
    outbox?.stop();
    await controller?.stop();
    await db.close();
  }
  sent.length = 0;
});

let counter = 0;
async function client(server?: InstanceType<typeof FakeSyncServer>) {
  const db = await openDatabase(`user:context-${counter++}`, { storage: getRxStorageMemory(), multiInstance: false });
  const pushed: Array<{ collection: string; doc: Record<string, unknown>; assumed?: Record<string, unknown> | null }> = [];
  const controller = server
    ? createReplicaController(db, {
        fetchPage: (...args) => server.fetchPage(...args),
        fetchStatus: (...args) => server.fetchStatus(...args),
        pushRows: async (collection, rows) => {
          pushed.push(...rows.map((r) => ({ collection, doc: r.newDocumentState, assumed: r.assumedMasterState })));
          return [];
        },
      })
    : undefined;
  open.push({ db, controller });
  return { db, controller, pushed };
}

const note = (id: string, contactId: string, authorId: string, teamIds: string[]) => ({
  id, type: 'note', contactId, authorId, authorName: 'Bruno Lima', text: `nota ${id}`, teamIds, createdAt: 5, updatedAt: 5,
});

describe('notes, tags and favourites in the replica (issue 9 point 3)', () => {
  it('R-WS-03 the contact’s notes replicate in; a note written here shows at once and is pushed; only its author edits it', async () => {
    const server = new FakeSyncServer(ana);
    server.write('notes', note('note:b1', 'contact:maria', 'user:bruno', ['team:suporte']));
    server.write('notes', note('note:x1', 'contact:joao', 'user:dora', ['team:comercial']));
    server.write('tags', { id: 'tag:urgente', type: 'tag', name: 'Urgente', color: '#b91c1c', createdAt: 1, updatedAt: 1 });
    const { db, controller, pushed } = await client(server);
    controller?.welcome(ana, server.replica);
    await controller?.awaitInitial();
    expect((await db.notes.find().exec()).map((d) => d.id)).toEqual(['note:b1']);
    expect((await db.tags.find().exec()).map((d) => d.name)).toEqual(['Urgente']);

    const mine = await context.saveNote(db, author, { contactId: 'contact:maria', text: '  Prefere contato à tarde  ' });
    expect(mine).toMatchObject({ authorId: 'user:ana', authorName: 'Ana Souza', text: 'Prefere contato à tarde' });
    const listed = (await context.notesQuery(db, 'contact:maria').exec()).map((d) => d.id);
    expect(listed).toEqual([mine.id, 'note:b1']); // newest first
    await until(() => pushed.some((p) => p.collection === 'notes' && p.doc.id === mine.id));

    await context.saveNote(db, author, { id: mine.id, contactId: 'contact:maria', text: 'Prefere contato de manhã' });
    await until(() => pushed.some((p) => p.doc.text === 'Prefere contato de manhã'));
    await expect(context.saveNote(db, author, { id: 'note:b1', contactId: 'contact:maria', text: 'x' })).rejects.toMatchObject({ problem: 'not_yours' });
    await expect(context.removeNote(db, author, 'note:b1')).rejects.toMatchObject({ problem: 'not_yours' });
    await expect(context.saveNote(db, author, { contactId: 'contact:maria', text: '   ' })).rejects.toMatchObject({ problem: 'empty' });

    await context.removeNote(db, author, mine.id);
    await until(() => pushed.some((p) => p.doc.id === mine.id && p.doc._deleted === true));
    expect((await context.notesQuery(db, 'contact:maria').exec()).map((d) => d.id)).toEqual(['note:b1']);
    // A supervisor may remove a colleague's note.
    await context.removeNote(db, { id: 'user:carla', role: 'supervisor' }, 'note:b1');
    expect(await db.notes.findOne('note:b1').exec()).toBeNull();
  });

  it('R-WS-03 R-NET-03 an edit made before the server’s copy of the note arrives is pushed on the note as it was sent', async () => {
    // The server accepts exactly this (sync-server/test/push-assumed.test.ts); it used to answer a conflict and RxDB dropped the edit.
    const server = new FakeSyncServer(ana);
    const { db, controller, pushed } = await client(server);
    controller?.welcome(ana, server.replica);
    await controller?.awaitInitial();
    const mine = await context.saveNote(db, author, { contactId: 'contact:maria', text: 'Cliente prefere contato à tarde.' });
    await until(() => pushed.some((p) => p.doc.id === mine.id));
    await context.saveNote(db, author, { id: mine.id, contactId: 'contact:maria', text: 'Cliente prefere contato pela manhã.' });
    await until(() => pushed.some((p) => p.doc.text === 'Cliente prefere contato pela manhã.'));
    const [created, edited] = pushed.filter((p) => p.doc.id === mine.id);
    expect(created?.assumed ?? null).toBeNull();
    expect(edited?.assumed).toEqual(created?.doc);
    expect(await db.notes.findOne(mine.id).exec()).toMatchObject({ text: 'Cliente prefere contato pela manhã.' });
  });

  it('R-WS-13 a favourite is set, unset and set again under one id, each change pushed', async () => {
    const server = new FakeSyncServer(ana);
    const { db, controller, pushed } = await client(server);
    controller?.welcome(ana, server.replica);
    await controller?.awaitInitial();
    const id = favouriteIdOf(ana.id, 'conversation:c1');
    expect(await context.toggleFavourite(db, ana.id, 'conversation:c1')).toBe(true);
    await until(() => pushed.some((p) => p.doc.id === id && p.doc._deleted === false));
    expect(await context.toggleFavourite(db, ana.id, 'conversation:c1')).toBe(false);
    await until(() => pushed.some((p) => p.doc.id === id && p.doc._deleted === true));
    expect(await context.toggleFavourite(db, ana.id, 'conversation:c1')).toBe(true);
    expect((await db.favourites.find().exec()).map((d) => d.conversationId)).toEqual(['conversation:c1']);
    await until(() => pushed.filter((p) => p.doc.id === id).length >= 3);
  });
});

describe('mark and tags through the durable outbox (issue 9 point 3)', () => {
  it('R-WS-13 R-WS-05 R-NET-01 mark and tags are queued offline with their command id, shown as given, and sent in order once online', async () => {
    const { db } = await client();
    let online = false;
    const requests: Array<{ kind: string; conversationId: string; body: Record<string, unknown> }> = [];
    const outbox = new CommandOutbox(db.outbox, async (kind, conversationId, body) => {
      requests.push({ kind, conversationId, body });
      return {};
    }, { isOnline: () => online, retryMinMs: 1, retryMaxMs: 5 });
    open[open.length - 1]!.outbox = outbox;
    outbox.start();

    const marked = await context.markConversation(outbox, 'conversation:c1', 'resolved');
    const tagged = await context.tagConversation(outbox, 'conversation:c1', ['tag:urgente']);
    const pending = (await db.outbox.find().exec()).map((d) => d.toMutableJSON());
    const view = context.contextOf({ mark: null, tags: [] }, pending);
    expect(view).toEqual({ mark: 'resolved', tags: ['tag:urgente'], queued: true });
    expect(requests).toEqual([]);

    online = true;
    outbox.wake();
    // Woken as the connection returns, possibly while the pass that found it down is ending.
    await until(() => requests.length === 2);
    expect(requests).toEqual([
      { kind: 'mark', conversationId: 'conversation:c1', body: { id: marked.id, mark: 'resolved' } },
      { kind: 'tags', conversationId: 'conversation:c1', body: { id: tagged.id, tags: ['tag:urgente'] } },
    ]);
    await until(async () => (await db.outbox.find({ selector: { state: 'pending' } }).exec()).length === 0);
    const done = (await db.outbox.find().exec()).map((d) => d.toMutableJSON());
    // Applied: the conversation as the server answered it is what counts again.
    expect(context.contextOf({ mark: 'resolved', tags: ['tag:urgente'] }, done)).toEqual({ mark: 'resolved', tags: ['tag:urgente'], queued: false });
  });

  it('R-WS-13 R-WS-05 the HTTP transport sends mark and tags to their endpoints with the command id', async () => {
    await httpTransport('mark', 'conversation:c1', { id: 'cmd00000001', mark: null });
    await httpTransport('tags', 'conversation:c1', { id: 'cmd00000002', tags: ['tag:elogio'] });
    expect(sent).toEqual([
      { path: '/api/conversations/:id/mark', params: { id: 'conversation:c1' }, body: { id: 'cmd00000001', mark: null } },
      { path: '/api/conversations/:id/tags', params: { id: 'conversation:c1' }, body: { id: 'cmd00000002', tags: ['tag:elogio'] } },
    ]);
  });
});
