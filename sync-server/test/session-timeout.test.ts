import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { conversationEventOf, type ConversationDoc, type MessageDoc, type TeamDoc } from '@atende/protocol';
import { finishIdle, lastActivity, sweepSessionTimeouts } from '../src/routing/sessionTimeout.js';
import { DelegatingStore } from '../src/store/delegate.js';
import { updateDoc, type GetOptions, type StoredDoc } from '../src/store/index.js';
import { getWire } from '../src/store/wire.js';
import { call, clientId, login, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';

/**
 * R-RT-01 (issue 15 point 3): a team's session timeout finishes its waiting and idle active
 * conversations once nothing happened in them for that long, with the optional message sent to
 * the customer first; the finish is by no one (the system) and goes in the history. The clock is
 * the sweep's argument: no test waits for minutes to pass.
 */
let server: TestServer;
let ana: string;
const MINUTE = 60_000;
const TIMEOUT = { minutes: 30, message: 'Encerramos esta conversa por falta de interação.' };

beforeAll(async () => {
  server = await startTestServer();
  ana = (await login(server, 'ana@demo.local')).accessToken;
});
afterAll(async () => server.close());
afterEach(async () => setTimeoutOf('team:suporte', null));

async function setTimeoutOf(teamId: string, sessionTimeout: TeamDoc['sessionTimeout']): Promise<void> {
  await updateDoc<StoredDoc>(server.store, teamId, (t) => t && { ...t, sessionTimeout });
}
const team = async (id: string) => (await getWire<TeamDoc>(server.store, id)) as TeamDoc;
const conversation = async (id: string) => (await getWire<ConversationDoc>(server.store, id)) as ConversationDoc;
const messagesOf = async (conversationId: string): Promise<MessageDoc[]> =>
  (await server.store.find({ selector: { type: 'message', conversationId }, limit: 100 })).map((m) => ({ ...m, id: m._id }) as unknown as MessageDoc);
const waiting = async (text: string) => (await visitorSays(server, await newVisitor(server), text)).conversationId;

describe('R-RT-01 session timeout', () => {
  it('R-RT-01 a waiting conversation idle past the timeout is finished by the system, its message sent first and the finish in the history', async () => {
    await setTimeoutOf('team:suporte', TIMEOUT);
    const id = await waiting('Alguém pode me ajudar?');
    const last = (await conversation(id)).lastMessageAt ?? 0;
    // One minute short of the timeout: nothing happens.
    expect(await sweepSessionTimeouts(server.store, last + 29 * MINUTE)).toBe(0);
    expect((await conversation(id)).status).toBe('waiting');
    const now = last + 31 * MINUTE;
    expect(await sweepSessionTimeouts(server.store, now)).toBeGreaterThanOrEqual(1);
    const c = await conversation(id);
    expect(c).toMatchObject({ status: 'finished', finishedBy: null, disposition: null });
    const messages = await messagesOf(id);
    const sent = messages.find((m) => m.direction === 'out');
    expect(sent).toMatchObject({ text: TIMEOUT.message, authorId: null, status: expect.stringMatching(/queued|sent|delivered/) });
    expect(sent?.createdAt).toBeLessThan(c.finishedAt ?? 0);
    const finished = messages.map((m) => conversationEventOf(m)).find((e) => e?.event === 'finished');
    expect(finished).toEqual({ event: 'finished', byUserId: null });
    // The website visitor receives it like any reply.
    await server.jobs.idle();
    expect((await getWire<MessageDoc>(server.store, sent?.id ?? ''))?.status).not.toBe('failed');
    // A later sweep finds nothing more to do.
    expect(await sweepSessionTimeouts(server.store, now + 60 * MINUTE)).toBe(0);
  });

  it('R-RT-01 an active conversation counts from its last message of either side; a team without a timeout is left alone', async () => {
    const id = await waiting('Preciso de ajuda');
    expect((await call(server, 'POST', `/api/conversations/${id}/claim`, { token: ana, body: {} })).status).toBe(200);
    const reply = await call(server, 'POST', `/api/conversations/${id}/messages`, { token: ana, body: { id: clientId('a'), text: 'Olá! Como posso ajudar?' } });
    expect(reply.status).toBe(201);
    const lastMessageAt = (await conversation(id)).lastMessageAt ?? 0;
    expect(await sweepSessionTimeouts(server.store, lastMessageAt + 120 * MINUTE)).toBe(0);
    await setTimeoutOf('team:suporte', { minutes: 60, message: '' });
    expect(await sweepSessionTimeouts(server.store, lastMessageAt + 59 * MINUTE)).toBe(0);
    expect(await sweepSessionTimeouts(server.store, lastMessageAt + 61 * MINUTE)).toBeGreaterThanOrEqual(1);
    expect((await conversation(id)).status).toBe('finished');
    // An empty message sends nothing: only the agent's reply went out.
    expect((await messagesOf(id)).filter((m) => m.direction === 'out').map((m) => m.text)).toEqual(['Olá! Como posso ajudar?']);
  });

  it('R-RT-01 store-arbitrated: an agent writing between the sweep’s read and its write keeps the conversation open, and no timeout message goes out', async () => {
    await setTimeoutOf('team:suporte', TIMEOUT);
    const id = await waiting('Oi');
    expect((await call(server, 'POST', `/api/conversations/${id}/claim`, { token: ana, body: {} })).status).toBe(200);
    const taken = await conversation(id);
    // The agent's reply lands right after the sweep read the conversation.
    let replied = false;
    const racing = new (class extends DelegatingStore {
      override async get(docId: string, options?: GetOptions) {
        const doc = await super.get(docId, options);
        if (docId === id && !replied) {
          replied = true;
          const r = await call(server, 'POST', `/api/conversations/${id}/messages`, { token: ana, body: { id: clientId('a'), text: 'Ainda estou aqui' } });
          expect(r.status).toBe(201);
        }
        return doc;
      }
    })(server.store);
    const at = Math.max(taken.takenAt ?? 0, taken.lastMessageAt ?? 0) + 31 * MINUTE;
    expect(await finishIdle(racing, id, await team('team:suporte'), at)).toBe(false);
    expect(replied).toBe(true);
    expect((await conversation(id)).status).toBe('active');
    expect((await messagesOf(id)).some((m) => m.text === TIMEOUT.message)).toBe(false);
  });

  it('R-RT-01 a conversation left with the bot (the menu never answered) is finished by the timeout too, with its message', async () => {
    const admin = (await login(server, 'admin@demo.local')).accessToken;
    const flow = {
      active: true,
      triggers: [{
        id: 'menu', name: 'Menu', active: true, conditions: { hours: { op: '>', hours: 1 }, keywords: '', firstOfTeam: false },
        message: { text: 'Olá! Escolha uma opção.', options: [{ label: 'Suporte', teamId: 'team:suporte' }] }, moveToTeamId: null,
      }],
    };
    expect((await call(server, 'PUT', '/api/admin/flows/team:suporte', { token: admin, body: flow })).status).toBe(200);
    try {
      await setTimeoutOf('team:suporte', TIMEOUT);
      const id = await waiting('oi');
      await server.jobs.idle();
      const c = await conversation(id);
      expect(c.status).toBe('bot');
      expect(await sweepSessionTimeouts(server.store, lastActivity(c) + 29 * MINUTE)).toBe(0);
      expect(await sweepSessionTimeouts(server.store, lastActivity(c) + 31 * MINUTE)).toBeGreaterThanOrEqual(1);
      expect(await conversation(id)).toMatchObject({ status: 'finished', finishedBy: null });
      expect((await messagesOf(id)).filter((m) => m.direction === 'out').map((m) => m.text)).toContain(TIMEOUT.message);
    } finally {
      expect((await call(server, 'PUT', '/api/admin/flows/team:suporte', { token: admin, body: { ...flow, active: false } })).status).toBe(200);
    }
  });
});
