import { describe, expect, it } from 'vitest';
import {
  docId, EDITED_AT, MEDIA_ERROR, previousTextsOf, type ContactDoc, type ConversationDoc, type MessageDoc,
} from '@atende/protocol';
import { ChannelAccounts } from '../src/channelAccounts/service.js';
import type { InboundEvent } from '../src/channels/adapter.js';
import { upstreamMessageKey } from '../src/channels/inbound.js';
import { MediaService } from '../src/media/service.js';
import { getWire, toStored } from '../src/store/wire.js';
import {
  accounts, admin, ana, conversationWith, createAccount, deliver, diego, inbound, MESSENGER, newAddress, reply, server,
  storedMessage, storedSettings, upstream, useCoreRig,
} from './channelCoreRig.js';
import { call, login } from './helpers.js';
import { PNG } from './scriptedAdapter.js';

/** The channel core's inbound side for issue 11: generated tokens, edits, watermarks, profiles, pictures, lost files. */
useCoreRig();

describe('R-CH-01 issue 11 generated tokens and connection on save', () => {
  it('R-CH-01 Telegram\'s secret token and Meta\'s verify token are generated when left out; the verify token is readable, the secret is not', async () => {
    const bot = await createAccount('telegram', { botToken: '555:AAE-generated-secret-token-0123456789' }, 'Bot gerado');
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
      settings: { apiBaseUrl: 'https://api.telegram.org', botToken: '1:AAE-legacy-token-a-0123456789abcdef' }, createdAt: 1, updatedAt: 1,
    }]);
    const renamed = await call(server, 'PATCH', '/api/admin/channels/channel:legacy-bot', { token: admin, body: { name: 'Só o nome' } });
    expect((await storedSettings('channel:legacy-bot')).secretToken).toBeUndefined();
    expect(renamed.status).toBe(200);
    await call(server, 'PATCH', '/api/admin/channels/channel:legacy-bot', { token: admin, body: { config: { botToken: '1:AAE-legacy-token-b-0123456789abcdef' } } });
    const first = String((await storedSettings('channel:legacy-bot')).secretToken);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const bare = await call<{ error: string; message: string }>(server, 'PATCH', '/api/admin/channels/channel:legacy-bot', {
      token: admin, body: { config: { apiBaseUrl: 'https://bots.example' } },
    });
    expect([bare.status, bare.body.error]).toEqual([400, 'secrets_required']);
    expect(bare.body.message).toContain('botToken');
    expect(bare.body.message).not.toContain('secretToken');
    const moved = await call(server, 'PATCH', '/api/admin/channels/channel:legacy-bot', {
      token: admin, body: { config: { apiBaseUrl: 'https://bots.example', botToken: '1:AAE-legacy-token-c-0123456789abcdef' } },
    });
    expect(moved.status).toBe(200);
    const renewed = String((await storedSettings('channel:legacy-bot')).secretToken);
    expect(renewed).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(renewed).not.toBe(first);
  });

  it('R-CH-01 a kind that connects on save answers create and config changes with the connection test, registering our own address when there is no public one', async () => {
    const bot = await createAccount('telegram', { botToken: '777:AAE-connects-on-save-abc-0123456789' }, 'Conecta ao salvar');
    const webhook = `${server.url}/channels/telegram/${bot.id.slice('channel:'.length)}/webhook`;
    expect(bot.connection).toEqual({ ok: true, message: `Conectado; webhook registrado em ${webhook}.` });
    expect(upstream.connectionTests).toEqual([webhook]);

    const renamed = await call<{ connection?: unknown }>(server, 'PATCH', `/api/admin/channels/${bot.id}`, { token: admin, body: { name: 'Outro nome' } });
    expect(renamed.body.connection).toBeUndefined();
    const changed = await call<{ connection?: { ok: boolean } }>(server, 'PATCH', `/api/admin/channels/${bot.id}`, { token: admin, body: { config: { botToken: '777:AAE-connects-on-save-def-0123456789' } } });
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
    // The fetch is a job, not part of the webhook's answer; whether it already ran by now is timing, so only its outcome is asserted.
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
