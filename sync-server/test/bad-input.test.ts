import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE_TEXT_MAX } from '@atende/protocol';
import type { StoredDoc } from '../src/store/index.js';
import { toWire } from '../src/store/wire.js';
import {
  call, clientId, FrameClient, login, newVisitor, pullAll, startTestServer, visitorSays,
  type Reply, type TestServer, type Visitor,
} from './helpers.js';

/**
 * Bad input on every endpoint group: each answer is a 4xx with a stable error code, nothing is
 * written, and the server keeps serving (issue 2, "Done when").
 */
let server: TestServer;
let ana: string;
let carla: string;
let admin: string;
let visitor: Visitor;
/** A waiting conversation of Ana's team, for the command routes. */
let ownConversationId: string;
/** A conversation of team Comercial, which Ana (Suporte) must not reach. */
let foreignConversationId: string;
let foreignMessageId: string;

interface ErrorBody {
  error: string;
  message: string;
}

beforeAll(async () => {
  server = await startTestServer({}, { reportRollups: false });
  const token = (email: string) => login(server, email).then((r) => r.accessToken);
  [ana, carla, admin] = await Promise.all([token('ana@demo.local'), token('carla@demo.local'), token('admin@demo.local')]);
  visitor = await newVisitor(server);
  ownConversationId = (await visitorSays(server, visitor, 'preciso de ajuda')).conversationId;

  const [written] = await server.store.bulkWrite([
    { _id: 'channel:loja2', type: 'channel', kind: 'webchat', name: 'Loja 2', entryTeamId: 'team:comercial' },
  ]);
  expect(written?.ok).toBe(true);
  const customer = await newVisitor(server, 'loja2');
  const foreign = await visitorSays(server, customer, 'quero comprar');
  foreignConversationId = foreign.conversationId;
  foreignMessageId = foreign.messageId;
  expect(await server.store.get(foreignConversationId)).toMatchObject({ teamId: 'team:comercial', status: 'waiting' });
  // The outbox settles first (the queue notices of issue 9), so snapshots see only what a request did.
  await server.jobs.idle();
});
afterAll(() => server.close());

/** Every document's revision, so any write (not just a new document) shows up. */
async function snapshot(): Promise<Map<string, string>> {
  const docs = await server.store.find({ selector: { _id: { $gt: null } }, limit: 1_000_000 });
  return new Map(docs.map((d) => [d._id, String(d._rev)]));
}

async function countOf(type: 'message' | 'conversation'): Promise<number> {
  return (await server.store.find({ selector: { type }, limit: 1_000_000 })).length;
}

interface Case {
  method: 'GET' | 'POST';
  path: string;
  token?: string | (() => string);
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  error: string;
  /** A fragment the message must contain, e.g. the offending field. */
  mentions?: string | RegExp;
}

/** Calls, checks the 4xx answer, and checks that nothing at all was written. */
async function rejected(c: Case): Promise<Reply<ErrorBody>> {
  const label = `${c.method} ${c.path} ${typeof c.body === 'string' ? c.body.slice(0, 40) : JSON.stringify(c.body)?.slice(0, 80)}`;
  const [before, messages, conversations] = await Promise.all([snapshot(), countOf('message'), countOf('conversation')]);
  expect(messages * conversations, 'the snapshot sees the seeded conversations').toBeGreaterThan(0);
  expect(before.size).toBeGreaterThan(messages + conversations);
  const token = typeof c.token === 'function' ? c.token() : c.token;
  const reply = await call<ErrorBody>(server, c.method, c.path, {
    ...(token ? { token } : {}),
    ...(c.body !== undefined ? { body: c.body } : {}),
    ...(c.headers ? { headers: c.headers } : {}),
  });
  expect(reply.status, label).toBe(c.status);
  expect(reply.body, label).toMatchObject({ error: c.error, message: expect.any(String) });
  if (c.mentions !== undefined) expect(reply.body.message, label).toMatch(c.mentions);
  expect(await countOf('message'), label).toBe(messages);
  expect(await countOf('conversation'), label).toBe(conversations);
  expect(await snapshot(), label).toEqual(before);
  return reply;
}

const MALFORMED = ['{"email": "ana@demo.local",', '{id: 1}', "{'text': 'x'}", '[1, 2', 'nul', '{"a":1}}'];
const OVERSIZED_TEXT = 'x'.repeat(1_200_000);
const tooLongText = 'y'.repeat(MESSAGE_TEXT_MAX + 1);
const visitorToken = () => visitor.token;

describe('malformed JSON is a 400 malformed_json on every endpoint group', () => {
  const routes: Array<{ path: () => string; token?: () => string }> = [
    { path: () => '/api/auth/login' },
    { path: () => '/api/auth/refresh' },
    { path: () => '/api/sync/contacts/push', token: () => ana },
    { path: () => `/api/conversations/${ownConversationId}/claim`, token: () => ana },
    { path: () => `/api/conversations/${ownConversationId}/messages`, token: () => ana },
    { path: () => `/api/conversations/${ownConversationId}/transfer`, token: () => ana },
    { path: () => `/api/conversations/${ownConversationId}/finish`, token: () => ana },
    { path: () => '/api/webchat/demo-site/visitors' },
    { path: () => '/api/webchat/messages', token: visitorToken },
  ];
  it('answers malformed_json for each route and body', async () => {
    for (const route of routes) {
      for (const body of MALFORMED) {
        await rejected({ method: 'POST', path: route.path(), ...(route.token ? { token: route.token } : {}), body, status: 400, error: 'malformed_json' });
      }
    }
  });
  it('treats a text/plain body the same way (the widget may send one)', async () => {
    await rejected({
      method: 'POST', path: '/api/webchat/messages', token: visitorToken, body: '{"id":', headers: { 'content-type': 'text/plain' },
      status: 400, error: 'malformed_json',
    });
  });
});

describe('wrong types, missing fields and unknown keys are a 400 invalid_input naming the field', () => {
  it('auth login', async () => {
    const path = '/api/auth/login';
    await rejected({ method: 'POST', path, body: { email: 42, password: 'atende123' }, status: 400, error: 'invalid_input', mentions: 'email' });
    await rejected({ method: 'POST', path, body: { email: 'not-an-email', password: 'atende123' }, status: 400, error: 'invalid_input', mentions: 'email' });
    await rejected({ method: 'POST', path, body: { email: 'ana@demo.local' }, status: 400, error: 'invalid_input', mentions: 'password' });
    await rejected({ method: 'POST', path, body: { email: 'ana@demo.local', password: ['atende123'] }, status: 400, error: 'invalid_input', mentions: 'password' });
    await rejected({ method: 'POST', path, body: { email: 'ana@demo.local', password: 'atende123', role: 'admin' }, status: 400, error: 'invalid_input', mentions: 'role' });
    await rejected({ method: 'POST', path, body: [], status: 400, error: 'invalid_input' });
    // A bare JSON scalar is refused by the strict body parser before validation.
    await rejected({ method: 'POST', path, body: '"ana@demo.local"', status: 400, error: 'malformed_json' });
    await rejected({
      method: 'POST', path, body: 'email=ana%40demo.local&password=atende123',
      // Not read as an empty body (issue 14 fuzz): a body in another content type is a 415.
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, error: 'unsupported_media_type',
    });
    // None of these counted as a failed attempt: Ana is not locked out.
    expect((await login(server, 'ana@demo.local')).user.id).toBe('user:ana');
  });

  it('sync pull', async () => {
    const path = '/api/sync/conversations/pull';
    await rejected({ method: 'GET', path: `${path}?limit=abc`, token: ana, status: 400, error: 'invalid_input', mentions: 'limit' });
    await rejected({ method: 'GET', path: `${path}?limit=0`, token: ana, status: 400, error: 'invalid_input', mentions: 'limit' });
    await rejected({ method: 'GET', path: `${path}?limit=100000`, token: ana, status: 400, error: 'invalid_input', mentions: 'limit' });
    await rejected({ method: 'GET', path: `${path}?limit=1&limit=2`, token: ana, status: 400, error: 'invalid_input', mentions: 'limit' });
    await rejected({ method: 'GET', path: `${path}?checkpoint=${'a'.repeat(5000)}`, token: ana, status: 400, error: 'invalid_input', mentions: 'checkpoint' });
    await rejected({ method: 'GET', path: `${path}?checkpoint=%7Bnot-json`, token: ana, status: 400, error: 'invalid_checkpoint' });
    await rejected({ method: 'GET', path: `${path}?checkpoint=${encodeURIComponent('{"seq":5}')}`, token: ana, status: 400, error: 'invalid_checkpoint' });
    await rejected({ method: 'GET', path: '/api/sync/credentials/pull', token: ana, status: 404, error: 'unknown_collection' });
  });

  it('sync push', async () => {
    const path = '/api/sync/contacts/push';
    const now = Date.now();
    const contact = { id: 'contact:novo', type: 'contact', name: 'Novo', email: '', addresses: {}, customFields: {}, createdAt: now, updatedAt: now };
    await rejected({ method: 'POST', path, token: ana, body: { newDocumentState: contact }, status: 400, error: 'invalid_input' });
    await rejected({ method: 'POST', path, token: ana, body: [{}], status: 400, error: 'invalid_input', mentions: 'newDocumentState' });
    await rejected({ method: 'POST', path, token: ana, body: [{ newDocumentState: 'contact:novo' }], status: 400, error: 'invalid_input', mentions: 'newDocumentState' });
    await rejected({ method: 'POST', path, token: ana, body: [{ newDocumentState: { ...contact, name: 5 } }], status: 400, error: 'invalid_input', mentions: 'name' });
    await rejected({ method: 'POST', path, token: ana, body: [{ newDocumentState: { ...contact, email: 'nope' } }], status: 400, error: 'invalid_input', mentions: 'email' });
    await rejected({ method: 'POST', path, token: ana, body: [{ newDocumentState: { ...contact, id: 'message:novo' } }], status: 400, error: 'invalid_input', mentions: 'id' });
    // A bad row anywhere leaves the good rows before it unwritten too.
    await rejected({
      method: 'POST', path, token: ana,
      body: [{ newDocumentState: contact }, { newDocumentState: { ...contact, id: 'contact:outro', addresses: { whatsapp: 'abc' } } }],
      status: 400, error: 'invalid_input', mentions: 'whatsapp',
    });
    expect(await server.store.get('contact:novo')).toBeUndefined();
  });

  it('conversation commands', async () => {
    const base = () => `/api/conversations/${ownConversationId}`;
    const cases: Array<[string, unknown, string | RegExp]> = [
      ['claim', { id: 5 }, 'id'],
      ['claim', { id: 'short' }, 'id'],
      ['claim', { force: true }, 'force'],
      ['claim', [], /expected object/i],
      ['messages', { text: 'oi' }, 'id'],
      ['messages', { id: clientId('m') }, 'text'],
      ['messages', { id: clientId('m'), text: 5 }, 'text'],
      ['messages', { id: 'with spaces and !', text: 'oi' }, 'id'],
      ['messages', { id: clientId('m'), text: 'oi', visibility: 'secret' }, 'visibility'],
      ['messages', { id: clientId('m'), text: 'oi', channel: 'private' }, 'channel'],
      ['messages', { id: clientId('m'), text: tooLongText }, 'text'],
      ['messages', { id: clientId('m'), text: '' }, 'text'],
      ['messages', { id: clientId('m'), text: ' \n\t ' }, 'text'],
      ['transfer', {}, /toAgentId or toTeamId/],
      ['transfer', { toTeamId: 5 }, 'toTeamId'],
      ['transfer', { toTeamId: 'comercial' }, 'toTeamId'],
      ['transfer', { toTeamId: 'team:comercial', toAgentId: 'user:bruno' }, /toAgentId or toTeamId/],
      ['transfer', { toTeamId: 'team:comercial', priority: 1 }, 'priority'],
      ['finish', { note: 5 }, 'note'],
      ['finish', { note: 'n'.repeat(4001) }, 'note'],
      ['finish', { disposition: 'duvida' }, 'disposition'],
      ['finish', { disposition: 'disposition:duvida', reason: 'x' }, 'reason'],
    ];
    for (const [command, body, mentions] of cases) {
      await rejected({ method: 'POST', path: `${base()}/${command}`, token: ana, body, status: 400, error: 'invalid_input', mentions });
    }
    for (const command of ['claim', 'finish']) {
      await rejected({ method: 'POST', path: `/api/conversations/not-an-id/${command}`, token: ana, body: {}, status: 400, error: 'invalid_input', mentions: 'conversation id' });
    }
    expect(await server.store.get(ownConversationId)).toMatchObject({ status: 'waiting', agentId: null, teamId: 'team:suporte' });
  });

  it('webchat visitors', async () => {
    const path = '/api/webchat/demo-site/visitors';
    await rejected({ method: 'POST', path, body: { name: 5 }, status: 400, error: 'invalid_input', mentions: 'name' });
    await rejected({ method: 'POST', path, body: { name: 'n'.repeat(201) }, status: 400, error: 'invalid_input', mentions: 'name' });
    await rejected({ method: 'POST', path, body: { email: 'nope' }, status: 400, error: 'invalid_input', mentions: 'email' });
    await rejected({ method: 'POST', path, body: { email: ['a@b.co'] }, status: 400, error: 'invalid_input', mentions: 'email' });
    await rejected({ method: 'POST', path, body: { name: 'Zé', phone: '11999999999' }, status: 400, error: 'invalid_input', mentions: 'phone' });
    await rejected({ method: 'POST', path, body: [], status: 400, error: 'invalid_input' });
    await rejected({ method: 'POST', path: '/api/webchat/nao-existe/visitors', body: {}, status: 404, error: 'unknown_account' });
  });

  it('webchat messages', async () => {
    const path = '/api/webchat/messages';
    const cases: Array<[unknown, string | RegExp]> = [
      [{ text: 'oi' }, 'id'],
      [{ id: clientId('v') }, 'text'],
      [{ id: 42, text: 'oi' }, 'id'],
      [{ id: clientId('v'), text: { html: '<b>oi</b>' } }, 'text'],
      [{ id: '../../etc', text: 'oi' }, 'id'],
      [{ id: clientId('v'), text: 'oi', conversationId: ownConversationId }, 'conversationId'],
      [{ id: clientId('v'), text: 'oi', direction: 'out' }, 'direction'],
      [{ id: clientId('v'), text: tooLongText }, 'text'],
      [{ id: clientId('v'), text: '' }, 'text'],
      [{ id: clientId('v'), text: '   \n\t  ' }, 'text'],
      [[{ id: clientId('v'), text: 'oi' }], /expected object/i],
    ];
    for (const [body, mentions] of cases) {
      await rejected({ method: 'POST', path, token: visitorToken, body, status: 400, error: 'invalid_input', mentions });
    }
    // Exactly the limit is fine: the bound is MESSAGE_TEXT_MAX characters, not one less.
    const atLimit = await call(server, 'POST', path, { token: visitor.token, body: { id: clientId('v'), text: 'z'.repeat(MESSAGE_TEXT_MAX) } });
    expect(atLimit.status).toBe(201);
  });
});

describe('missing or wrong credentials are a 401; a role without the right is a 403', () => {
  it('401 without a token, with a garbage token and with the other kind of token', async () => {
    const own = () => `/api/conversations/${ownConversationId}`;
    const agentRoutes: Array<[Case['method'], string, unknown]> = [
      ['GET', '/api/auth/me', undefined],
      ['POST', '/api/auth/logout', {}],
      ['GET', '/api/sync/conversations/pull', undefined],
      ['GET', '/api/sync/messages/pull', undefined],
      ['POST', '/api/sync/contacts/push', []],
      ['POST', `${own()}/claim`, {}],
      ['POST', `${own()}/messages`, { id: clientId('m'), text: 'oi' }],
      ['POST', `${own()}/transfer`, { toTeamId: 'team:comercial' }],
      ['POST', `${own()}/finish`, {}],
      ['POST', '/api/auth/unlock/user:ana', {}],
    ];
    for (const [method, path, body] of agentRoutes) {
      for (const token of [undefined, 'garbage', 'a.b', visitorToken]) {
        await rejected({ method, path, ...(token ? { token } : {}), ...(body !== undefined ? { body } : {}), status: 401, error: 'unauthenticated' });
      }
    }
    const visitorRoutes: Array<[Case['method'], unknown]> = [['GET', undefined], ['POST', { id: clientId('v'), text: 'oi' }]];
    for (const [method, body] of visitorRoutes) {
      for (const token of [undefined, 'garbage', () => ana]) {
        await rejected({ method, path: '/api/webchat/messages', ...(token ? { token } : {}), ...(body !== undefined ? { body } : {}), status: 401, error: 'unauthenticated' });
      }
    }
  });

  it('403 for an agent or a supervisor on an admin route; the admin may', async () => {
    await rejected({ method: 'POST', path: '/api/auth/unlock/user:ana', token: () => ana, body: {}, status: 403, error: 'forbidden' });
    await rejected({ method: 'POST', path: '/api/auth/unlock/user:ana', token: () => carla, body: {}, status: 403, error: 'forbidden' });
    expect((await call(server, 'POST', '/api/auth/unlock/user:ana', { token: admin, body: {} })).status).toBe(204);
  });

  it('403 for an agent pushing a collection that only changes through commands', async () => {
    const stored = await server.store.get(foreignConversationId);
    const row = { newDocumentState: { ...toWire<Record<string, unknown>>(stored as StoredDoc), teamId: 'team:suporte' } };
    await rejected({ method: 'POST', path: '/api/sync/conversations/push', token: () => ana, body: [row], status: 403, error: 'read_only_collection' });
    await rejected({ method: 'POST', path: '/api/sync/messages/push', token: () => ana, body: [], status: 403, error: 'read_only_collection' });
  });
});

describe('another team’s conversation is a 404 for every command and changes nothing', () => {
  it('claim, messages, transfer and finish by Ana (Suporte) on a Comercial conversation', async () => {
    const before = await server.store.get(foreignConversationId);
    const base = () => `/api/conversations/${foreignConversationId}`;
    const commands: Array<[string, unknown]> = [
      ['claim', {}],
      ['claim', { id: clientId('c') }],
      ['messages', { id: clientId('m'), text: 'intrusa' }],
      ['transfer', { toTeamId: 'team:suporte' }],
      ['transfer', { toAgentId: 'user:ana' }],
      ['finish', {}],
      ['finish', { disposition: 'disposition:duvida', note: 'fechado por engano' }],
    ];
    for (const [command, body] of commands) {
      const reply = await rejected({ method: 'POST', path: `${base()}/${command}`, token: () => ana, body, status: 404, error: 'not_found' });
      // Indistinguishable from a conversation that does not exist.
      const missing = await call<ErrorBody>(server, 'POST', `/api/conversations/conversation:NAOEXISTE0000000000000000/${command}`, { token: ana, body });
      expect([missing.status, missing.body.error]).toEqual([reply.status, reply.body.error]);
    }
    const after = await server.store.get(foreignConversationId);
    expect(after?._rev).toBe(before?._rev);
    expect(after).toEqual(before);
    const messages = await server.store.find({ selector: { type: 'message', conversationId: foreignConversationId }, limit: 100 });
    expect(messages.filter((m) => m.direction !== 'system').map((m) => m._id)).toEqual([foreignMessageId]);
  });

  it('Ana never receives it by pull, and typing into it over /ws is an error frame', async () => {
    const conversations = await pullAll(server, ana, 'conversations');
    const messages = await pullAll(server, ana, 'messages');
    expect(conversations.documents.some((d) => d.id === foreignConversationId)).toBe(false);
    expect(messages.documents.some((d) => d.id === foreignMessageId)).toBe(false);
    expect(JSON.stringify(messages.documents)).not.toContain('quero comprar');

    const socket = await FrameClient.agent(server, ana);
    socket.send({ type: 'typing', conversationId: foreignConversationId, typing: true });
    expect(await socket.next((f) => f.type === 'error')).toMatchObject({ code: 'not_found' });
    socket.send({ type: 'conversation.take', conversationId: foreignConversationId });
    expect(await socket.next((f) => f.type === 'error' && f.code === 'unknown_frame')).toBeDefined();
    socket.send({ type: 'ping' });
    expect(await socket.next((f) => f.type === 'pong')).toEqual({ type: 'pong' });
    expect(socket.closed).toBeUndefined();
    socket.close();
  });
});

describe('oversized bodies are a 413 payload_too_large', () => {
  it('over 1 MiB on every endpoint group', async () => {
    const targets: Array<{ path: () => string; token?: () => string; body: () => unknown }> = [
      { path: () => '/api/auth/login', body: () => ({ email: 'ana@demo.local', password: OVERSIZED_TEXT }) },
      { path: () => '/api/sync/contacts/push', token: () => ana, body: () => [{ newDocumentState: { name: OVERSIZED_TEXT } }] },
      { path: () => `/api/conversations/${ownConversationId}/messages`, token: () => ana, body: () => ({ id: clientId('m'), text: OVERSIZED_TEXT }) },
      { path: () => `/api/conversations/${ownConversationId}/finish`, token: () => ana, body: () => ({ note: OVERSIZED_TEXT }) },
      { path: () => '/api/webchat/demo-site/visitors', body: () => ({ name: OVERSIZED_TEXT }) },
      { path: () => '/api/webchat/messages', token: visitorToken, body: () => ({ id: clientId('v'), text: OVERSIZED_TEXT }) },
    ];
    for (const t of targets) {
      await rejected({ method: 'POST', path: t.path(), ...(t.token ? { token: t.token } : {}), body: t.body(), status: 413, error: 'payload_too_large' });
    }
  });

  it('just under the limit is parsed and then refused by validation, not by size', async () => {
    const text = 'x'.repeat(1024 * 1024 - 100);
    await rejected({ method: 'POST', path: '/api/webchat/messages', token: visitorToken, body: { id: clientId('v'), text }, status: 400, error: 'invalid_input', mentions: 'text' });
  });
});

describe('unknown routes are a 404 JSON answer', () => {
  it('under /api and elsewhere', async () => {
    const routes: Array<[Case['method'], string]> = [
      ['GET', '/api/nope'],
      ['POST', '/api/nope'],
      ['GET', '/api'],
      ['GET', '/api/conversations'], // POST starts a conversation (issue 10)
      ['GET', `/api/conversations/conversation:X0000000/claim`],
      ['POST', '/api/webchat'],
      ['POST', '/api/sync/conversations'],
      ['GET', '/no-such-page.html'],
    ];
    for (const [method, path] of routes) {
      const token = path.startsWith('/api/conversations') || path.startsWith('/api/sync') ? () => ana : undefined;
      const reply = await rejected({ method, path, ...(token ? { token } : {}), ...(method === 'POST' ? { body: {} } : {}), status: 404, error: 'not_found' });
      expect(typeof reply.body).toBe('object');
    }
  });
});

describe('after all of the above', () => {
  it('the server still serves and the legitimate flow still works', async () => {
    const health = await call<{ ok: boolean }>(server, 'GET', '/api/health');
    expect(health.status).toBe(200);
    expect(health.body.ok).toBe(true);

    const claim = await call(server, 'POST', `/api/conversations/${ownConversationId}/claim`, { token: ana, body: {} });
    expect(claim.status).toBe(200);
    const reply = await call(server, 'POST', `/api/conversations/${ownConversationId}/messages`, { token: ana, body: { id: clientId('m'), text: 'Olá!' } });
    expect(reply.status).toBe(201);
    // Read again for a moment: a read right after the send job rewrote the reply can miss it once on
    // the embedded store (an open defect, issue 16's closing note), never for long.
    let spoken: Array<{ text: string; direction: string }> = [];
    for (let attempt = 0; attempt < 20; attempt++) {
      const transcript = await call<{ messages: Array<{ text: string; direction: string }> }>(server, 'GET', '/api/webchat/messages', { token: visitor.token });
      spoken = transcript.body.messages.filter((m) => m.direction !== 'system');
      if (spoken.some((m) => m.text === 'Olá!')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(spoken.map((m) => m.text)).toEqual(['preciso de ajuda', 'z'.repeat(MESSAGE_TEXT_MAX), 'Olá!']);
  });
});
