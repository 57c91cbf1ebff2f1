import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncStatus, type SyncCheckpoint } from '@atende/protocol';
import { loadConfig, ConfigError } from '../src/config/config.js';
import { EmbeddedStore } from '../src/store/embedded.js';
import type { StoredDoc } from '../src/store/index.js';
import { CountingStore } from './countingStore.js';
import { addUser, call, clientId, login, newVisitor, pullAll, startTestServer, visitorSays, type TestServer } from './helpers.js';


type Doc = Record<string, unknown>;
const TEAMS = 20;
const PER_TEAM = 40;

let server: TestServer;
let dir: string;
let inner: EmbeddedStore;
let counting: CountingStore;
let ana: string;
let diego: string;
let tereza: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'atende-bounded-'));
  inner = new EmbeddedStore(dir);
  counting = new CountingStore(inner);
  server = await startTestServer({}, { store: counting });
  await server.store.bulkWrite([{ _id: 'channel:loja2', type: 'channel', kind: 'webchat', name: 'Loja 2', entryTeamId: 'team:comercial' }]);
  await addUser(server, { key: 'diego', name: 'Diego Comercial', email: 'diego@test.local', role: 'agent', teamIds: ['team:comercial'] });
  await addUser(server, { key: 'tereza', name: 'Tereza T07', email: 'tereza@test.local', role: 'agent', teamIds: ['team:t07'] });
  // An organisation of 20 teams: conversations and messages of every team, written through the
  // server's store so each gets its changedAt stamp, like any write.
  const now = Date.now();
  const docs: StoredDoc[] = [];
  for (let n = 0; n < TEAMS * PER_TEAM; n++) {
    const teamId = `team:t${String(n % TEAMS).padStart(2, '0')}`;
    const conversationId = `conversation:bulk${n}`;
    docs.push(
      { _id: conversationId, type: 'conversation', teamId, formerTeamIds: [], status: 'waiting', contactId: 'contact:maria', lastPreview: `p${n}`, createdAt: now, updatedAt: now },
      { _id: `message:bulk${n}a`, type: 'message', conversationId, teamId, formerTeamIds: [], text: `a${n}`, createdAt: now, updatedAt: now },
      { _id: `message:bulk${n}b`, type: 'message', conversationId, teamId, formerTeamIds: [], text: `b${n}`, createdAt: now, updatedAt: now },
    );
  }
  for (let i = 0; i < docs.length; i += 500) await server.store.bulkWrite(docs.slice(i, i + 500));
  const token = (email: string) => login(server, email).then((r) => r.accessToken);
  [ana, diego, tereza] = await Promise.all([token('ana@demo.local'), token('diego@test.local'), token('tereza@test.local')]);
});

afterAll(async () => {
  await server.close();
  await inner.close();
  rmSync(dir, { recursive: true, force: true });
});

const ids = (docs: Doc[]) => docs.map((d) => String(d.id));
const pullFrom = (token: string, collection: string, checkpoint: unknown, limit = 100) =>
  call<{ documents: Doc[]; checkpoint: SyncCheckpoint; error?: string }>(
    server, 'GET', `/api/sync/${collection}/pull?limit=${limit}&checkpoint=${encodeURIComponent(JSON.stringify(checkpoint))}`, { token },
  );

describe('bounded replicas over the real store (ARCHITECTURE §4)', () => {
  it('ARCHITECTURE §4 an agent of 1 team out of 20: the documents a pull touches are at most 2× those it returns', async () => {
    for (const collection of ['conversations', 'messages']) {
      const before = counting.rowsRead;
      const { documents } = await pullAll(server, tereza, collection, 25);
      const touched = counting.rowsRead - before;
      expect(documents.length).toBe(collection === 'messages' ? 2 * PER_TEAM : PER_TEAM);
      expect(documents.every((d) => d.teamId === 'team:t07')).toBe(true);
      expect(touched).toBeLessThanOrEqual(2 * documents.length);
    }
  });

  it('R-NET-05 a checkpoint of another or a reset store is answered 409 replica_reset', async () => {
    const { checkpoint } = await pullAll(server, tereza, 'conversations');
    const foreign = { ...(checkpoint as SyncCheckpoint), store: 'another-store.1' };
    const reply = await pullFrom(tereza, 'conversations', foreign);
    expect(reply.status).toBe(409);
    expect(reply.body.error).toBe('replica_reset');
    const same = await pullFrom(tereza, 'conversations', checkpoint);
    expect(same.status).toBe(200);
  });

  it('ARCHITECTURE §4 contacts reach the agents of the teams whose conversations reference them, and follow a transfer', async () => {
    const suporte = await newVisitor(server, 'demo-site', 'Cliente Suporte');
    const comercial = await newVisitor(server, 'loja2', 'Cliente Comercial');
    const inSuporte = await visitorSays(server, suporte, 'oi suporte');
    await visitorSays(server, comercial, 'oi comercial');
    const contactOf = async (conversationId: string) => String((await server.store.get(conversationId))?.contactId);
    const suporteContact = await contactOf(inSuporte.conversationId);
    const anaContacts = ids((await pullAll(server, ana, 'contacts')).documents);
    const diegoContacts = ids((await pullAll(server, diego, 'contacts')).documents);
    expect(anaContacts).toContain(suporteContact);
    expect(diegoContacts).not.toContain(suporteContact);
    expect(anaContacts.some((id) => diegoContacts.includes(id))).toBe(false);

    await call(server, 'POST', `/api/conversations/${inSuporte.conversationId}/claim`, { token: ana, body: {} });
    const moved = await call(server, 'POST', `/api/conversations/${inSuporte.conversationId}/transfer`, { token: ana, body: { toTeamId: 'team:comercial' } });
    expect(moved.status).toBe(200);
    await server.jobs.idle(); // the contact follows through the same outbox job as the messages
    expect(ids((await pullAll(server, diego, 'contacts')).documents)).toContain(suporteContact);
  });

  it('ARCHITECTURE §4 a contact an agent creates by push is theirs alone until a conversation links it', async () => {
    const contact = { id: `contact:${clientId()}`, type: 'contact', name: 'Só da Ana', email: '', addresses: {}, customFields: {}, createdAt: 0, updatedAt: 0, teamIds: ['team:comercial'], createdBy: 'user:diego' };
    const pushed = await call<Doc[]>(server, 'POST', '/api/sync/contacts/push', { token: ana, body: [{ newDocumentState: contact, assumedMasterState: null }] });
    expect(pushed.body).toEqual([]);
    // teamIds and createdBy are the server's: the client's values are ignored.
    expect(await server.store.get(contact.id)).toMatchObject({ teamIds: [], createdBy: 'user:ana' });
    expect(ids((await pullAll(server, ana, 'contacts')).documents)).toContain(contact.id);
    expect(ids((await pullAll(server, diego, 'contacts')).documents)).not.toContain(contact.id);
  });

  it('R-NET-03 a contact removed by push stays a content-free tombstone that reaches replicas; a late edit learns it is gone', async () => {
    const contactId = `contact:${clientId('rm')}`;
    const made = await call(server, 'POST', '/api/contacts', { token: ana, body: { id: contactId, name: 'Quem Sai', email: 'quem.sai@example.com', whatsapp: '11 97654-0101' } });
    expect(made.status).toBe(201);
    const held = await pullAll(server, ana, 'contacts');
    const master = held.documents.find((d) => d.id === contactId);
    expect(master).toMatchObject({ name: 'Quem Sai' });
    // Removal is a supervisor's (issue 14, protocol/permissions.ts mayRemoveContact).
    const carla = (await login(server, 'carla@demo.local')).accessToken;
    const removed = await call<Doc[]>(server, 'POST', '/api/sync/contacts/push', {
      token: carla, body: [{ newDocumentState: { ...master, _deleted: true }, assumedMasterState: master }],
    });
    expect(removed.body).toEqual([]);
    const stored = await server.store.get(contactId);
    expect(stored).toMatchObject({ removed: true, teamIds: ['team:suporte'] });
    expect(stored?._deleted).toBeUndefined();
    expect(JSON.stringify(stored)).not.toContain('Quem Sai');

    const after = (await pullFrom(ana, 'contacts', held.checkpoint)).body.documents.find((d) => d.id === contactId);
    expect(after).toMatchObject({ id: contactId, _deleted: true });
    expect(JSON.stringify(after)).not.toMatch(/Quem Sai|quem\.sai/);
    // A late edit of a removed contact learns it is gone.
    const late = await call<Doc[]>(server, 'POST', '/api/sync/contacts/push', {
      token: ana, body: [{ newDocumentState: { ...master, name: 'Tarde' }, assumedMasterState: master }],
    });
    expect(late.body).toEqual([expect.objectContaining({ id: contactId, _deleted: true })]);
  });

  it('ARCHITECTURE §4 /api/sync/status tells a fresh replica how much each collection holds and what is left', async () => {
    const fresh = await call(server, 'GET', '/api/sync/status', { token: tereza });
    expect(fresh.status).toBe(200);
    const status = SyncStatus.parse(fresh.body);
    expect(status.remaining).toMatchObject({ conversations: PER_TEAM, messages: 2 * PER_TEAM });
    const { checkpoint } = await pullAll(server, tereza, 'messages');
    const query = encodeURIComponent(JSON.stringify({ messages: checkpoint }));
    const later = SyncStatus.parse((await call(server, 'GET', `/api/sync/status?checkpoints=${query}`, { token: tereza })).body);
    expect(later.remaining.messages).toBe(0);
    expect(later.scope).toBe(status.scope);
    expect((await call(server, 'GET', '/api/sync/status?checkpoints=%7Bnope', { token: tereza })).status).toBe(400);
  });

  it('ARCHITECTURE §4 a fresh replica holds open conversations of any age and the last N days of history, nothing older', async () => {
    // Written past the change stamps, as if they had last changed 40 days ago.
    const old = Date.now() - 40 * 24 * 60 * 60 * 1000;
    const aged = (id: string, status: string, extra: Record<string, unknown> = {}): StoredDoc => ({
      _id: id, type: 'conversation', teamId: 'team:t07', formerTeamIds: [], status, contactId: 'contact:maria',
      lastPreview: id, finishedAt: status === 'finished' ? old : null, createdAt: old, updatedAt: old, changedAt: old, ...extra,
    });
    await counting.bulkWrite([
      aged('conversation:old-waiting', 'waiting'), aged('conversation:old-active', 'active'),
      aged('conversation:old-finished', 'finished'), aged('conversation:old-other', 'waiting', { teamId: 'team:t08' }),
      { _id: 'message:old-one', type: 'message', conversationId: 'conversation:old-active', teamId: 'team:t07', formerTeamIds: [], text: 'velha', createdAt: old, updatedAt: old, changedAt: old },
    ]);
    const conversations = ids((await pullAll(server, tereza, 'conversations', 1)).documents);
    expect(conversations).toEqual(expect.arrayContaining(['conversation:old-waiting', 'conversation:old-active']));
    expect(conversations).not.toContain('conversation:old-finished');
    expect(conversations).not.toContain('conversation:old-other');
    expect(new Set(conversations).size).toBe(conversations.length);
    expect(conversations).toHaveLength(PER_TEAM + 2);
    expect(ids((await pullAll(server, tereza, 'messages')).documents)).not.toContain('message:old-one');
  });

  it('ARCHITECTURE §4 the replica window is a setting, ATENDE_REPLICA_DAYS', () => {
    expect(loadConfig({}).replicaDays).toBe(30);
    expect(loadConfig({ ATENDE_REPLICA_DAYS: '7' }).replicaDays).toBe(7);
    expect(() => loadConfig({ ATENDE_REPLICA_DAYS: '0' })).toThrow(ConfigError);
  });
});
