import { describe, expect, it } from 'vitest';
import { REPLY_WINDOW_CLOSED, type ConversationDoc, type MessageDoc } from '@atende/protocol';
import { PublicMediaLinks } from '../src/channels/publicMedia.js';
import { getWire, updateWire } from '../src/store/wire.js';
import { conversationWith, eva, HOUR, newAddress, reply, SECRET, server, upstream, useCoreRig } from './channelCoreRig.js';
import { call, clientId } from './helpers.js';
import { PNG } from './scriptedAdapter.js';

/** The channel core's outbound side for issue 11: public media links, reply windows, text limits, one file per message. */
useCoreRig();

/** Eva uploads the 1×1 PNG for a conversation on `channel`: answers the media id. */
async function upload(channel: string): Promise<string> {
  const form = new FormData();
  form.append('channel', channel);
  form.append('file', new Blob([PNG], { type: 'image/png' }), 'foto.png');
  const uploaded = await fetch(`${server.url}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${eva}` }, body: form });
  expect(uploaded.status).toBe(201);
  return ((await uploaded.json()) as { id: string }).id;
}

describe('R-CH-05 issue 11 public media links', () => {
  it('R-CH-05 an attachment goes upstream as a link that serves it without login; forged or expired links are 404', async () => {
    const conversationId = await conversationWith('messenger', newAddress());
    const mediaId = await upload('messenger');
    expect((await reply(conversationId, '', [mediaId])).status).toBe(201);
    await server.jobs.idle();
    const link = String(upstream.calls[0]?.links[0]);
    expect(link.startsWith(`${server.url}/channels/media/`)).toBe(true);
    const served = await fetch(link);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);

    const token = decodeURIComponent(link.slice(`${server.url}/channels/media/`.length));
    // A changed character inside the signature (the last one also carries base64 padding bits).
    const at = token.length - 10;
    const forged = token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
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
    expect(upstream.calls).toHaveLength(0);
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

  it('R-CH-05 a text is counted trimmed and stored as counted: 2,000 characters and a trailing newline go to Messenger as 2,000', async () => {
    const messenger = await conversationWith('messenger', newAddress());
    const full = 'a'.repeat(2000);
    const accepted = await reply(messenger, `  ${full}\n`);
    expect(accepted.status).toBe(201);
    expect(accepted.body.message.text).toBe(full);
    await server.jobs.idle();
    expect(upstream.calls.map((c) => c.text)).toEqual([full]);
    const over = await call<{ error: string }>(server, 'POST', `/api/conversations/${messenger}/messages`, { token: eva, body: { id: clientId('t'), text: `${full}b` } });
    expect([over.status, over.body.error]).toEqual([422, 'text_too_long']);
  });
});

describe('R-WS-04 issue 11 one file per message', () => {
  it('R-WS-04 Messenger, Instagram and Telegram refuse two files in one reply before queueing, naming the channel; one file goes', async () => {
    const messenger = await conversationWith('messenger', newAddress());
    const files = [await upload('messenger'), await upload('messenger')];
    const two = await call<{ error: string; message: string }>(
      server, 'POST', `/api/conversations/${messenger}/messages`, { token: eva, body: { id: clientId('f'), text: 'Fotos', mediaIds: files } },
    );
    expect([two.status, two.body.error, two.body.message])
      .toEqual([422, 'too_many_files', 'O Messenger envia um arquivo por mensagem: envie os arquivos separadamente.']);
    const telegram = await conversationWith('telegram', newAddress());
    const pair = [await upload('telegram'), await upload('telegram')];
    const refused = await call<{ error: string; message: string }>(
      server, 'POST', `/api/conversations/${telegram}/messages`, { token: eva, body: { id: clientId('f'), text: '', mediaIds: pair } },
    );
    expect([refused.status, refused.body.error]).toEqual([422, 'too_many_files']);
    expect(refused.body.message).toContain('O Telegram');
    const stored = await server.store.find({ selector: { type: 'message', direction: 'out' }, limit: 1000 });
    expect(stored.filter((m) => m.conversationId === messenger || m.conversationId === telegram)).toHaveLength(0);
    expect((await reply(messenger, 'Uma foto', [files[0] ?? ''])).status).toBe(201);
  });
});
