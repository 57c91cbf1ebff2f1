import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docId, type ConversationDoc, type MessageDoc } from '@atende/protocol';
import { phoneNumberClaimId } from '../src/channelAccounts/phoneNumbers.js';
import { upstreamMessageKey } from '../src/channels/inbound.js';
import { getWire } from '../src/store/wire.js';
import { createFakeAccount, deliver, FAKE_KIND, FAKE_SECRET, fakeConfig, installFakeChannel } from './fakeChannel.js';
import { call, login, startTestServer, type TestServer } from './helpers.js';
import { textDelivery } from './scriptedAdapter.js';

const PUBLIC_URL = 'https://atende.example.com';

let server: TestServer;
let admin: string;
let ana: string;
let carla: string;
let nextChat = 5_000_000;
const newChat = () => ++nextChat;

beforeAll(async () => {
  server = await startTestServer({ ATENDE_PUBLIC_URL: PUBLIC_URL });
  installFakeChannel(server);
  [admin, ana, carla] = await Promise.all([
    login(server, 'admin@demo.local').then((r) => r.accessToken),
    login(server, 'ana@demo.local').then((r) => r.accessToken),
    login(server, 'carla@demo.local').then((r) => r.accessToken),
  ]);
});
afterAll(() => server.close());

// Lifecycle events (direction 'system', e.g. the queue notice) are counted apart: see events.test.ts.
const count = async (type: string) => (await server.store.find({ selector: { type }, limit: 100_000 })).filter((d) => d.direction !== 'system').length;
const counts = async () => ({ messages: await count('message'), conversations: await count('conversation'), contacts: await count('contact') });

/** The stored inbound message for an upstream id, and its conversation. */
async function stored(accountId: string, externalId: string) {
  const message = await getWire<MessageDoc>(server.store, docId('message', upstreamMessageKey(accountId, externalId)));
  const conversation = message && (await getWire<ConversationDoc>(server.store, message.conversationId));
  return { message, conversation };
}

async function messagesOf(conversationId: string) {
  return (await server.store.find({ selector: { type: 'message', conversationId }, limit: 1000 })).filter((m) => m.direction !== 'system');
}

describe('R-CH-01 channel accounts admin API', () => {
  it('R-CH-01 creates an account: 201 {id, webhookUrl} built from ATENDE_PUBLIC_URL; a polled kind has none', async () => {
    const reply = await call<{ id: string; webhookUrl: string }>(server, 'POST', '/api/admin/channels', {
      token: admin,
      body: { kind: 'messenger', name: 'Conta', teamId: 'team:suporte', config: { pageId: '4242', pageAccessToken: 'page-token', appSecret: 'app-secret-0123' } },
    });
    expect(reply.status).toBe(201);
    expect(reply.body.id).toMatch(/^channel:/);
    const key = reply.body.id.slice('channel:'.length);
    expect(reply.body.webhookUrl).toBe(`${PUBLIC_URL}/channels/messenger/${key}/webhook`);
    // The fake kind here is Reclame Aqui, which HugMe has no webhooks for (issue 12): its account is polled.
    expect((await createFakeAccount(server, admin, 'Conta sondada')).webhookUrl).toBeNull();
  });

  it('R-CH-01 GET list and GET one never carry a secret, only the names of the secrets set', async () => {
    const account = await createFakeAccount(server, admin, 'Segredos');
    const list = await call<{ channels: Array<{ id: string; secretsSet: string[] }> }>(server, 'GET', '/api/admin/channels', { token: admin });
    const one = await call<{ id: string; secretsSet: string[]; settings: Record<string, string> }>(server, 'GET', `/api/admin/channels/${account.id}`, { token: admin });
    expect(list.status).toBe(200);
    expect(one.status).toBe(200);
    expect(list.body.channels.find((c) => c.id === account.id)?.secretsSet).toEqual(['clientSecret']);
    expect(one.body.secretsSet).toEqual(['clientSecret']);
    for (const json of [JSON.stringify(list.body), JSON.stringify(one.body)]) expect(json).not.toContain(FAKE_SECRET);
  });

  it('R-CH-01 PATCH renames and changes config; omitted secrets keep their value (the webhook still verifies)', async () => {
    const account = await createFakeAccount(server, admin, 'Antes');
    const patched = await call<{ name: string; settings: Record<string, string>; secretsSet: string[] }>(server, 'PATCH', `/api/admin/channels/${account.id}`, {
      token: admin, body: { name: 'Depois', config: { companyId: '43' } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Depois', settings: { companyId: '43' }, secretsSet: ['clientSecret'] });
    expect((await call(server, 'GET', `/api/admin/channels/${account.id}`, { token: admin })).body).toMatchObject({ name: 'Depois' });
    const chat = newChat();
    expect((await deliver(server, account.path, textDelivery(chat, 1, 'depois do patch'))).status).toBe(200);
    expect((await stored(account.id, `${chat}:1`)).message?.text).toBe('depois do patch');
  });

  it('R-CH-01 agents and supervisors get 403 on every admin route', async () => {
    const account = await createFakeAccount(server, admin);
    const body = { kind: FAKE_KIND, name: 'X', teamId: 'team:suporte', config: fakeConfig() };
    for (const token of [ana, carla]) {
      expect((await call(server, 'POST', '/api/admin/channels', { token, body })).status).toBe(403);
      expect((await call(server, 'GET', '/api/admin/channels', { token })).status).toBe(403);
      expect((await call(server, 'GET', `/api/admin/channels/${account.id}`, { token })).status).toBe(403);
      expect((await call(server, 'PATCH', `/api/admin/channels/${account.id}`, { token, body: { name: 'Y' } })).status).toBe(403);
      expect((await call(server, 'DELETE', `/api/admin/channels/${account.id}`, { token })).status).toBe(403);
    }
    expect((await call(server, 'GET', `/api/admin/channels/${account.id}`, { token: admin })).status).toBe(200);
  });

  it('R-CH-01 a bad config is a 400 naming the field; an unknown team is a 422', async () => {
    const bad = await call<{ message: string }>(server, 'POST', '/api/admin/channels', {
      token: admin, body: { kind: FAKE_KIND, name: 'Ruim', teamId: 'team:suporte', config: { ...fakeConfig(), companyId: '' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('companyId');
    const withoutSecret: Record<string, string> = fakeConfig();
    delete withoutSecret.clientSecret;
    const missing = await call<{ message: string }>(server, 'POST', '/api/admin/channels', {
      token: admin, body: { kind: FAKE_KIND, name: 'Ruim', teamId: 'team:suporte', config: withoutSecret },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain('clientSecret');
    const team = await call<{ error: string }>(server, 'POST', '/api/admin/channels', {
      token: admin, body: { kind: FAKE_KIND, name: 'Sem time', teamId: 'team:nenhum', config: fakeConfig() },
    });
    expect(team.status).toBe(422);
    expect(team.body.error).toBe('unknown_team');
    const account = await createFakeAccount(server, admin);
    const patch = await call<{ message: string }>(server, 'PATCH', `/api/admin/channels/${account.id}`, { token: admin, body: { config: { apiBaseUrl: 'ftp://x' } } });
    expect(patch.status).toBe(400);
    expect(patch.body.message).toContain('apiBaseUrl');
  });

  it('R-CH-01 moving an account to another host needs its credentials again, so stored secrets never follow', async () => {
    const account = await createFakeAccount(server, admin, 'Outro host');
    const moved = await call<{ error: string; message: string }>(server, 'PATCH', `/api/admin/channels/${account.id}`, {
      token: admin, body: { config: { apiBaseUrl: 'https://elsewhere.example' } },
    });
    expect([moved.status, moved.body.error]).toEqual([400, 'secrets_required']);
    expect(moved.body.message).toContain('clientSecret');
    const unchanged = await call<{ settings: Record<string, string> }>(server, 'GET', `/api/admin/channels/${account.id}`, { token: admin });
    expect(unchanged.body.settings.apiBaseUrl).toBe('https://reclameaqui.example');
    const withSecrets = await call<{ settings: Record<string, string> }>(server, 'PATCH', `/api/admin/channels/${account.id}`, {
      token: admin, body: { config: { apiBaseUrl: 'https://elsewhere.example', clientSecret: FAKE_SECRET } },
    });
    expect(withSecrets.status).toBe(200);
    expect(withSecrets.body.settings.apiBaseUrl).toBe('https://elsewhere.example');
  });

  it('R-CH-01 DELETE → 204; then GET → 404 and its webhook → 410', async () => {
    const account = await createFakeAccount(server, admin, 'Apagar');
    expect((await call(server, 'DELETE', `/api/admin/channels/${account.id}`, { token: admin })).status).toBe(204);
    expect((await call(server, 'GET', `/api/admin/channels/${account.id}`, { token: admin })).status).toBe(404);
    const list = await call<{ channels: Array<{ id: string }> }>(server, 'GET', '/api/admin/channels', { token: admin });
    expect(list.body.channels.map((c) => c.id)).not.toContain(account.id);
    const before = await counts();
    expect((await deliver(server, account.path, textDelivery(newChat(), 1, 'apagado'))).status).toBe(410);
    expect(await counts()).toEqual(before);
  });
});

describe('R-CH-01 webhooks', () => {
  let account: Awaited<ReturnType<typeof createFakeAccount>>;
  beforeAll(async () => {
    account = await createFakeAccount(server, admin, 'Webhooks');
  });

  it('R-CH-01 a delivery with the right secret is 200 and opens a waiting conversation in Suporte, stored before the answer', async () => {
    const chat = newChat();
    const reply = await deliver(server, account.path, textDelivery(chat, 7, 'Oi, meu pedido atrasou', 'Joana'));
    expect(reply.status).toBe(200);
    // Read straight after the 2xx: the message must already be durable.
    const { message, conversation } = await stored(account.id, `${chat}:7`);
    expect(message).toMatchObject({ direction: 'in', text: 'Oi, meu pedido atrasou', authorName: 'Joana', externalId: `${chat}:7` });
    expect(conversation).toMatchObject({
      status: 'waiting', teamId: 'team:suporte', channel: FAKE_KIND, channelAccountId: account.id, lastPreview: 'Oi, meu pedido atrasou',
    });
    const contact = conversation && (await server.store.get(conversation.contactId));
    expect(contact).toMatchObject({ name: 'Joana', addresses: { [FAKE_KIND]: String(chat) } });
  });

  it('R-CH-11 the same update twice, and 5 concurrent copies, store one message', async () => {
    const chat = newChat();
    const update = textDelivery(chat, 1, 'repetida');
    expect((await deliver(server, account.path, update)).status).toBe(200);
    expect((await deliver(server, account.path, update)).status).toBe(200);
    const { conversation } = await stored(account.id, `${chat}:1`);
    expect(await messagesOf(String(conversation?.id))).toHaveLength(1);

    const other = newChat();
    const copy = textDelivery(other, 1, 'cinco cópias');
    const replies = await Promise.all(Array.from({ length: 5 }, () => deliver(server, account.path, copy)));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const second = await stored(account.id, `${other}:1`);
    expect(await messagesOf(String(second.conversation?.id))).toHaveLength(1);
    expect(await server.store.find({ selector: { type: 'message', externalId: `${other}:1` }, limit: 10 })).toHaveLength(1);
  });

  it('R-CH-01 a bad or missing secret is 401 and stores nothing', async () => {
    const before = await counts();
    const wrong = await deliver(server, account.path, textDelivery(newChat(), 1, 'falsa'), 'x'.repeat(FAKE_SECRET.length));
    const short = await deliver(server, account.path, textDelivery(newChat(), 1, 'falsa'), 'x');
    const none = await deliver(server, account.path, textDelivery(newChat(), 1, 'falsa'), null);
    expect([wrong.status, short.status, none.status]).toEqual([401, 401, 401]);
    expect(await counts()).toEqual(before);
  });

  it('R-CH-01 an unknown channel id or the wrong kind in the path is 404 and stores nothing', async () => {
    const before = await counts();
    const update = textDelivery(newChat(), 1, 'perdida');
    expect((await deliver(server, `/channels/${FAKE_KIND}/01NOSUCHCHANNEL/webhook`, update)).status).toBe(404);
    expect((await deliver(server, `/channels/whatsapp/${account.key}/webhook`, update)).status).toBe(404);
    expect((await deliver(server, `/channels/nonsense/${account.key}/webhook`, update)).status).toBe(404);
    expect(await counts()).toEqual(before);
  });

  it('R-CH-01 a disabled channel answers 410 until enabled again', async () => {
    const disabled = await createFakeAccount(server, admin, 'Desligado');
    const off = await call(server, 'PATCH', `/api/admin/channels/${disabled.id}`, { token: admin, body: { enabled: false } });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ enabled: false });
    const chat = newChat();
    expect((await deliver(server, disabled.path, textDelivery(chat, 1, 'desligado'))).status).toBe(410);
    expect((await stored(disabled.id, `${chat}:1`)).message).toBeUndefined();
    await call(server, 'PATCH', `/api/admin/channels/${disabled.id}`, { token: admin, body: { enabled: true } });
    expect((await deliver(server, disabled.path, textDelivery(chat, 1, 'ligado'))).status).toBe(200);
  });

  it('R-CH-01 malformed JSON with the right secret is 400 and stores nothing', async () => {
    const before = await counts();
    const reply = await deliver(server, account.path, '{"update_id": 1, "message": {');
    expect(reply.status).toBe(400);
    expect((await deliver(server, account.path, { update_id: 'x', message: 'y' })).status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('R-CH-01 two chats are two contacts; one chat writing twice is one contact and one conversation', async () => {
    const [a, b] = [newChat(), newChat()];
    await deliver(server, account.path, textDelivery(a, 1, 'a1'));
    await deliver(server, account.path, textDelivery(b, 1, 'b1'));
    await deliver(server, account.path, textDelivery(a, 2, 'a2'));
    const [a1, a2, b1] = await Promise.all([stored(account.id, `${a}:1`), stored(account.id, `${a}:2`), stored(account.id, `${b}:1`)]);
    expect(a1.conversation?.contactId).toBe(a2.conversation?.contactId);
    expect(a1.conversation?.id).toBe(a2.conversation?.id);
    expect(b1.conversation?.contactId).not.toBe(a1.conversation?.contactId);
    expect(await messagesOf(String(a1.conversation?.id))).toHaveLength(2);
  });

  it('R-CH-01 10 concurrent first messages from one new chat make one contact and one conversation', async () => {
    const chat = newChat();
    const before = await counts();
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) => deliver(server, account.path, textDelivery(chat, i + 1, `rajada ${i + 1}`))),
    );
    expect(replies.every((r) => r.status === 200)).toBe(true);
    const all = await Promise.all(Array.from({ length: 10 }, (_, i) => stored(account.id, `${chat}:${i + 1}`)));
    expect(new Set(all.map((s) => s.conversation?.contactId)).size).toBe(1);
    expect(new Set(all.map((s) => s.conversation?.id)).size).toBe(1);
    expect(await counts()).toEqual({ messages: before.messages + 10, conversations: before.conversations + 1, contacts: before.contacts + 1 });
  });
});

describe('R-CH-03 issue 10 a WhatsApp number belongs to one channel account', () => {
  let nextNumber = 106_540_352_260_000;
  const newNumberId = () => String(++nextNumber);
  type Created = { id: string; error?: string; message?: string };
  const createWhatsApp = (name: string, phoneNumberId: string, displayPhoneNumber = '5511955550001') =>
    call<Created>(server, 'POST', '/api/admin/channels', {
      token: admin,
      body: { kind: 'whatsapp', name, teamId: 'team:suporte', config: { phoneNumberId, displayPhoneNumber, accessToken: 'tok', appSecret: 'sec', verifyToken: 'ver' } },
    });
  const patch = (id: string, body: Record<string, unknown>) => call<Created>(server, 'PATCH', `/api/admin/channels/${id}`, { token: admin, body });

  it('R-CH-03 issue 10 a second account with the same Phone Number ID is 409 phone_number_taken naming the account; Nova conversa lists the number once', async () => {
    const number = newNumberId();
    const first = await createWhatsApp('WhatsApp Loja Centro', number, '5511955551234');
    expect(first.status).toBe(201);
    const second = await createWhatsApp('WhatsApp Cópia', number, '5511955551234');
    expect([second.status, second.body.error]).toEqual([409, 'phone_number_taken']);
    expect(second.body.message).toContain('WhatsApp Loja Centro');
    // Disabled, it still holds its number (it may be enabled again).
    expect((await patch(first.body.id, { enabled: false })).status).toBe(200);
    expect((await createWhatsApp('WhatsApp Cópia', number)).status).toBe(409);
    expect((await patch(first.body.id, { enabled: true })).status).toBe(200);
    const offered = await call<{ channels: Array<{ displayPhoneNumber: string | null }> }>(server, 'GET', '/api/channels', { token: admin });
    expect(offered.body.channels.filter((c) => c.displayPhoneNumber === '5511955551234')).toHaveLength(1);
  });

  it('R-CH-03 issue 10 of concurrent creates with one number exactly one is stored', async () => {
    const number = newNumberId();
    const replies = await Promise.all(Array.from({ length: 6 }, (_, i) => createWhatsApp(`Corrida ${i}`, number)));
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    const accounts = await call<{ channels: Array<{ settings: Record<string, string> }> }>(server, 'GET', '/api/admin/channels', { token: admin });
    expect(accounts.body.channels.filter((c) => c.settings.phoneNumberId === number)).toHaveLength(1);
  });

  it('R-CH-03 issue 10 changing the number claims the new one and releases the old; removing an account releases its number', async () => {
    const [x, y, z] = [newNumberId(), newNumberId(), newNumberId()];
    const a = (await createWhatsApp('Conta A', x)).body.id;
    const b = (await createWhatsApp('Conta B', y)).body.id;
    const taken = await patch(b, { config: { phoneNumberId: x } });
    expect([taken.status, taken.body.error]).toEqual([409, 'phone_number_taken']);
    expect(taken.body.message).toContain('Conta A');
    expect((await patch(a, { config: { phoneNumberId: z } })).status).toBe(200);
    expect((await patch(b, { config: { phoneNumberId: x } })).status).toBe(200);
    expect((await createWhatsApp('Conta C', y)).status).toBe(201);
    expect((await createWhatsApp('Conta D', z)).status).toBe(409);
    expect((await call(server, 'DELETE', `/api/admin/channels/${a}`, { token: admin })).status).toBe(204);
    expect((await createWhatsApp('Conta D', z)).status).toBe(201);
    // Renaming keeps the number without a second claim of its own.
    expect((await patch(b, { name: 'Conta B renomeada', config: { phoneNumberId: x } })).status).toBe(200);
  });

  it('R-CH-03 issue 10 a claim left by a create that never finished frees its number after a while; an account stored without a claim still holds its number', async () => {
    const abandoned = newNumberId();
    await server.store.bulkWrite([{ _id: phoneNumberClaimId(abandoned), type: 'wphone', accountId: 'channel:never-written', claimedAt: Date.now() - 60 * 60_000 }]);
    expect((await createWhatsApp('Depois da queda', abandoned)).status).toBe(201);
    const inProgress = newNumberId();
    await server.store.bulkWrite([{ _id: phoneNumberClaimId(inProgress), type: 'wphone', accountId: 'channel:being-written', claimedAt: Date.now() }]);
    expect((await createWhatsApp('Ao mesmo tempo', inProgress)).status).toBe(409);

    // As the demo seed writes its simulator's account: straight to the store.
    const legacy = newNumberId();
    await server.store.bulkWrite([{
      _id: 'channel:legacy-wa', type: 'channel', kind: 'whatsapp', name: 'WhatsApp Antigo', entryTeamId: 'team:suporte', enabled: true,
      settings: { phoneNumberId: legacy, accessToken: 'tok', appSecret: 'sec', verifyToken: 'ver' }, createdAt: 1, updatedAt: 1,
    }]);
    const blocked = await createWhatsApp('Nova', legacy);
    expect([blocked.status, blocked.body.message?.includes('WhatsApp Antigo')]).toEqual([409, true]);
  });
});
