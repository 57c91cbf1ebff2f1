import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelAccountView, MessageDoc } from '@atende/protocol';
import { BLOCKED_REASON, TELEGRAM_ALLOWED_UPDATES } from '../src/channels/telegram/adapter.js';
import { tgTextUpdate } from '../src/channels/telegram/simulator/updates.js';
import { addUser, call, FrameClient, login } from './helpers.js';
import { BOT_TOKEN, newCustomer, PDF, PNG, receive, startTelegramRig, type TelegramRig } from './telegramSetup.js';
import { until } from './until.js';

/**
 * The Telegram channel's outbound side and registration (issue 11) through the real server and the
 * fake Bot API: agents' replies, files, typing, flood control, and connect-on-save.
 */
let rig: TelegramRig;
let agent: string;
beforeAll(async () => {
  rig = await startTelegramRig();
  // One agent holding every test's conversation: more than the demo's five at once.
  await addUser(rig.server, { key: 'tg-agent', name: 'Tereza', email: 'tereza@demo.local', role: 'agent', teamIds: ['team:suporte'], maxConcurrent: 50 });
  agent = (await login(rig.server, 'tereza@demo.local')).accessToken;
});
afterAll(async () => rig.close());
beforeEach(() => rig.bot.reset());

let replies = 0;
/** A customer wrote; Ana took the conversation. */
async function conversation() {
  const customer = newCustomer();
  const first = await receive(rig, tgTextUpdate(customer, 'Preciso de ajuda'));
  expect((await call(rig.server, 'POST', `/api/conversations/${first.conversationId}/claim`, { token: agent, body: {} })).status).toBe(200);
  rig.bot.reset();
  return { chatId: String(customer.id), conversationId: first.conversationId };
}
const reply = (conversationId: string, body: Record<string, unknown>) =>
  call<{ message: { id: string } }>(rig.server, 'POST', `/api/conversations/${conversationId}/messages`, { token: agent, body: { id: `tg-reply-${++replies}`, ...body } });
const settled = (id: string, timeoutMs?: number) =>
  until(async () => (await rig.server.store.get(id)) as unknown as MessageDoc, (m) => m.status !== 'queued', timeoutMs);
async function upload(bytes: Buffer, type: string, name: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const res = await fetch(`${rig.server.url}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${agent}` }, body: form });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

describe('R-CH-04 Telegram registration (connect on save)', () => {
  it('R-CH-04 creating the account calls getMe and setWebhook with our URL, a generated secret and the update kinds we read', () => {
    const { bot, created, accountId } = rig;
    expect(created.connection).toMatchObject({ ok: true, message: expect.stringContaining('@atende_loja_bot (Loja Atende)') as string });
    expect(bot.webhook).toMatchObject({ allowedUpdates: [...TELEGRAM_ALLOWED_UPDATES], maxConnections: 40 });
    expect(bot.webhook?.secretToken).toMatch(/^[A-Za-z0-9_-]{16,256}$/);
    expect(new URL(bot.webhook?.url ?? '').pathname).toBe(`/channels/telegram/${accountId.slice('channel:'.length)}/webhook`);
    expect(created.secretsSet).toEqual(expect.arrayContaining(['botToken', 'secretToken']));
    expect(JSON.stringify(created)).not.toContain(BOT_TOKEN);
  });

  it('R-CH-04 Testar conexão repeats getMe + setWebhook; a refused token says so without showing it', async () => {
    const tested = await call<{ ok: boolean; message: string }>(rig.server, 'POST', `/api/admin/channels/${rig.accountId}/test`, { token: rig.admin });
    expect(tested.body.ok).toBe(true);
    expect(rig.bot.calls.map((c) => c.method)).toEqual(['getMe', 'setWebhook']);
    expect(rig.bot.calls[1]?.params).toMatchObject({ url: rig.bot.webhook?.url, secret_token: rig.bot.webhook?.secretToken, allowed_updates: ['message', 'edited_message', 'callback_query'] });

    const wrongToken = '7000000999:AAE-not-the-bot-token-0123456789';
    const other = await call<ChannelAccountView>(rig.server, 'POST', '/api/admin/channels', {
      token: rig.admin, body: { kind: 'telegram', name: 'Outro bot', teamId: 'team:suporte', config: { botToken: wrongToken, apiBaseUrl: rig.bot.baseUrl } },
    });
    expect(other.status).toBe(201);
    expect(other.body.connection).toMatchObject({ ok: false, message: expect.stringContaining('token do bot') as string });
    expect(JSON.stringify(other.body)).not.toContain(wrongToken);
  });
});

describe('R-CH-04 Telegram outbound', () => {
  it('R-CH-04 an agent reply goes out by sendMessage to the chat; the upstream id is kept', async () => {
    const { chatId, conversationId } = await conversation();
    const answer = await reply(conversationId, { text: 'Olá! Como posso ajudar?' });
    expect(answer.status).toBe(201);
    const message = await settled(answer.body.message.id);
    expect(rig.bot.sent).toEqual([expect.objectContaining({ method: 'sendMessage', chatId, text: 'Olá! Como posso ajudar?' })]);
    expect(message).toMatchObject({ status: 'sent', externalId: `${chatId}:${rig.bot.sent[0]?.messageId}` });
  });

  it('R-CH-04 a picture goes by sendPhoto with the text as caption; a PDF by sendDocument with its name', async () => {
    const { chatId, conversationId } = await conversation();
    const photo = await reply(conversationId, { text: 'Segue a foto', mediaIds: [await upload(PNG, 'image/png', 'foto.png')] });
    expect((await settled(photo.body.message.id)).status).toBe('sent');
    const pdf = await reply(conversationId, { text: 'E o contrato', mediaIds: [await upload(PDF, 'application/pdf', 'contrato.pdf')] });
    expect((await settled(pdf.body.message.id)).status).toBe('sent');
    expect(rig.bot.sent).toEqual([
      expect.objectContaining({ method: 'sendPhoto', chatId, caption: 'Segue a foto', file: expect.objectContaining({ mimeType: 'image/png', size: PNG.length }) as unknown }),
      expect.objectContaining({ method: 'sendDocument', chatId, caption: 'E o contrato', file: expect.objectContaining({ name: 'contrato.pdf', mimeType: 'application/pdf', size: PDF.length }) as unknown }),
    ]);
    expect(rig.bot.fileBytes(rig.bot.sent[0]?.file?.file_id ?? '')?.equals(PNG)).toBe(true);
  });

  it('R-CH-04 a picture sendPhoto refuses for its dimensions goes once more as a document, caption kept', async () => {
    const { chatId, conversationId } = await conversation();
    rig.bot.failNext('sendPhoto', 400, { description: 'Bad Request: PHOTO_INVALID_DIMENSIONS' });
    const answer = await reply(conversationId, { text: 'Panorama', mediaIds: [await upload(PNG, 'image/png', 'panorama.png')] });
    expect((await settled(answer.body.message.id)).status).toBe('sent');
    expect(rig.bot.calls.filter((c) => c.method !== 'sendChatAction').map((c) => [c.method, c.status])).toEqual([['sendPhoto', 400], ['sendDocument', 200]]);
    expect(rig.bot.sent).toEqual([expect.objectContaining({ method: 'sendDocument', chatId, caption: 'Panorama', file: expect.objectContaining({ name: 'panorama.png', size: PNG.length }) as unknown })]);
  });

  it('R-CH-04 a text too long for a caption follows the file as its own message', async () => {
    const { conversationId } = await conversation();
    const text = 'x'.repeat(1500);
    const answer = await reply(conversationId, { text, mediaIds: [await upload(PDF, 'application/pdf', 'longo.pdf')] });
    expect((await settled(answer.body.message.id)).status).toBe('sent');
    expect(rig.bot.sent.map((s) => [s.method, s.caption, s.text])).toEqual([['sendDocument', undefined, undefined], ['sendMessage', undefined, text]]);
  });

  it('R-CH-04 text over 4,096 characters is refused with a clear error before reaching Telegram', async () => {
    const { conversationId } = await conversation();
    const answer = await call<{ error?: string; message?: string }>(rig.server, 'POST', `/api/conversations/${conversationId}/messages`, {
      token: agent, body: { id: `tg-long-${++replies}`, text: 'a'.repeat(4097) },
    });
    expect([400, 422]).toContain(answer.status);
    expect(JSON.stringify(answer.body)).toMatch(/4\.?096/);
    expect(rig.bot.calls).toEqual([]);
  });

  it('R-CH-04 the agent typing sends sendChatAction typing to the chat', async () => {
    const { chatId, conversationId } = await conversation();
    const socket = await FrameClient.agent(rig.server, agent);
    socket.send({ type: 'typing', conversationId, typing: true });
    const actions = await until(() => rig.bot.chatActions, (a) => a.length > 0);
    socket.close();
    expect(actions).toEqual([expect.objectContaining({ chatId, action: 'typing' })]);
  });

  it('R-OPS-02 a 429 with retry_after is retried later by the job queue, never dropped', async () => {
    const { conversationId } = await conversation();
    rig.bot.failNext('sendMessage', 429, { parameters: { retry_after: 1 } });
    const answer = await reply(conversationId, { text: 'Mensagem em rajada' });
    const message = await settled(answer.body.message.id, 15_000);
    expect(message.status).toBe('sent');
    expect(rig.bot.calls.filter((c) => c.method === 'sendMessage').map((c) => c.status)).toEqual([429, 200]);
    expect(rig.bot.sent).toHaveLength(1);
  }, 20_000);

  it('R-CH-04 a customer who blocked the bot: the message fails with a readable reason', async () => {
    const { chatId, conversationId } = await conversation();
    rig.bot.block(chatId);
    const answer = await reply(conversationId, { text: 'Ainda está aí?' });
    const message = await settled(answer.body.message.id);
    expect([message.status, message.error]).toEqual(['failed', BLOCKED_REASON]);
  });
});
