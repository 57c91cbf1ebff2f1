import { describe, expect, it } from 'vitest';
import { CHANNEL_TEXT_MAX, startParameterOf, type ContactDoc, type ConversationDoc } from '@atende/protocol';
import type { ChannelAccountDoc } from '../src/channelAccounts/service.js';
import { MediaTooLarge, type OutboundRequest } from '../src/channels/adapter.js';
import { TelegramAdapter, TOKEN_REFUSED } from '../src/channels/telegram/adapter.js';
import { parseTelegramUpdate } from '../src/channels/telegram/inbound.js';
import { tgTextUpdate } from '../src/channels/telegram/simulator/updates.js';
import { BoundedMap, TypingThrottle } from '../src/channels/typingThrottle.js';
import { PermanentFailure, RetryLater } from '../src/jobs/types.js';

/** The Telegram adapter alone, with a scripted fetch: typing cadence, error mapping, the token kept out of errors. */
const TOKEN = '7000000555:AAE-secret-bot-token-do-not-leak';
const SECRET = 'webhook_secret-0123456789';
const account = { _id: 'channel:tg', kind: 'telegram', settings: { apiBaseUrl: 'https://api.example', botToken: TOKEN, secretToken: SECRET } } as unknown as ChannelAccountDoc;
const conversation = { id: 'conversation:1', channelMeta: {} } as unknown as ConversationDoc;
const contact = { id: 'contact:1', addresses: { telegram: '5100000007' } } as unknown as ContactDoc;

function adapterWith(answers: Array<Response | Error>, now = () => 0) {
  const urls: string[] = [];
  const fetcher = (async (url: string) => {
    urls.push(url);
    const next = answers.shift() ?? Response.json({ ok: true, result: true });
    if (next instanceof Error) throw next;
    return next;
  }) as unknown as typeof fetch;
  return { adapter: new TelegramAdapter(account, { webhookUrl: () => 'https://atende.example/hook', fetcher, now }), urls };
}
const telegramError = (status: number, description: string, parameters?: object) =>
  Response.json({ ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) }, { status });
const textRequest = { conversation, contact, message: { text: 'Olá', attachments: [] }, idempotencyKey: 'k' } as unknown as OutboundRequest;

describe('R-CH-04 Telegram adapter', () => {
  it('R-CH-04 the secret header must equal ours; a missing header or an account without a secret accepts nothing', () => {
    const { adapter } = adapterWith([]);
    const request = (secret?: string) => ({ query: {}, headers: secret === undefined ? {} : { 'x-telegram-bot-api-secret-token': secret }, rawBody: Buffer.from('{}') });
    expect(adapter.verify(request(SECRET))).toBe(true);
    expect(adapter.verify(request(`${SECRET}x`))).toBe(false);
    expect(adapter.verify(request())).toBe(false);
    const bare = new TelegramAdapter({ ...account, settings: { botToken: TOKEN } } as unknown as ChannelAccountDoc, { webhookUrl: () => null });
    expect(bare.verify(request(''))).toBe(false);
  });

  it('R-CH-04 typing sends sendChatAction at most every 4 s while it goes on; "stopped" sends nothing', async () => {
    let clock = 1_000_000;
    const { adapter, urls } = adapterWith([], () => clock);
    await adapter.typing(conversation, contact, true);
    clock += 3_000;
    await adapter.typing(conversation, contact, true);
    await adapter.typing(conversation, contact, false);
    clock += 1_500;
    await adapter.typing(conversation, contact, true);
    expect(urls).toEqual([`https://api.example/bot${TOKEN}/sendChatAction`, `https://api.example/bot${TOKEN}/sendChatAction`]);
  });

  it('R-OPS-02 429 waits retry_after, 5xx retries, 401 and 403 are final with pt-BR sentences', async () => {
    const throttled = await adapterWith([telegramError(429, 'Too Many Requests: retry after 7', { retry_after: 7 })]).adapter.send(textRequest).catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(RetryLater);
    expect((throttled as RetryLater).retryAfterMs).toBe(7_000);
    expect(await adapterWith([telegramError(502, 'Bad Gateway')]).adapter.send(textRequest).catch((e: unknown) => e)).toBeInstanceOf(RetryLater);
    const refused = await adapterWith([telegramError(401, 'Unauthorized')]).adapter.send(textRequest).catch((e: unknown) => e);
    expect([refused instanceof PermanentFailure, (refused as Error).message]).toEqual([true, TOKEN_REFUSED]);
    const tooLong = await adapterWith([telegramError(400, 'Bad Request: message is too long')]).adapter.send(textRequest).catch((e: unknown) => e);
    expect((tooLong as Error).message).toBe('O Telegram aceita até 4.096 caracteres por mensagem.');
  });

  it('R-CH-04 a message the core should have refused (too long, two files) fails for good with the core\'s sentence, nothing sent', async () => {
    const { adapter, urls } = adapterWith([]);
    const tooLong = { ...textRequest, message: { text: 'a'.repeat(CHANNEL_TEXT_MAX.telegram + 1), attachments: [] } } as unknown as OutboundRequest;
    const long = await adapter.send(tooLong).catch((e: unknown) => e);
    expect([long instanceof PermanentFailure, (long as Error).message]).toEqual([true, 'O Telegram aceita até 4.096 caracteres por mensagem.']);
    // Counted as the core counts (trimmed): the limit plus surrounding blanks still goes.
    await adapter.send({ ...textRequest, message: { text: ` ${'a'.repeat(CHANNEL_TEXT_MAX.telegram)}\n`, attachments: [] } } as unknown as OutboundRequest);
    const file = { mediaId: 'media:1', name: 'a.pdf', mimeType: 'application/pdf', size: 3, kind: 'document', thumbnail: false };
    const twoFiles = await adapter.send({ ...textRequest, message: { text: '', attachments: [file, file] } } as unknown as OutboundRequest).catch((e: unknown) => e);
    expect([twoFiles instanceof PermanentFailure, (twoFiles as Error).message]).toEqual([true, 'O Telegram envia um arquivo por mensagem: envie os arquivos separadamente.']);
    expect(urls.map((u) => u.split('/').at(-1))).toEqual(['sendMessage']);
  });

  it('R-CH-04 a failed request never carries the token (it is in the URL) into the error', async () => {
    const leak = new TypeError(`fetch failed for https://api.example/bot${TOKEN}/sendMessage`, { cause: { code: 'ECONNRESET' } });
    const error = await adapterWith([leak]).adapter.send(textRequest).catch((e: unknown) => e);
    expect((error as Error).message).not.toContain(TOKEN);
    expect((error as Error).name).toBe('UncertainSend');
    const refusedConnection = new TypeError(`connect to https://api.example/bot${TOKEN}`, { cause: { code: 'ECONNREFUSED' } });
    const tested = await adapterWith([refusedConnection]).adapter.testConnection();
    expect(tested.ok).toBe(false);
    expect(tested.message).not.toContain(TOKEN);
  });

  it('R-CH-04 /start takes a deep-link parameter only as Telegram makes them (1–64 of A-Z a-z 0-9 _ -); anything else is plain text', () => {
    const parameterOf = (text: string) => {
      const [event] = parseTelegramUpdate(Buffer.from(JSON.stringify(tgTextUpdate({ id: 5100000007, first_name: 'Ana' }, text))));
      if (event?.type !== 'message') throw new Error('expected a message');
      expect(event.message.text).toBe(text);
      return startParameterOf(event.message.payload ?? {});
    };
    expect(parameterOf('/start pedido_4521-B')).toBe('pedido_4521-B');
    expect(parameterOf('/start@atende_loja_bot abc')).toBe('abc');
    expect(parameterOf(`/start ${'a'.repeat(64)}`)).toBe('a'.repeat(64));
    expect(parameterOf(`/start ${'a'.repeat(65)}`)).toBeNull();
    expect(parameterOf('/start quero ajuda')).toBeNull();
    expect(parameterOf('/start pedido#4521')).toBeNull();
    expect(parameterOf('/start')).toBeNull();
  });

  it('R-CH-04 getFile refusing a file as too big is MediaTooLarge (no retry)', async () => {
    const error = await adapterWith([telegramError(400, 'Bad Request: file is too big')]).adapter.downloadMedia('AgACbig').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaTooLarge);
  });
});

describe('R-OPS-02 Telegram file then long text', () => {
  it('R-OPS-02 when the text after a file is throttled, the retry sends only the text (the file once)', async () => {
    const fileRequest = {
      conversation, contact, idempotencyKey: 'send-1',
      message: { text: 'y'.repeat(1500), attachments: [{ mediaId: 'media:1', name: 'a.pdf', mimeType: 'application/pdf', size: 3, kind: 'document', thumbnail: false }] },
      readMedia: () => Promise.resolve(Buffer.from('pdf')),
    } as unknown as OutboundRequest;
    const { adapter, urls } = adapterWith([
      Response.json({ ok: true, result: { message_id: 41 } }),
      telegramError(429, 'Too Many Requests: retry after 1', { retry_after: 1 }),
      Response.json({ ok: true, result: { message_id: 42 } }),
    ]);
    expect(await adapter.send(fileRequest).catch((e: unknown) => e)).toBeInstanceOf(RetryLater);
    expect(await adapter.send(fileRequest)).toEqual({ externalId: '5100000007:41', status: 'sent' });
    expect(urls.map((u) => u.split('/').at(-1))).toEqual(['sendDocument', 'sendMessage', 'sendMessage']);
  });
});

describe('R-OPS-02 adapters\' per-node memos (typingThrottle.ts, shared with WhatsApp and Meta)', () => {
  it('R-OPS-02 a bounded memo drops its oldest entry past its capacity instead of growing or forgetting everything', () => {
    const memo = new BoundedMap<string, number>(2);
    memo.set('a', 1).set('b', 2).set('a', 3).set('c', 4);
    expect([...memo.entries()]).toEqual([['b', 2], ['c', 4]]);
    let clock = 0;
    const throttle = new TypingThrottle(4_000, () => clock, 2);
    expect([throttle.due('x'), throttle.due('x')]).toEqual([true, false]);
    clock = 5_000;
    expect([throttle.due('y'), throttle.due('x')]).toEqual([true, true]);
    throttle.due('z'); // y went out longest ago: it is the one dropped
    clock = 6_000;
    expect([throttle.due('x'), throttle.due('y')]).toEqual([false, true]);
    expect([throttle.forget('y'), throttle.forget('nobody')]).toEqual([true, false]);
  });
});
