import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  docId, EDITED_AT, MEDIA_ERROR, previousTextsOf, REPLY_WINDOW_CLOSED, type ChannelKind, type ContactDoc, type ConversationDoc,
  type MessageDoc,
} from '@atende/protocol';
import { ChannelAccounts, type ChannelAccountDoc } from '../src/channelAccounts/service.js';
import {
  MediaTooLarge, type ChannelAdapter, type CustomerProfile, type InboundEvent, type InboundMessage, type OutboundRequest,
} from '../src/channels/adapter.js';
import { upstreamMessageKey } from '../src/channels/inbound.js';
import { PublicMediaLinks } from '../src/channels/publicMedia.js';
import { PermanentFailure } from '../src/jobs/types.js';
import { MediaService } from '../src/media/service.js';
import { getWire, toStored, updateWire } from '../src/store/wire.js';
import { addUser, call, clientId, login, startTestServer, type TestServer } from './helpers.js';

/**
 * The channel core under Telegram, Messenger and Instagram (issue 11), through a scripted adapter
 * registered for those kinds: its webhook body is the list of events the real adapters parse, so
 * these tests exercise what the core does with each event, not any upstream's format.
 */
const SECRET = 'core-test-secret-0123456789-abcdefghij';
// The smallest valid PNG (1×1).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const HOUR = 60 * 60_000;

/** What the scripted upstream was asked, shared by every adapter the registry builds. */
const upstream = {
  profileCalls: [] as string[],
  profiles: new Map<string, CustomerProfile>(),
  sends: [] as Array<{ text: string; links: Array<string | null> }>,
  connectionTests: [] as string[],
};

function coreAdapter(server: TestServer, kind: ChannelKind, connectsOnSave: boolean) {
  return (account: ChannelAccountDoc): ChannelAdapter => ({
    kind,
    idempotentSends: false,
    connectsOnSave,
    verify: () => true,
    parse: (request) => (JSON.parse(request.rawBody.toString('utf8')) as { events: InboundEvent[] }).events,
    async send(request: OutboundRequest) {
      upstream.sends.push({ text: request.message.text, links: request.message.attachments.map((a) => request.publicMediaUrl(a)) });
      return { externalId: `out.${upstream.sends.length}`, status: 'sent' };
    },
    async testConnection() {
      const url = server.accounts.upstreamWebhookUrl(account);
      upstream.connectionTests.push(String(url));
      return { ok: true, message: `Conectado; webhook registrado em ${url}.` };
    },
    async fetchProfile(address: string) {
      upstream.profileCalls.push(address);
      return upstream.profiles.get(address) ?? { name: null, pictureUrl: null };
    },
    async downloadMedia(ref: string) {
      if (ref === 'too-large') throw new MediaTooLarge('file is too big');
      if (ref === 'gone') throw new PermanentFailure('the upstream no longer has this file');
      return { bytes: PNG, mimeType: 'image/png', filename: 'foto.png' };
    },
  });
}

let server: TestServer;
let admin: string;
let ana: string;
let diego: string;
/** Serves every conversation these tests open (far above the demo agents' limit of open conversations). */
let eva: string;
const accounts: Partial<Record<ChannelKind, string>> = {};

async function createAccount(kind: ChannelKind, config: Record<string, unknown>, name = `Conta ${kind}`) {
  const reply = await call<{ id: string; settings: Record<string, string>; secretsSet: string[]; connection?: { ok: boolean; message: string } }>(
    server, 'POST', '/api/admin/channels', { token: admin, body: { kind, name, teamId: 'team:suporte', config } },
  );
  expect(reply.status).toBe(201);
  return reply.body;
}

const MESSENGER = { pageId: '4242', pageAccessToken: 'page-token', appSecret: 'app-secret-0123' };
const INSTAGRAM = { igUserId: '1784', pageId: '4242', pageAccessToken: 'page-token', appSecret: 'app-secret-0123', humanAgentTag: 'on' };

beforeAll(async () => {
  server = await startTestServer({ ATENDE_SECRET: SECRET });
  server.registry.register('telegram', coreAdapter(server, 'telegram', true));
  server.registry.register('messenger', coreAdapter(server, 'messenger', false));
  server.registry.register('instagram', coreAdapter(server, 'instagram', false));
  admin = (await login(server, 'admin@demo.local')).accessToken;
  ana = (await login(server, 'ana@demo.local')).accessToken;
  await addUser(server, { key: 'diego', name: 'Diego Ramos', email: 'diego@demo.local', role: 'agent', teamIds: ['team:comercial'] });
  diego = (await login(server, 'diego@demo.local')).accessToken;
  await addUser(server, { key: 'eva', name: 'Eva Prado', email: 'eva@demo.local', role: 'agent', teamIds: ['team:suporte'], maxConcurrent: 100 });
  eva = (await login(server, 'eva@demo.local')).accessToken;
  accounts.messenger = (await createAccount('messenger', MESSENGER)).id;
  accounts.instagram = (await createAccount('instagram', INSTAGRAM)).id;
  accounts.telegram = (await createAccount('telegram', { botToken: '123:abc' })).id;
});
afterAll(() => server.close());
beforeEach(() => {
  upstream.profileCalls.length = 0;
  upstream.sends.length = 0;
  upstream.connectionTests.length = 0;
});

const pathOf = (kind: ChannelKind) => `/channels/${kind}/${String(accounts[kind]).slice('channel:'.length)}/webhook`;
const deliver = (kind: ChannelKind, events: InboundEvent[]) => call(server, 'POST', pathOf(kind), { body: { events } });

let nextAddress = 900_000;
const newAddress = () => String(++nextAddress);
/** A stored account's settings, secrets included (never returned by the API). */
const storedSettings = async (id: string) => ((await server.store.get(id))?.settings ?? {}) as Record<string, string | undefined>;

function inbound(address: string, externalId: string, text: string, extra: Partial<InboundMessage> = {}): InboundEvent {
  return { type: 'message', message: { externalId, address, authorName: '', kind: 'text', text, media: [], payload: {}, at: Date.now(), ...extra } };
}

async function storedMessage(kind: ChannelKind, externalId: string) {
  return getWire<MessageDoc>(server.store, docId('message', upstreamMessageKey(String(accounts[kind]), externalId)));
}

/** A customer writes, Ana takes the conversation: answers its id. */
async function conversationWith(kind: ChannelKind, address: string, extra: Partial<InboundMessage> = {}): Promise<string> {
  const externalId = `m.${address}.${clientId()}`;
  expect((await deliver(kind, [inbound(address, externalId, 'Oi', extra)])).status).toBe(200);
  const conversationId = String((await storedMessage(kind, externalId))?.conversationId);
  expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: eva, body: {} })).status).toBe(200);
  return conversationId;
}

const reply = (conversationId: string, text: string, mediaIds?: string[]) =>
  call<{ message: MessageDoc }>(
    server, 'POST', `/api/conversations/${conversationId}/messages`, { token: eva, body: { id: clientId('r'), text, ...(mediaIds ? { mediaIds } : {}) } },
  );

describe('R-CH-01 issue 11 generated tokens and connection on save', () => {
  it('R-CH-01 Telegram\'s secret token and Meta\'s verify token are generated when left out; the verify token is readable, the secret is not', async () => {
    const bot = await createAccount('telegram', { botToken: '555:xyz' }, 'Bot gerado');
    expect(bot.secretsSet).toEqual(['botToken', 'secretToken']);
    const { secretToken } = await storedSettings(bot.id);
    expect(secretToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(bot)).not.toContain(String(secretToken));

    const [one, two] = [await createAccount('messenger', MESSENGER), await createAccount('messenger', MESSENGER)];
    expect(one.settings.verifyToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(one.settings.verifyToken).not.toBe(two.settings.verifyToken);
    // One the admin typed is kept as typed.
    expect((await createAccount('messenger', { ...MESSENGER, verifyToken: 'typed-by-admin' })).settings.verifyToken).toBe('typed-by-admin');
  });

  it('R-CH-01 an account stored without a generated setting gets one on its next config change; a new API host needs the credentials but not the generated secret, which is renewed', async () => {
    await server.store.bulkWrite([{
      _id: 'channel:legacy-bot', type: 'channel', kind: 'telegram', name: 'Antigo', entryTeamId: 'team:suporte', enabled: true,
      settings: { apiBaseUrl: 'https://api.telegram.org', botToken: '1:a' }, createdAt: 1, updatedAt: 1,
    }]);
    const renamed = await call(server, 'PATCH', '/api/admin/channels/channel:legacy-bot', { token: admin, body: { name: 'Só o nome' } });
    expect((await storedSettings('channel:legacy-bot')).secretToken).toBeUndefined();
    expect(renamed.status).toBe(200);
    await call(server, 'PATCH', '/api/admin/channels/channel:legacy-bot', { token: admin, body: { config: { botToken: '1:b' } } });
    const first = String((await storedSettings('channel:legacy-bot')).secretToken);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const bare = await call<{ error: string; message: string }>(server, 'PATCH', '/api/admin/channels/channel:legacy-bot', {
      token: admin, body: { config: { apiBaseUrl: 'https://bots.example' } },
    });
    expect([bare.status, bare.body.error]).toEqual([400, 'secrets_required']);
    expect(bare.body.message).toContain('botToken');
    expect(bare.body.message).not.toContain('secretToken');
    const moved = await call(server, 'PATCH', '/api/admin/channels/channel:legacy-bot', {
      token: admin, body: { config: { apiBaseUrl: 'https://bots.example', botToken: '1:c' } },
    });
    expect(moved.status).toBe(200);
    const renewed = String((await storedSettings('channel:legacy-bot')).secretToken);
    expect(renewed).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(renewed).not.toBe(first);
  });

  it('R-CH-01 a kind that connects on save answers create and config changes with the connection test, registering our own address when there is no public one', async () => {
    const bot = await createAccount('telegram', { botToken: '777:abc' }, 'Conecta ao salvar');
    const webhook = `${server.url}/channels/telegram/${bot.id.slice('channel:'.length)}/webhook`;
    expect(bot.connection).toEqual({ ok: true, message: `Conectado; webhook registrado em ${webhook}.` });
    expect(upstream.connectionTests).toEqual([webhook]);

    const renamed = await call<{ connection?: unknown }>(server, 'PATCH', `/api/admin/channels/${bot.id}`, { token: admin, body: { name: 'Outro nome' } });
    expect(renamed.body.connection).toBeUndefined();
    const changed = await call<{ connection?: { ok: boolean } }>(server, 'PATCH', `/api/admin/channels/${bot.id}`, { token: admin, body: { config: { botToken: '777:def' } } });
    expect(changed.body.connection?.ok).toBe(true);
    expect(upstream.connectionTests).toHaveLength(2);
    // Messenger registers nothing on save.
    expect((await createAccount('messenger', MESSENGER)).connection).toBeUndefined();
  });

  it('R-CH-01 with ATENDE_PUBLIC_URL the upstream webhook URL is the public one', () => {
    const withPublic = new ChannelAccounts(server.store, 'https://atende.example.com');
    withPublic.setLocalUrl('http://127.0.0.1:1');
    expect(withPublic.upstreamWebhookUrl({ _id: 'channel:abc', kind: 'telegram' })).toBe('https://atende.example.com/channels/telegram/abc/webhook');
    const local = new ChannelAccounts(server.store, undefined);
    expect(local.upstreamWebhookUrl({ _id: 'channel:abc', kind: 'telegram' })).toBeNull();
    local.setLocalUrl('http://127.0.0.1:1');
    expect(local.upstreamWebhookUrl({ _id: 'channel:abc', kind: 'telegram' })).toBe('http://127.0.0.1:1/channels/telegram/abc/webhook');
  });
});

describe('R-CH-04 issue 11 edits, watermarks and profiles', () => {
  it('R-CH-04 R-CH-11 an edit delivered three times changes the message once and keeps its history; a later edit adds to it', async () => {
    const address = newAddress();
    const externalId = `${address}:1`;
    expect((await deliver('telegram', [inbound(address, externalId, 'Pedido 123')])).status).toBe(200);
    const before = await server.store.get(docId('message', upstreamMessageKey(String(accounts.telegram), externalId)));
    const edit: InboundEvent = { type: 'edit', edit: { externalId, address, authorName: 'Joana', text: 'Pedido 124', at: Date.now() } };
    for (let i = 0; i < 3; i++) expect((await deliver('telegram', [edit])).status).toBe(200);
    const after = await server.store.get(String(before?._id));
    expect(Number(String(after?._rev).split('-')[0])).toBe(Number(String(before?._rev).split('-')[0]) + 1);
    const message = await storedMessage('telegram', externalId);
    expect(message?.text).toBe('Pedido 124');
    expect(message?.payload[EDITED_AT]).toBe(edit.edit.at);
    expect(previousTextsOf(message?.payload ?? {})).toEqual([{ text: 'Pedido 123', replacedAt: edit.edit.at }]);
    expect((await getWire<ConversationDoc>(server.store, String(message?.conversationId)))?.lastPreview).toBe('Pedido 124');

    const later: InboundEvent = { type: 'edit', edit: { ...edit.edit, text: 'Pedido 125', at: edit.edit.at + 1000 } };
    await deliver('telegram', [later]);
    expect(previousTextsOf((await storedMessage('telegram', externalId))?.payload ?? {}).map((p) => p.text)).toEqual(['Pedido 123', 'Pedido 124']);
  });

  it('R-CH-04 an edit of a message never stored is stored as a new message marked edited', async () => {
    const address = newAddress();
    const at = Date.now();
    await deliver('telegram', [{ type: 'edit', edit: { externalId: `${address}:9`, address, authorName: 'Joana', text: 'editada', at } }]);
    const message = await storedMessage('telegram', `${address}:9`);
    expect(message).toMatchObject({ direction: 'in', text: 'editada' });
    expect(message?.payload[EDITED_AT]).toBe(at);
  });

  it('R-CH-03 R-CH-05 delivery and read watermarks move our sent messages up to their time, never backwards, never a later message', async () => {
    const address = newAddress();
    const conversationId = await conversationWith('messenger', address);
    const first = (await reply(conversationId, 'primeira')).body.message;
    await server.jobs.idle();
    const second = (await reply(conversationId, 'segunda')).body.message;
    await server.jobs.idle();
    const status = async (id: string) => (await getWire<MessageDoc>(server.store, id))?.status;
    expect([await status(first.id), await status(second.id)]).toEqual(['sent', 'sent']);

    // Read up to the first message only (the second was created after the watermark).
    await deliver('messenger', [{ type: 'statusUpTo', report: { address, status: 'read', at: first.createdAt } }]);
    expect([await status(first.id), await status(second.id)]).toEqual(['read', 'sent']);
    await deliver('messenger', [{ type: 'statusUpTo', report: { address, status: 'delivered', at: Date.now() } }]);
    expect([await status(first.id), await status(second.id)]).toEqual(['read', 'delivered']);
    // A stranger's watermark changes nothing and is acknowledged.
    expect((await deliver('messenger', [{ type: 'statusUpTo', report: { address: 'nobody', status: 'read', at: Date.now() } }])).status).toBe(200);
  });

  it('R-CH-05 the profile is fetched once per contact (even when several messages queue it) and sets the name and a picture its agents may open', async () => {
    const address = newAddress();
    upstream.profiles.set(address, { name: 'Maria Souza', pictureUrl: 'https://cdn.example/maria.png' });
    const replies = await Promise.all([1, 2, 3].map((n) => deliver('messenger', [inbound(address, `p.${address}.${n}`, `msg ${n}`)])));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    const message = await storedMessage('messenger', `p.${address}.1`);
    const conversation = await getWire<ConversationDoc>(server.store, String(message?.conversationId));
    expect((await getWire<ContactDoc>(server.store, String(conversation?.contactId)))?.name).toBe('');
    await server.jobs.idle();
    await deliver('messenger', [inbound(address, `p.${address}.4`, 'msg 4')]);
    await server.jobs.idle();
    expect(upstream.profileCalls).toEqual([address]);
    const contact = await getWire<ContactDoc>(server.store, String(conversation?.contactId));
    expect(contact?.name).toBe('Maria Souza');
    expect(contact?.pictureMediaId).toMatch(/^media:/);
    const picture = `/api/media/${contact?.pictureMediaId}`;
    expect((await fetch(server.url + picture, { headers: { authorization: `Bearer ${ana}` } })).status).toBe(200);
    expect((await fetch(server.url + picture, { headers: { authorization: `Bearer ${diego}` } })).status).toBe(404);
  });

  it('R-CH-05 a client cannot set or change a contact\'s picture by push', async () => {
    const address = newAddress();
    upstream.profiles.set(address, { name: 'Com Foto', pictureUrl: 'https://cdn.example/foto.png' });
    await conversationWith('messenger', address);
    await server.jobs.idle();
    const contactId = String((await server.store.find({ selector: { type: 'contact', 'addresses.messenger': address }, limit: 1 }))[0]?._id);
    const master = await getWire<ContactDoc & Record<string, unknown>>(server.store, contactId);
    const original = master?.pictureMediaId;
    expect(original).toMatch(/^media:/);
    const pushed = await call(server, 'POST', '/api/sync/contacts/push', {
      token: ana, body: [{ newDocumentState: { ...master, name: 'Renomeada', pictureMediaId: 'media:someoneelsesfile01' }, assumedMasterState: master }],
    });
    expect(pushed.status).toBe(200);
    const after = await getWire<ContactDoc>(server.store, contactId);
    expect(after).toMatchObject({ name: 'Renomeada', pictureMediaId: original });
  });
});

describe('R-CT issue 11 a contact\'s picture after a merge', () => {
  it('R-CT R-WS-05 merging carries the source\'s picture to a target without one, and its agents may still open it', async () => {
    const media = new MediaService(server.store);
    const picture = await media.upload({ bytes: PNG, filename: 'p.png', channel: 'messenger', uploadedBy: 'contact:pic-source', pictureOf: 'contact:pic-source' }, 'any');
    const now = Date.now();
    const contact = (id: string, extra: Partial<ContactDoc>): ContactDoc => ({
      id, type: 'contact', createdAt: now, updatedAt: now, name: id, email: '', addresses: {}, customFields: {}, teamIds: ['team:suporte'], ...extra,
    });
    await server.store.bulkWrite([
      toStored(contact('contact:pic-source', { pictureMediaId: picture.mediaId })), toStored(contact('contact:pic-target', {})),
    ]);
    const carla = (await login(server, 'carla@demo.local')).accessToken;
    const merged = await call(server, 'POST', '/api/contacts/contact:pic-target/merge', { token: carla, body: { sourceId: 'contact:pic-source' } });
    expect(merged.status).toBe(200);
    expect((await getWire<ContactDoc>(server.store, 'contact:pic-target'))?.pictureMediaId).toBe(picture.mediaId);
    const url = `${server.url}/api/media/${picture.mediaId}`;
    expect((await fetch(url, { headers: { authorization: `Bearer ${ana}` } })).status).toBe(200);
    expect((await fetch(url, { headers: { authorization: `Bearer ${diego}` } })).status).toBe(404);
  });
});

describe('R-WS-04 issue 11 inbound media that will not arrive', () => {
  it('R-WS-04 a file the upstream refuses for its size says too_large at once; one refused for good says unavailable', async () => {
    const address = newAddress();
    await deliver('telegram', [
      inbound(address, `${address}:1`, '', { kind: 'document', media: [{ ref: 'too-large' }] }),
      inbound(address, `${address}:2`, '', { kind: 'image', media: [{ ref: 'gone' }] }),
      inbound(address, `${address}:3`, '', { kind: 'image', media: [{ ref: 'ok' }] }),
    ]);
    await server.jobs.idle();
    const [large, gone, ok] = await Promise.all([1, 2, 3].map((n) => storedMessage('telegram', `${address}:${n}`)));
    expect([large?.payload[MEDIA_ERROR], large?.attachments]).toEqual(['too_large', []]);
    expect([gone?.payload[MEDIA_ERROR], gone?.attachments]).toEqual(['unavailable', []]);
    expect(ok?.payload[MEDIA_ERROR]).toBeUndefined();
    expect(ok?.attachments).toHaveLength(1);
  });
});

describe('R-CH-05 issue 11 public media links', () => {
  it('R-CH-05 an attachment goes upstream as a link that serves it without login; forged or expired links are 404', async () => {
    const conversationId = await conversationWith('messenger', newAddress());
    const form = new FormData();
    form.append('channel', 'messenger');
    form.append('file', new Blob([PNG], { type: 'image/png' }), 'foto.png');
    const uploaded = await fetch(`${server.url}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${eva}` }, body: form });
    const { id: mediaId } = (await uploaded.json()) as { id: string };
    expect((await reply(conversationId, '', [mediaId])).status).toBe(201);
    await server.jobs.idle();
    const link = String(upstream.sends[0]?.links[0]);
    expect(link.startsWith(`${server.url}/channels/media/`)).toBe(true);
    const served = await fetch(link);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);

    const token = decodeURIComponent(link.slice(`${server.url}/channels/media/`.length));
    const forged = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    expect((await fetch(`${server.url}/channels/media/${encodeURIComponent(forged)}`)).status).toBe(404);
    const otherKey = new PublicMediaLinks('another-secret-0123456789-0123456789', () => server.url).tokenFor(mediaId);
    expect((await fetch(`${server.url}/channels/media/${encodeURIComponent(otherKey)}`)).status).toBe(404);
    const expired = new PublicMediaLinks(SECRET, () => server.url, () => Date.now() - 2 * HOUR).tokenFor(mediaId);
    expect((await fetch(`${server.url}/channels/media/${encodeURIComponent(expired)}`)).status).toBe(404);
    const fresh = new PublicMediaLinks(SECRET, () => server.url).tokenFor(mediaId);
    expect((await fetch(`${server.url}/channels/media/${encodeURIComponent(fresh)}`)).status).toBe(200);
  });
});

describe('R-CH-05 issue 11 reply windows and text limits at queue time', () => {
  it('R-CH-05 Messenger past 24 h is refused with reply_window_closed naming the channel and when it closed', async () => {
    const wroteAt = Date.now() - 25 * HOUR;
    const conversationId = await conversationWith('messenger', newAddress(), { payload: { sentAt: wroteAt } });
    // The window counts from the customer's own upstream time, kept on the conversation for every channel.
    expect((await getWire<ConversationDoc>(server.store, conversationId))?.channelMeta.customerWroteAt).toBe(String(wroteAt));
    const refused = await call<{ error: string; message: string }>(
      server, 'POST', `/api/conversations/${conversationId}/messages`, { token: eva, body: { id: clientId('w'), text: 'Olá?' } },
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe(REPLY_WINDOW_CLOSED);
    expect(refused.body.message).toContain('Messenger');
    expect(JSON.stringify(refused.body)).toContain(String(wroteAt + 24 * HOUR));
    expect(upstream.sends).toHaveLength(0);
  });

  it('R-CH-05 Instagram with HUMAN_AGENT allowed takes replies up to 7 days, then refuses', async () => {
    const inside = await conversationWith('instagram', newAddress(), { payload: { sentAt: Date.now() - 3 * 24 * HOUR } });
    expect((await reply(inside, 'Ainda dá')).status).toBe(201);
    const past = await conversationWith('instagram', newAddress(), { payload: { sentAt: Date.now() - 8 * 24 * HOUR } });
    const refused = await call<{ error: string; message: string }>(server, 'POST', `/api/conversations/${past}/messages`, { token: eva, body: { id: clientId('w'), text: 'Tarde demais' } });
    expect([refused.status, refused.body.error]).toEqual([409, REPLY_WINDOW_CLOSED]);
    expect(refused.body.message).toContain('Instagram');
  });

  it('R-CH-05 R-WS-04 "Reenviar" of a failed Messenger message after the window closed is refused the same way', async () => {
    const conversationId = await conversationWith('messenger', newAddress());
    const sent = (await reply(conversationId, 'Vai falhar')).body.message;
    await server.jobs.idle();
    // The upstream refused it, and the customer's last message is now 25 hours old.
    await updateWire<MessageDoc>(server.store, sent.id, (m) => m && { ...m, status: 'failed', error: 'recusada', updatedAt: m.updatedAt + 1 });
    await updateWire<ConversationDoc>(server.store, conversationId, (c) =>
      c && { ...c, channelMeta: { ...c.channelMeta, customerWroteAt: String(Date.now() - 25 * HOUR) }, updatedAt: c.updatedAt + 1 });
    const refused = await call<{ error: string }>(server, 'POST', `/api/conversations/${conversationId}/messages/${sent.id}/resend`, { token: eva, body: {} });
    expect([refused.status, refused.body.error]).toEqual([409, REPLY_WINDOW_CLOSED]);
    expect((await getWire<MessageDoc>(server.store, sent.id))?.status).toBe('failed');
  });

  it('R-CH-05 text over the channel\'s limit is refused before queueing with a sentence naming the channel and its limit', async () => {
    const messenger = await conversationWith('messenger', newAddress());
    const long = await call<{ error: string; message: string }>(server, 'POST', `/api/conversations/${messenger}/messages`, { token: eva, body: { id: clientId('t'), text: 'a'.repeat(2001) } });
    expect([long.status, long.body.error, long.body.message]).toEqual([422, 'text_too_long', 'O Messenger aceita até 2.000 caracteres por mensagem.']);
    expect((await reply(messenger, 'a'.repeat(2000))).status).toBe(201);
    const instagram = await conversationWith('instagram', newAddress());
    const longer = await call<{ error: string; message: string }>(server, 'POST', `/api/conversations/${instagram}/messages`, { token: eva, body: { id: clientId('t'), text: 'b'.repeat(1001) } });
    expect([longer.status, longer.body.error, longer.body.message]).toEqual([422, 'text_too_long', 'O Instagram aceita até 1.000 caracteres por mensagem.']);
    const messages = await server.store.find({ selector: { type: 'message', conversationId: instagram, direction: 'out' }, limit: 10 });
    expect(messages).toHaveLength(0);
  });
});
