import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationEventOf, MessageDoc, type ConversationEventPayload, type VisitorMessage } from '@atende/protocol';
import type { ChannelAccountDoc } from '../src/channelAccounts/service.js';
import { InboundService } from '../src/conversations/inbound.js';
import { ProtocolNumbers } from '../src/conversations/protocolNumbers.js';
import { toWire } from '../src/store/wire.js';
import { call, clientId, FrameClient, login, newVisitor, startTestServer, visitorSays, type TestServer, type Visitor } from './helpers.js';

let server: TestServer;
let ana: string;
let bruno: string;
let carla: string;

beforeAll(async () => {
  server = await startTestServer();
  [ana, bruno, carla] = await Promise.all(['ana', 'bruno', 'carla'].map(async (u) => (await login(server, `${u}@demo.local`)).accessToken)) as [string, string, string];
});
afterAll(() => server.close());

/** Polls a condition (no timing is asserted: only the condition, with a generous cap). */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, capMs = 5000): Promise<T> {
  for (let waited = 0; ; waited += 20) {
    const value = await read();
    if (done(value)) return value;
    if (waited > capMs) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function eventsOf(conversationId: string): Promise<Array<ConversationEventPayload & { id: string; teamId: string; text: string }>> {
  const found = await server.store.find({ selector: { type: 'message', conversationId }, limit: 1000 });
  return found
    .map((m) => toWire<MessageDoc>(m))
    .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
    .flatMap((m) => {
      const event = conversationEventOf(m);
      return event ? [{ ...event, id: m.id, teamId: m.teamId, text: m.text }] : [];
    });
}
const named = (events: Array<{ event: string }>) => events.map((e) => e.event);

async function waiting(text: string, name = 'Cliente'): Promise<{ visitor: Visitor; conversationId: string }> {
  const visitor = await newVisitor(server, 'demo-site', name);
  const { conversationId } = await visitorSays(server, visitor, text);
  // The queue notice is outbox work; one taken before it ran would (rightly) get none.
  await until(() => eventsOf(conversationId), (e) => e.length > 0, 'queued event');
  return { visitor, conversationId };
}

const post = (token: string, path: string, body: unknown = {}) => call<Record<string, unknown>>(server, 'POST', path, { token, body });

describe('R-WS-15 lifecycle events in the transcript', () => {
  it('R-CH-02 a new conversation gets one "queued" event with its place in the team queue', async () => {
    const first = await waiting('primeiro da fila');
    const second = await waiting('segundo da fila');
    const [queued] = await until(() => eventsOf(second.conversationId), (e) => e.length > 0, 'queued event');
    expect(queued).toMatchObject({ event: 'queued', teamId: 'team:suporte' });
    const firstQueued = (await until(() => eventsOf(first.conversationId), (e) => e.length > 0, 'first queued'))[0];
    expect((queued as { position: number }).position).toBeGreaterThan((firstQueued as { position: number }).position);
    expect(queued?.text).toMatch(/fila/);
    // The card keeps the customer's last words and time.
    const conversation = await server.store.get(second.conversationId);
    expect(conversation).toMatchObject({ lastPreview: 'segundo da fila' });
    expect(conversation?.lastInboundAt).toBe(conversation?.createdAt);
  });

  it('R-WS-15 a claim sent twice writes one "joined" event with the agent\'s name, and leaves the preview alone', async () => {
    const { conversationId } = await waiting('quero ajuda');
    const before = await server.store.get(conversationId);
    expect((await post(ana, `/api/conversations/${conversationId}/claim`)).status).toBe(200);
    expect((await post(ana, `/api/conversations/${conversationId}/claim`)).status).toBe(200);
    const events = await eventsOf(conversationId);
    expect(named(events)).toEqual(['queued', 'joined']);
    expect(events[1]).toMatchObject({ agentId: 'user:ana', agentName: 'Ana Souza', text: 'Ana Souza entrou na conversa.' });
    const after = await server.store.get(conversationId);
    expect(after).toMatchObject({ lastPreview: before?.lastPreview, lastInboundAt: before?.lastInboundAt, lastMessageAt: before?.lastMessageAt });
  });

  it('R-WS-15 a repeated transfer writes one "transferred" event carrying from, to and by, then who joined', async () => {
    const { conversationId } = await waiting('transfira-me');
    expect((await post(ana, `/api/conversations/${conversationId}/claim`)).status).toBe(200);
    const id = clientId('t');
    for (let i = 0; i < 2; i++) {
      expect((await post(ana, `/api/conversations/${conversationId}/transfer`, { id, toAgentId: 'user:bruno' })).status).toBe(200);
    }
    const events = await eventsOf(conversationId);
    expect(named(events)).toEqual(['queued', 'joined', 'transferred', 'joined']);
    expect(events[2]).toMatchObject({
      fromTeamId: 'team:suporte', toTeamId: 'team:suporte', fromAgentId: 'user:ana', toAgentId: 'user:bruno', byUserId: 'user:ana',
    });
    expect(events[3]).toMatchObject({ agentId: 'user:bruno', agentName: 'Bruno Lima' });
  });

  it('R-WS-15 a transfer to another team lands its events in that team; the queue notice follows', async () => {
    const { conversationId } = await waiting('para o comercial');
    expect((await post(carla, `/api/conversations/${conversationId}/claim`)).status).toBe(200);
    expect((await post(carla, `/api/conversations/${conversationId}/transfer`, { id: clientId('t'), toTeamId: 'team:comercial' })).status).toBe(200);
    const events = await until(() => eventsOf(conversationId), (e) => e.length === 4, 'queued again in the new team');
    expect(named(events)).toEqual(['queued', 'joined', 'transferred', 'queued']);
    expect(events[2]).toMatchObject({ fromTeamId: 'team:suporte', toTeamId: 'team:comercial', fromAgentId: 'user:carla', toAgentId: null, byUserId: 'user:carla' });
    // Once the re-tag job ran, every event is in the conversation's new team.
    await until(() => eventsOf(conversationId), (e) => e.every((m) => m.teamId === 'team:comercial'), 'events in the new team');
  });

  it('R-WS-19 a repeated return to the queue writes one "returned" event and one new "queued"', async () => {
    const { conversationId } = await waiting('devolve');
    expect((await post(ana, `/api/conversations/${conversationId}/claim`)).status).toBe(200);
    const id = clientId('r');
    for (let i = 0; i < 2; i++) expect((await post(ana, `/api/conversations/${conversationId}/return`, { id })).status).toBe(200);
    const events = await until(() => eventsOf(conversationId), (e) => e.length === 4, 'queued after return');
    expect(named(events)).toEqual(['queued', 'joined', 'returned', 'queued']);
    expect(events[2]).toMatchObject({ fromAgentId: 'user:ana', byUserId: 'user:ana' });
  });

  it('R-WS-06 a finish sent twice writes one "finished" event', async () => {
    const { conversationId } = await waiting('tchau');
    expect((await post(bruno, `/api/conversations/${conversationId}/claim`)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await post(bruno, `/api/conversations/${conversationId}/finish`)).status).toBe(200);
    const events = await eventsOf(conversationId);
    expect(named(events)).toEqual(['queued', 'joined', 'finished']);
    expect(events[2]).toMatchObject({ byUserId: 'user:bruno', text: 'Conversa encerrada.' });
    for (const e of events) expect(MessageDoc.safeParse(toWire(await server.store.get(e.id) ?? { _id: '' })).success).toBe(true);
  });
});

describe('R-CH-02 the queue notice', () => {
  it('R-CH-02 estimates the wait from the team\'s recent takes: null before three, then whole minutes; the place counts who waits longer', async () => {
    // A site whose conversations enter Comercial, where nobody has taken one yet.
    await server.store.bulkWrite([{ _id: 'channel:loja-comercial', type: 'channel', kind: 'webchat', name: 'Loja', entryTeamId: 'team:comercial' }]);
    const queued = async (text: string) => {
      const visitor = await newVisitor(server, 'loja-comercial', 'Cliente');
      const { conversationId } = await visitorSays(server, visitor, text);
      const [event] = await until(() => eventsOf(conversationId), (e) => e.length > 0, 'queued event');
      return { conversationId, event: event as Extract<ConversationEventPayload, { event: 'queued' }> };
    };
    const first = [];
    for (const text of ['c1', 'c2', 'c3']) first.push(await queued(text));
    expect(first.map((q) => q.event.waitMinutes)).toEqual([null, null, null]);
    // Behind whatever Comercial already had waiting (a transfer above left one there).
    const base = first[0]?.event.position ?? 0;
    expect(first.map((q) => q.event.position)).toEqual([base, base + 1, base + 2]);
    for (const { conversationId } of first) expect((await post(carla, `/api/conversations/${conversationId}/claim`)).status).toBe(200);
    const later = await queued('c4');
    expect(later.event).toMatchObject({ position: base, waitMinutes: 1 });
  });
});

describe('R-CH-02 lifecycle notices reach the website visitor', () => {
  it('R-CH-02 the visitor API lists the notices as system messages, and the socket pushes them', async () => {
    const { visitor, conversationId } = await waiting('olá', 'Paula');
    const socket = await FrameClient.visitor(server, visitor.token);
    expect((await post(ana, `/api/conversations/${conversationId}/claim`)).status).toBe(200);
    const pushed = await socket.next((f) => f.type === 'message' && (f.message as VisitorMessage).direction === 'system'
      && (f.message as VisitorMessage).event?.event === 'joined');
    expect((pushed.message as VisitorMessage).event).toMatchObject({ agentName: 'Ana Souza' });
    // The notices only: the demo team's rating question (issue 18) has its own tests (ratings-webchat).
    expect((await post(ana, `/api/conversations/${conversationId}/finish`, { requestRating: false })).status).toBe(200);
    socket.close();

    const transcript = await call<{ messages: VisitorMessage[] }>(server, 'GET', '/api/webchat/messages', { token: visitor.token });
    expect(transcript.body.messages.map((m) => [m.direction, m.event?.event ?? m.text])).toEqual([
      ['in', 'olá'], ['system', 'queued'], ['system', 'joined'], ['system', 'finished'],
    ]);
    // Notices are not delivery receipts: they stay 'sent'.
    const finished = (await eventsOf(conversationId)).at(-1);
    expect(await server.store.get(String(finished?.id))).toMatchObject({ status: 'sent' });
  });

  it('R-CH-02 on other channels the events are written for the agent but nothing is sent to the customer', async () => {
    const account: ChannelAccountDoc = { _id: 'channel:wa-events', type: 'channel', kind: 'whatsapp', name: 'WhatsApp', entryTeamId: 'team:suporte' };
    await server.store.bulkWrite([account]);
    const contact = { id: 'contact:wa-events', type: 'contact' as const, name: 'Rita', email: '', addresses: { whatsapp: '5511900000001' }, customFields: {}, createdAt: 1, updatedAt: 1 };
    const inbound = new InboundService(server.store, new ProtocolNumbers(server.store, 'America/Sao_Paulo'));
    const { conversation } = await inbound.receive({
      account, contact, messageKey: 'wa-events-1', authorName: 'Rita', kind: 'text', text: 'oi pelo whats', externalId: 'wamid.1',
    });
    await until(() => eventsOf(conversation.id), (e) => e.length === 1, 'queued event');
    expect((await post(ana, `/api/conversations/${conversation.id}/claim`)).status).toBe(200);
    expect((await post(ana, `/api/conversations/${conversation.id}/finish`)).status).toBe(200);
    const events = await eventsOf(conversation.id);
    expect(named(events)).toEqual(['queued', 'joined', 'finished']);
    const jobs = await server.store.find({ selector: { type: 'job' }, limit: 100_000 });
    const aboutEvents = jobs.filter((j) => events.some((e) => JSON.stringify(j.payload).includes(e.id)));
    expect(aboutEvents).toEqual([]);
  });
});
