import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeBotApi } from '../src/channels/telegram/simulator/fakeBotApi.js';
import { tgTextUpdate } from '../src/channels/telegram/simulator/updates.js';

/**
 * The fake Bot API itself (the contract every Telegram test and the simulator rely on): token in
 * the path, Telegram's error bodies, setWebhook's checks, file limits, deliveries with the secret.
 */
const TOKEN = '7000000001:AAH-fake-token_for_tests';
let bot: FakeBotApi;
let receiver: Server;
let receiverUrl: string;
const received: Array<{ secret: string | undefined; body: unknown }> = [];
let answerStatus = 200;

beforeAll(async () => {
  bot = await new FakeBotApi({ token: TOKEN, username: 'atende_test_bot', firstName: 'Atende', backoffMs: [10, 10] }).start();
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ secret: req.headers['x-telegram-bot-api-secret-token'] as string | undefined, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(answerStatus).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await bot.stop();
  await new Promise((resolve) => receiver.close(resolve));
});
beforeEach(() => {
  bot.reset();
  received.length = 0;
  answerStatus = 200;
});

const api = async (method: string, body?: unknown, token = TOKEN) => {
  const res = await fetch(`${bot.baseUrl}/bot${token}/${method}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { ok: boolean; result?: unknown; error_code?: number; description?: string; parameters?: { retry_after?: number } } };
};

describe('R-CH-01 fake Telegram Bot API contract', () => {
  it('R-CH-01 a wrong token is 401 Unauthorized; getMe answers the bot', async () => {
    expect(await api('getMe', undefined, '1:wrong')).toEqual({ status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } });
    const me = await api('getMe');
    expect(me.body.result).toMatchObject({ id: 7000000001, is_bot: true, username: 'atende_test_bot', first_name: 'Atende' });
  });

  it('R-CH-01 setWebhook refuses non-HTTPS public URLs, ports other than 443/80/88/8443 and bad secret tokens, takes loopback http', async () => {
    expect((await api('setWebhook', { url: 'http://example.com/hook' })).body.description).toBe('Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
    expect((await api('setWebhook', { url: receiverUrl, secret_token: 'bad secret!' })).status).toBe(400);
    // HTTPS only on the ports Telegram delivers to (the loopback http deviation aside).
    const onPort = (port: string) => api('setWebhook', { url: `https://example.com${port}/hook` });
    expect((await onPort(':8080')).body.description).toBe('Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443');
    for (const port of ['', ':443', ':80', ':88', ':8443']) expect((await onPort(port)).body.ok).toBe(true);
    expect((await api('setWebhook', { url: receiverUrl, secret_token: 'good_secret-123', allowed_updates: ['message'], max_connections: 40 })).body).toMatchObject({ ok: true, result: true });
    expect(bot.webhook).toEqual({ url: receiverUrl, secretToken: 'good_secret-123', allowedUpdates: ['message'], maxConnections: 40 });
    expect((await api('getWebhookInfo')).body.result).toMatchObject({ url: receiverUrl, allowed_updates: ['message'] });
  });

  it('R-CH-11 deliver sends the secret header, retries a refusal for now, and skips update types not allowed', async () => {
    await api('setWebhook', { url: receiverUrl, secret_token: 'good_secret-123', allowed_updates: ['message'] });
    const update = tgTextUpdate({ id: 4242, first_name: 'Ana' }, 'oi');
    answerStatus = 503;
    expect(await bot.deliver(update)).toBe(false);
    expect(received.length).toBe(3);
    answerStatus = 200;
    expect(await bot.deliver(update)).toBe(true);
    expect(received.at(-1)).toEqual({ secret: 'good_secret-123', body: update });
    expect(await bot.deliver({ update_id: 1, edited_message: update.message })).toBe(false);
  });

  it('R-CH-01 sendMessage: unknown chats, empty and over-long texts are refused as Telegram refuses them', async () => {
    expect((await api('sendMessage', { chat_id: 999, text: 'oi' })).body.description).toBe('Bad Request: chat not found');
    bot.knowChat(4242);
    expect((await api('sendMessage', { chat_id: 4242, text: 'x'.repeat(4097) })).body.description).toBe('Bad Request: message is too long');
    expect((await api('sendMessage', { chat_id: 4242, text: '' })).body.description).toBe('Bad Request: message text is empty');
    const ok = await api('sendMessage', { chat_id: '4242', text: 'x'.repeat(4096) });
    expect(ok.body.result).toMatchObject({ chat: { id: 4242 } });
    expect(bot.sent).toHaveLength(1);
  });

  it('R-CH-01 multipart sendPhoto keeps the file; getFile refuses files over 20 MB; failNext scripts a 429', async () => {
    bot.knowChat(4242);
    const form = new FormData();
    form.set('chat_id', '4242');
    form.set('caption', 'foto');
    form.set('photo', new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }), 'a.png');
    const res = await fetch(`${bot.baseUrl}/bot${TOKEN}/sendPhoto`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    const sent = bot.sent[0]!;
    expect(sent).toMatchObject({ method: 'sendPhoto', chatId: '4242', caption: 'foto', file: { mimeType: 'image/png', name: 'a.png', size: 3 } });
    expect([...bot.fileBytes(sent.file!.file_id)!]).toEqual([1, 2, 3]);

    const big = bot.addFile(Buffer.alloc(0), 'video/mp4', 'big.mp4', 21 * 1024 * 1024);
    expect((await api('getFile', { file_id: big.file_id })).body.description).toBe('Bad Request: file is too big');
    const small = bot.addFile(Buffer.from('hello'), 'text/plain', 'a.txt');
    const info = (await api('getFile', { file_id: small.file_id })).body.result as { file_path: string };
    expect(await (await fetch(`${bot.baseUrl}/file/bot${TOKEN}/${info.file_path}`)).text()).toBe('hello');

    bot.failNext('sendMessage', 429, { parameters: { retry_after: 3 } });
    const throttled = await api('sendMessage', { chat_id: 4242, text: 'oi' });
    expect(throttled).toMatchObject({ status: 429, body: { ok: false, error_code: 429, parameters: { retry_after: 3 } } });
    expect((await api('sendMessage', { chat_id: 4242, text: 'oi' })).status).toBe(200);
  });
});
