import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ContactDoc, ConversationDoc, MessageDoc, VisitorMessage } from '@atende/protocol';
import type { StoredDoc } from '../src/store/index.js';
import { toWire } from '../src/store/wire.js';
import {
  call, clientId, FrameClient, login, newVisitor, pullAll, startTestServer, visitorSays,
  type TestServer, type Visitor,
} from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const WIDGET_SOURCE = readFileSync(path.join(here, '../public/widget.js'), 'utf8');

let server: TestServer;
let ana: string;

beforeAll(async () => {
  server = await startTestServer();
  ana = (await login(server, 'ana@demo.local')).accessToken;
});
afterAll(() => server.close());

interface PostReply {
  message: { id: string; createdAt: number };
  error?: string;
}
interface Transcript {
  messages: VisitorMessage[];
}

const post = (visitor: Visitor, id: string, text: string) =>
  call<PostReply>(server, 'POST', '/api/webchat/messages', { token: visitor.token, body: { id, text } });

/** What the customer and the agents wrote; the lifecycle notices have their own tests (events.test.ts). */
const transcriptOf = async (visitor: Visitor) => {
  const reply = await call<Transcript>(server, 'GET', '/api/webchat/messages', { token: visitor.token });
  return { ...reply, body: { messages: reply.body.messages.filter((m) => m.direction !== 'system') } };
};

async function contactOf(visitor: Visitor): Promise<StoredDoc> {
  const link = await server.store.get(`visitor:${visitor.visitorId}`);
  const contact = link ? await server.store.get(String(link.contactId)) : undefined;
  if (!contact) throw new Error(`no contact for visitor ${visitor.visitorId}`);
  return contact;
}

async function conversationsOf(visitor: Visitor): Promise<StoredDoc[]> {
  const contact = await contactOf(visitor);
  return server.store.find({ selector: { type: 'conversation', contactId: contact._id }, limit: 1000 });
}

const messagesIn = async (conversationId: string) =>
  (await server.store.find({ selector: { type: 'message', conversationId }, limit: 1000 })).filter((m) => m.direction !== 'system');

/** A raw socket whose listeners exist before the handshake ends, so no early frame is missed. */
function rawVisitorSocket(query: string): Promise<{ frames: Array<Record<string, unknown>>; code: number }> {
  return new Promise((resolve, reject) => {
    const frames: Array<Record<string, unknown>> = [];
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws/webchat${query}`);
    ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as Record<string, unknown>));
    ws.on('close', (code) => resolve({ frames, code }));
    ws.on('error', reject);
  });
}

/** Just enough DOM for the widget to run in a VM context without a browser. */
type Listener = (event: { preventDefault(): void }) => void;
class StubText {
  constructor(readonly data: string) {}
}
class StubElement {
  id = '';
  className = '';
  textContent = '';
  value = '';
  scrollTop = 0;
  scrollHeight = 0;
  readonly dataset: Record<string, string> = {};
  children: Array<StubElement | StubText> = [];
  shadow: StubShadowRoot | undefined;
  private readonly listeners = new Map<string, Listener[]>();
  private readonly classes = new Set<string>();
  hidden = false;
  readonly attributes = new Map<string, string>();
  readonly classList = {
    toggle: (name: string, force?: boolean) => ((force ?? !this.classes.has(name)) ? this.classes.add(name) : this.classes.delete(name)),
    contains: (name: string) => this.classes.has(name),
  };
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, value);
  }
  removeAttribute(name: string): void {
    this.attributes.delete(name);
  }
  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  dispatch(type: string): void {
    for (const listener of this.listeners.get(type) ?? []) listener({ preventDefault: () => undefined });
  }
  focus(): void {}
  append(...nodes: Array<StubElement | StubText>): void {
    this.children.push(...nodes);
  }
  replaceChildren(...nodes: Array<StubElement | StubText>): void {
    this.children = nodes;
  }
  requestSubmit(): void {
    this.dispatch('submit');
  }
  attachShadow(): StubShadowRoot {
    return (this.shadow = new StubShadowRoot());
  }
}
class StubShadowRoot {
  readonly htmlWrites: string[] = [];
  private readonly nodes = new Map<string, StubElement>();
  set innerHTML(html: string) {
    this.htmlWrites.push(html);
  }
  querySelector(selector: string): StubElement {
    const node = this.nodes.get(selector) ?? new StubElement();
    this.nodes.set(selector, node);
    return node;
  }
}
/** The widget's sockets, with an error listener so a refused reconnect never throws. */
class WidgetSocket extends WebSocket {
  static readonly opened: WidgetSocket[] = [];
  constructor(url: string) {
    super(url);
    this.on('error', () => undefined);
    WidgetSocket.opened.push(this);
  }
}

/** Polls a condition (no timing is asserted: only the condition, with a generous cap). */
async function until(condition: () => boolean | Promise<boolean>, what: string, capMs = 5000): Promise<void> {
  for (let waited = 0; !(await condition()); waited += 10) {
    if (waited > capMs) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Reads the expression assigned to `root.innerHTML`: the literal HTML it concatenates and any
 * source that is not a single-quoted string literal or a `+` (which would be dynamic content).
 */
function staticTemplate(source: string): { html: string; nonLiteral: string } {
  const start = source.indexOf('root.innerHTML =');
  if (start < 0) return { html: '', nonLiteral: 'no root.innerHTML assignment' };
  let html = '';
  let nonLiteral = '';
  for (let i = start + 'root.innerHTML ='.length; i < source.length; i++) {
    const ch = source.charAt(i);
    if (ch === ';') return { html, nonLiteral };
    if (/[\s+]/.test(ch)) continue;
    if (ch !== "'") {
      nonLiteral += ch;
      continue;
    }
    for (i++; i < source.length && source.charAt(i) !== "'"; i++) {
      if (source.charAt(i) === '\\') i++;
      html += source.charAt(i);
    }
  }
  return { html, nonLiteral: nonLiteral + ' (unterminated)' };
}

/** The conversation a visitor's first message opened, claimed by Ana. */
async function claimedBy(token: string, text = 'Olá, preciso de ajuda') {
  const visitor = await newVisitor(server);
  const { conversationId } = await visitorSays(server, visitor, text);
  const claim = await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token, body: {} });
  expect(claim.status).toBe(200);
  return { visitor, conversationId };
}

describe('R-CH-02 website chat visitors', () => {
  it('R-CH-02 creates a visitor (201 {visitorId, token}) and stores name and email on its contact', async () => {
    const reply = await call<{ visitorId: string; token: string }>(server, 'POST', '/api/webchat/demo-site/visitors', {
      body: { name: '  Maria Lima ', email: 'maria@example.com' },
    });
    expect(reply.status).toBe(201);
    expect(Object.keys(reply.body).sort()).toEqual(['token', 'visitorId']);
    expect(reply.body.visitorId).toMatch(/^[0-9A-Z]{26}$/);
    expect(reply.body.token.length).toBeGreaterThan(20);

    const contact = await contactOf(reply.body);
    expect(contact).toMatchObject({
      type: 'contact', name: 'Maria Lima', email: 'maria@example.com', addresses: { webchat: reply.body.visitorId },
    });
    expect(ContactDoc.safeParse(toWire(contact)).success).toBe(true);

    const anonymous = await newVisitor(server);
    expect(await contactOf(anonymous)).toMatchObject({ name: 'Visitante', email: '' });
  });

  it('R-CH-02 an unknown account id is a 404 and creates nothing', async () => {
    const before = await server.store.find({ selector: { type: 'contact' }, limit: 100_000 });
    for (const account of ['nao-existe', 'tokens', '..%2F..%2Fsecret', 'x'.repeat(65)]) {
      const reply = await call(server, 'POST', `/api/webchat/${account}/visitors`, { body: {} });
      expect(reply.status, account).toBe(404);
      expect(reply.body).toMatchObject({ error: expect.stringMatching(/unknown_account|not_found/) });
    }
    const after = await server.store.find({ selector: { type: 'contact' }, limit: 100_000 });
    expect(after).toHaveLength(before.length);
  });

  it('R-CH-02 the first message opens exactly one waiting conversation in the entry team with a protocol number', async () => {
    const visitor = await newVisitor(server, 'demo-site', 'Paulo');
    expect(await conversationsOf(visitor)).toHaveLength(0);
    const first = await post(visitor, clientId('v'), 'Meu pedido não chegou');
    expect(first.status).toBe(201);

    const conversations = await conversationsOf(visitor);
    expect(conversations).toHaveLength(1);
    const conversation = conversations[0] as StoredDoc;
    expect(conversation).toMatchObject({
      status: 'waiting', teamId: 'team:suporte', channel: 'webchat', channelAccountId: 'channel:demo-site',
      agentId: null, startedBy: 'customer', lastPreview: 'Meu pedido não chegou',
    });
    expect(String(conversation.protocol)).toMatch(/^\d{8}-\d{6}$/);
    expect(ConversationDoc.safeParse(toWire(conversation)).success).toBe(true);

    const stored = await server.store.get(first.body.message.id);
    expect(stored).toMatchObject({
      type: 'message', conversationId: conversation._id, teamId: 'team:suporte', direction: 'in',
      authorName: 'Paulo', text: 'Meu pedido não chegou', visibility: 'public',
    });
  });

  it('R-CH-02 later messages append to the same conversation until it is finished', async () => {
    const visitor = await newVisitor(server);
    const first = await visitorSays(server, visitor, 'primeira');
    const second = await visitorSays(server, visitor, 'segunda');
    const third = await visitorSays(server, visitor, 'terceira');
    expect(second.conversationId).toBe(first.conversationId);
    expect(third.conversationId).toBe(first.conversationId);
    expect(await conversationsOf(visitor)).toHaveLength(1);
    expect((await messagesIn(first.conversationId)).map((m) => m.text).sort()).toEqual(['primeira', 'segunda', 'terceira']);
    expect(await server.store.get(first.conversationId)).toMatchObject({ status: 'waiting', lastPreview: 'terceira' });

    await call(server, 'POST', `/api/conversations/${first.conversationId}/claim`, { token: ana, body: {} });
    const whileActive = await visitorSays(server, visitor, 'durante o atendimento');
    expect(whileActive.conversationId).toBe(first.conversationId);
    const finish = await call(server, 'POST', `/api/conversations/${first.conversationId}/finish`, { token: ana, body: {} });
    expect(finish.status).toBe(200);

    const after = await visitorSays(server, visitor, 'voltei');
    expect(after.conversationId).not.toBe(first.conversationId);
    expect(await server.store.get(after.conversationId)).toMatchObject({ status: 'waiting', teamId: 'team:suporte' });
    expect(await server.store.get(first.conversationId)).toMatchObject({ status: 'finished' });
    expect(await conversationsOf(visitor)).toHaveLength(2);
  });

  it('R-CH-02 concurrent first messages of one visitor open only one conversation', async () => {
    const visitor = await newVisitor(server);
    const ids = Array.from({ length: 10 }, () => clientId('p'));
    const replies = await Promise.all(ids.map((id, i) => post(visitor, id, `mensagem ${i}`)));
    expect(replies.map((r) => r.status)).toEqual(Array(10).fill(201));

    const conversations = await conversationsOf(visitor);
    expect(conversations).toHaveLength(1);
    const messages = await messagesIn((conversations[0] as StoredDoc)._id);
    expect(messages).toHaveLength(10);
    expect(new Set(messages.map((m) => m.externalId))).toEqual(new Set(ids));
  });

  it('R-CH-02 the transcript holds only that visitor’s public messages, in order', async () => {
    const { visitor, conversationId } = await claimedBy(ana, 'a1: olá');
    const other = await newVisitor(server);
    await visitorSays(server, other, 'segredo do outro visitante');
    await visitorSays(server, visitor, 'a2: alguém aí?');
    const reply = await call(server, 'POST', `/api/conversations/${conversationId}/messages`, {
      token: ana, body: { id: clientId('a'), text: 'a3: sim, Ana aqui' },
    });
    expect(reply.status).toBe(201);
    await visitorSays(server, visitor, 'a4: obrigado');

    const mine = await transcriptOf(visitor);
    expect(mine.status).toBe(200);
    expect(mine.body.messages.map((m) => [m.direction, m.text])).toEqual([
      ['in', 'a1: olá'],
      ['in', 'a2: alguém aí?'],
      ['out', 'a3: sim, Ana aqui'],
      ['in', 'a4: obrigado'],
    ]);
    for (const m of mine.body.messages) {
      expect(Object.keys(m).sort()).toEqual(['attachments', 'authorName', 'createdAt', 'direction', 'id', 'text']);
      expect(VisitorMessage.safeParse(m).success).toBe(true);
    }
    const times = mine.body.messages.map((m) => m.createdAt);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(JSON.stringify(mine.body)).not.toContain('segredo do outro visitante');

    const theirs = await transcriptOf(other);
    expect(theirs.body.messages.map((m) => m.text)).toEqual(['segredo do outro visitante']);
    expect(JSON.stringify(theirs.body)).not.toMatch(/a1: olá|a3: sim/);

    const fresh = await newVisitor(server);
    expect((await transcriptOf(fresh)).body).toEqual({ messages: [] });
  });
});

describe('R-CH-11 idempotent visitor messages', () => {
  it('R-CH-11 the same message id twice stores one message; the repeat is 200 with the same id', async () => {
    const visitor = await newVisitor(server);
    const id = clientId('d');
    const first = await post(visitor, id, 'só uma vez');
    expect(first.status).toBe(201);
    // 201 means durable: the message is readable from the store and the transcript at once.
    expect(await server.store.get(first.body.message.id)).toMatchObject({ text: 'só uma vez', externalId: id });
    expect((await transcriptOf(visitor)).body.messages.map((m) => m.id)).toEqual([first.body.message.id]);

    const again = await post(visitor, id, 'só uma vez');
    expect(again.status).toBe(200);
    expect(again.body.message).toEqual(first.body.message);
    const [conversation] = await conversationsOf(visitor);
    const messages = await messagesIn(String(conversation?._id));
    expect(messages).toHaveLength(1);
  });

  it('R-CH-11 the same id posted 10 times concurrently stores one message: one 201, the rest 200', async () => {
    const visitor = await newVisitor(server);
    const id = clientId('r');
    const replies = await Promise.all(
      Array.from({ length: 10 }, () =>
        post(visitor, id, 'repetida').then(async (reply) => ({
          reply,
          // Read right after each answer: whichever status, the message must already be stored.
          stored: reply.status < 300 ? await server.store.get(reply.body.message.id) : undefined,
        })),
      ),
    );
    const statuses = replies.map((r) => r.reply.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const messageIds = new Set(replies.map((r) => r.reply.body.message.id));
    expect(messageIds.size).toBe(1);
    for (const r of replies) expect(r.stored).toMatchObject({ type: 'message', text: 'repetida' });

    const conversations = await conversationsOf(visitor);
    expect(conversations).toHaveLength(1);
    const messages = await messagesIn(String(conversations[0]?._id));
    expect(messages).toHaveLength(1);
    expect((await transcriptOf(visitor)).body.messages).toHaveLength(1);
  });

  it('R-CH-11 the same id with a different text is a 409 and leaves the first text', async () => {
    const visitor = await newVisitor(server);
    const id = clientId('x');
    const first = await post(visitor, id, 'texto original');
    const clash = await post(visitor, id, 'texto trocado');
    expect(first.status).toBe(201);
    expect(clash.status).toBe(409);
    expect(clash.body.error).toBe('id_conflict');
    expect(await server.store.get(first.body.message.id)).toMatchObject({ text: 'texto original' });
    expect((await transcriptOf(visitor)).body.messages.map((m) => m.text)).toEqual(['texto original']);
  });

  it('R-CH-11 two visitors using the same client id do not collide', async () => {
    const [one, two] = await Promise.all([newVisitor(server), newVisitor(server)]);
    const id = clientId('s');
    const [a, b] = await Promise.all([post(one, id, 'do primeiro'), post(two, id, 'do segundo')]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.message.id).not.toBe(b.body.message.id);
    expect(await server.store.get(a.body.message.id)).toMatchObject({ text: 'do primeiro' });
    expect(await server.store.get(b.body.message.id)).toMatchObject({ text: 'do segundo' });
    expect((await transcriptOf(one)).body.messages.map((m) => m.text)).toEqual(['do primeiro']);
    expect((await transcriptOf(two)).body.messages.map((m) => m.text)).toEqual(['do segundo']);
    const [c1] = await conversationsOf(one);
    const [c2] = await conversationsOf(two);
    expect(c1?._id).not.toBe(c2?._id);
  });

  it('R-CH-11 a message stored under the longest client id is still a valid protocol document', async () => {
    const visitor = await newVisitor(server);
    const id = 'L'.repeat(64);
    const first = await post(visitor, id, 'id comprido');
    expect(first.status).toBe(201);
    const again = await post(visitor, id, 'id comprido');
    expect(again.status).toBe(200);
    expect(again.body.message.id).toBe(first.body.message.id);
    const other = await post(visitor, 'M'.repeat(64), 'outro id comprido');
    expect(other.status).toBe(201);
    expect(other.body.message.id).not.toBe(first.body.message.id);
    const stored = await server.store.get(first.body.message.id);
    expect(stored).toMatchObject({ externalId: id, text: 'id comprido' });
    const parsed = MessageDoc.safeParse(toWire(stored as StoredDoc));
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    // Agents replicate it like any other message.
    const pulled = await pullAll(server, ana, 'messages', 1000);
    expect(pulled.documents.some((d) => d.id === first.body.message.id)).toBe(true);
  });
});

describe('R-CH-02 visitor and agent credentials are separate', () => {
  it('R-CH-02 a visitor token is not an agent token, and an agent token cannot act as a visitor', async () => {
    const visitor = await newVisitor(server);
    await visitorSays(server, visitor, 'olá');
    const pull = await call(server, 'GET', '/api/sync/conversations/pull', { token: visitor.token });
    expect(pull.status).toBe(401);
    const claim = await call(server, 'GET', '/api/auth/me', { token: visitor.token });
    expect(claim.status).toBe(401);

    // Customers' and agents' messages (the queue notice of 'olá' may land at any moment).
    const spoken = async () => (await server.store.find({ selector: { type: 'message' }, limit: 100_000 })).filter((m) => m.direction !== 'system');
    const before = await spoken();
    const asAgent = await call(server, 'POST', '/api/webchat/messages', { token: ana, body: { id: clientId('g'), text: 'sou agente' } });
    expect(asAgent.status).toBe(401);
    expect((await call(server, 'GET', '/api/webchat/messages', { token: ana })).status).toBe(401);
    expect((await call(server, 'GET', '/api/webchat/messages')).status).toBe(401);
    expect((await call(server, 'POST', '/api/webchat/messages', { body: { id: clientId('g'), text: 'sem token' } })).status).toBe(401);
    expect((await call(server, 'POST', '/api/webchat/messages', { token: `${visitor.token}x`, body: { id: clientId('g'), text: 'forjado' } })).status).toBe(401);
    expect(await spoken()).toHaveLength(before.length);

    const agentSocket = await FrameClient.open(server.url.replace(/^http/, 'ws') + '/ws');
    agentSocket.send({ type: 'hello', token: visitor.token });
    expect(await agentSocket.next((f) => f.type === 'error')).toMatchObject({ code: 'unauthenticated' });
    expect((await agentSocket.closedPromise()).code).toBe(4401);
  });

  it('R-CH-02 /ws/webchat without a token or with a bad one answers an error frame and closes with 4401', async () => {
    const visitor = await newVisitor(server);
    for (const query of ['', '?token=', '?token=nonsense', `?token=${encodeURIComponent(`${visitor.token}x`)}`, `?token=${encodeURIComponent(ana)}`]) {
      const { frames, code } = await rawVisitorSocket(query);
      expect(code, query).toBe(4401);
      expect(frames, query).toEqual([expect.objectContaining({ type: 'error', code: 'unauthenticated' })]);
    }
    const health = await call(server, 'GET', '/api/health');
    expect(health.status).toBe(200);
  });

  it('R-CH-02 an oversized or binary frame sent before the token is checked closes only that socket', async () => {
    const visitor = await newVisitor(server);
    for (const token of ['nonsense', visitor.token]) {
      const code = await new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws/webchat?token=${encodeURIComponent(token)}`);
        ws.on('open', () => ws.send('x'.repeat(70 * 1024)));
        ws.on('close', (closeCode) => resolve(closeCode));
        ws.on('error', reject);
      });
      expect([1009, 4401]).toContain(code);
    }
    expect((await call(server, 'GET', '/api/health')).status).toBe(200);
    const socket = await FrameClient.visitor(server, visitor.token);
    socket.send({ type: 'ping' });
    expect(await socket.next((f) => f.type === 'pong')).toEqual({ type: 'pong' });
    socket.close();
  });
});

describe('R-CH-02 live visitor socket', () => {
  it('R-CH-02 the visitor socket receives the agent’s reply as a message frame and agent typing as typing', async () => {
    const { visitor, conversationId } = await claimedBy(ana);
    const bystander = await newVisitor(server);
    const [socket, other, agent] = await Promise.all([
      FrameClient.visitor(server, visitor.token),
      FrameClient.visitor(server, bystander.token),
      FrameClient.agent(server, ana),
    ]);

    agent.send({ type: 'typing', conversationId, typing: true });
    expect(await socket.next((f) => f.type === 'typing')).toEqual({ type: 'typing', typing: true });

    const id = clientId('a');
    const sent = await call<{ message: { id: string; status: string } }>(server, 'POST', `/api/conversations/${conversationId}/messages`, {
      token: ana, body: { id, text: '<b>Olá</b> & bem-vindo' },
    });
    expect(sent.status).toBe(201);
    expect(sent.body.message.status).toBe('queued');
    const frame = await socket.next((f) => f.type === 'message' && (f.message as VisitorMessage).direction !== 'system');
    expect(frame).toEqual({
      type: 'message',
      message: {
        id: sent.body.message.id, direction: 'out', authorName: 'Ana Souza', text: '<b>Olá</b> & bem-vindo',
        createdAt: expect.any(Number), attachments: [],
      },
    });
    await server.jobs.idle();
    // The node that reached the visitor's socket marks the message delivered.
    expect(await server.store.get(sent.body.message.id)).toMatchObject({ status: 'delivered' });

    agent.send({ type: 'typing', conversationId, typing: false });
    expect(await socket.next((f) => f.type === 'typing' && f.typing === false)).toEqual({ type: 'typing', typing: false });

    // The other visitor got nothing of this conversation (a pong proves its socket is drained).
    other.send({ type: 'ping' });
    await other.next((f) => f.type === 'pong');
    expect(other.frames.filter((f) => f.type === 'message' || f.type === 'typing')).toEqual([]);

    socket.close();
    other.close();
    agent.close();
  });

  it('R-CH-02 the agent sees the visitor typing; bad visitor frames get an error frame and the socket stays open', async () => {
    const { visitor, conversationId } = await claimedBy(ana);
    const [socket, agent] = await Promise.all([FrameClient.visitor(server, visitor.token), FrameClient.agent(server, ana)]);
    const contact = await contactOf(visitor);

    socket.send({ type: 'typing', typing: true });
    expect(await agent.next((f) => f.type === 'typing' && f.conversationId === conversationId)).toEqual({
      type: 'typing', conversationId, authorId: contact._id, typing: true,
    });

    socket.send('not json');
    expect(await socket.next((f) => f.type === 'error' && f.code === 'malformed_frame')).toBeDefined();
    socket.send({ type: 'message', text: 'por frame não' });
    expect(await socket.next((f) => f.type === 'error' && f.code === 'unknown_frame')).toBeDefined();
    socket.send({ type: 'typing', typing: 'sim' });
    expect(await socket.next((f) => f.type === 'error' && f.code === 'invalid_frame')).toBeDefined();
    socket.send({ type: 'ping' });
    expect(await socket.next((f) => f.type === 'pong')).toEqual({ type: 'pong' });
    expect(socket.closed).toBeUndefined();
    expect(await conversationsOf(visitor)).toHaveLength(1);
    expect(await messagesIn(conversationId)).toHaveLength(1);

    socket.close();
    agent.close();
  });
});

describe('R-CH-02 embeddable widget', () => {
  it('R-CH-02 GET /widget.js serves a small framework-free script', async () => {
    const res = await fetch(`${server.url}/widget.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    const body = await res.text();
    expect(body).toBe(WIDGET_SOURCE);
    // Room for three languages, the pre-chat form and the articles (issue 9), the rating form (issue 18); ~14 KB gzipped.
    expect(body.length).toBeLessThan(48 * 1024);
    expect(body).not.toMatch(/^\s*import\s|\bimport\s*\(|\brequire\s*\(/m);
    expect(body).not.toMatch(/react|vue|angular|preact|jquery|lit-html/i);
  });

  it('R-CH-02 GET /demo/ serves a sample page that embeds the widget with one script tag', async () => {
    const res = await fetch(`${server.url}/demo/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('<script src="/widget.js"');
    expect(html).toMatch(/<script src="\/widget\.js"[^>]*data-account="demo-site"/);
  });

  it('R-CH-02 the widget, run on a stub DOM, sends quick messages in order as one visitor and shows agent text as text', async () => {
    const storage = new Map<string, string>();
    const shadowHost = new StubElement();
    const body = new StubElement();
    const document = {
      currentScript: { src: `${server.url}/widget.js`, dataset: { account: 'demo-site' } },
      body,
      createElement: () => (body.children.length === 0 && !shadowHost.shadow ? shadowHost : new StubElement()),
      createTextNode: (data: string) => new StubText(data),
      addEventListener: () => undefined,
    };
    const localStorage = {
      getItem: (key: string) => storage.get(key) ?? null,
      setItem: (key: string, value: string) => void storage.set(key, value),
      removeItem: (key: string) => void storage.delete(key),
    };
    vm.runInNewContext(WIDGET_SOURCE, {
      document, localStorage, WebSocket: WidgetSocket, fetch, URL, crypto: globalThis.crypto, setTimeout, clearTimeout, console,
      // Page lifecycle events (the widget frees file blob URLs on pagehide); none fire in this test.
      window: { addEventListener: () => undefined },
    });
    const root = shadowHost.shadow;
    if (!root) throw new Error('the widget did not attach a shadow root');
    expect(body.children).toEqual([shadowHost]);

    // The demo site asks name and e-mail first (its config is fetched from the server).
    const prechat = root.querySelector('form.prechat');
    const chat = root.querySelector('form.chat');
    await until(() => !prechat.hidden && chat.hidden, 'pre-chat form shown instead of the composer');
    root.querySelector('#atende-name').value = '  Lia Campos ';
    root.querySelector('#atende-email').value = 'lia@';
    prechat.dispatch('submit');
    expect(root.querySelector('#atende-email-err').textContent).toBe('Informe um e-mail válido, como nome@exemplo.com.');
    expect(root.querySelector('#atende-email').attributes.get('aria-invalid')).toBe('true');
    expect(storage.has('atende.visitor.demo-site')).toBe(false);
    root.querySelector('#atende-email').value = 'lia@example.com';
    prechat.dispatch('submit');
    await until(() => storage.has('atende.visitor.demo-site') && !chat.hidden && prechat.hidden, 'visitor made from the form');
    expect(await contactOf(JSON.parse(String(storage.get('atende.visitor.demo-site'))) as Visitor)).toMatchObject({ name: 'Lia Campos', email: 'lia@example.com' });

    // Five messages typed faster than the first answer: one visitor, one conversation, typed order.
    const input = root.querySelector('textarea');
    const texts = ['um', 'dois', 'três', 'quatro', 'cinco'];
    for (const text of texts) {
      input.value = text;
      chat.dispatch('submit');
    }
    const stored = () => server.store.find({ selector: { type: 'message', text: { $in: texts } }, limit: 100 });
    await until(async () => (await stored()).length === texts.length, 'all five messages stored');
    const messages = (await stored()).sort((a, b) => Number(a.createdAt) - Number(b.createdAt));
    expect(messages.map((m) => m.text)).toEqual(texts);
    expect(new Set(messages.map((m) => m.conversationId)).size).toBe(1);
    const saved = JSON.parse(String(storage.get('atende.visitor.demo-site'))) as Visitor;
    expect(await conversationsOf(saved)).toHaveLength(1);

    // The agent's reply, HTML and all, reaches the widget's log as a text node.
    const conversationId = String(messages[0]?.conversationId);
    await until(() => WidgetSocket.opened.some((ws) => ws.readyState === WebSocket.OPEN), 'widget socket open');
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} })).status).toBe(200);
    const hostile = '<img src=x onerror="alert(1)"> <b>oi</b>';
    const agentSocket = await FrameClient.agent(server, ana);
    agentSocket.send({ type: 'typing', conversationId, typing: true });
    await until(() => root.querySelector('.typing').textContent !== '', 'typing shown');
    const sent = await call(server, 'POST', `/api/conversations/${conversationId}/messages`, { token: ana, body: { id: clientId('a'), text: hostile } });
    expect(sent.status).toBe(201);
    const log = root.querySelector('.log');
    const lastBubble = () => log.children.at(-1);
    await until(() => lastBubble() instanceof StubElement && (lastBubble() as StubElement).className.startsWith('msg out'), 'reply rendered');
    const bubble = lastBubble() as StubElement;
    expect(bubble.children).toEqual([expect.objectContaining({ className: 'who', textContent: 'Ana Souza' }), new StubText(hostile)]);
    expect(root.querySelector('.typing').textContent).toBe('');
    // Bubbles (notices such as "Ana Souza entrou na conversa." sit between them as lines of their own).
    const bubbles = log.children.filter((b): b is StubElement => b instanceof StubElement && b.className.startsWith('msg'));
    expect(bubbles.slice(0, 5).map((b) => b.children.at(-1))).toEqual(texts.map((t) => new StubText(t)));
    expect(log.children.some((b) => b instanceof StubElement && b.className === 'notice' && b.textContent === 'Ana Souza entrou na conversa.')).toBe(true);
    expect(root.htmlWrites).toHaveLength(1);
    expect(root.htmlWrites[0]).not.toMatch(/onerror|Ana Souza|quatro/);

    // Closing with 4401 makes the widget forget the visitor instead of reconnecting.
    agentSocket.close();
    for (const ws of WidgetSocket.opened) ws.close(4401, 'test over');
    await until(() => !storage.has('atende.visitor.demo-site'), 'widget forgot the visitor');
  });

  it('R-CH-02 the widget renders message text as text, never as HTML', () => {
    const htmlSinks = WIDGET_SOURCE.match(/\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|DOMParser|createContextualFragment/g) ?? [];
    // The one HTML assignment is the shadow root's static template...
    expect(htmlSinks).toEqual(['.innerHTML =']);
    const template = staticTemplate(WIDGET_SOURCE);
    // ...built only from string literals (no variable, call or substitution)...
    expect(template.nonLiteral, template.nonLiteral).toBe('');
    expect(template.html).toContain('<div class="log"');
    // ...and it is assigned once, to the shadow root.
    expect(WIDGET_SOURCE.match(/\binnerHTML\b/g)).toHaveLength(1);
    // Message text and author go through text nodes.
    expect(WIDGET_SOURCE).toContain('document.createTextNode(m.text)');
    expect(WIDGET_SOURCE).toMatch(/who\.textContent\s*=\s*m\.authorName/);
    expect(WIDGET_SOURCE).not.toMatch(/innerText\s*=|\.html\(/);
  });
});
