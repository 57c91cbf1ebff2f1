import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatRatingAnswer, RATING_LABELS, RATING_QUESTION, type ContactDoc, type ConversationDoc, type MessageDoc } from '@atende/protocol';
import type { ChannelAccountDoc } from '../src/channelAccounts/service.js';
import type { InboundEvent, OutboundRequest } from '../src/channels/adapter.js';
import { TelegramAdapter } from '../src/channels/telegram/adapter.js';
import { parseTelegramUpdate } from '../src/channels/telegram/inbound.js';
import { FakeBotApi } from '../src/channels/telegram/simulator/fakeBotApi.js';
import { BOT_TOKEN } from './telegramSetup.js';
import { until } from './until.js';

/**
 * R-RT-06 / issue 18 on Telegram, adapter against the fake Bot API: the rating question goes with
 * an inline keyboard (the fake holds callback_data to 1–64 bytes), a press comes back as a
 * callback_query parsed into `ratingAnswer`, and the adapter answers the query once.
 */
const KEY = 'TgKey_0123456789';
const CHAT = 5_100_900_001;

let bot: FakeBotApi;
let adapter: TelegramAdapter;

beforeAll(async () => {
  bot = await new FakeBotApi({ token: BOT_TOKEN }).start();
  const account = { _id: 'channel:tg-rating', kind: 'telegram', settings: { apiBaseUrl: bot.baseUrl, botToken: BOT_TOKEN, secretToken: 's' } } as unknown as ChannelAccountDoc;
  adapter = new TelegramAdapter(account, { webhookUrl: () => null });
  bot.knowChat(CHAT);
});
afterAll(async () => {
  await bot.stop();
});
beforeEach(() => bot.reset());

function request(text: string, payload: MessageDoc['payload']): OutboundRequest {
  return {
    conversation: { id: 'conversation:t1', channelMeta: {} } as unknown as ConversationDoc,
    contact: { id: 'contact:t1', addresses: { telegram: String(CHAT) } } as unknown as ContactDoc,
    message: { id: 'message:t1', kind: 'text', text, attachments: [], payload } as unknown as MessageDoc,
    idempotencyKey: 'k', readMedia: () => Promise.reject(new Error('no media')), publicMediaUrl: () => null,
  };
}
const customer = { id: CHAT, first_name: 'Bia', last_name: 'Lopes' };
const rawSend = (replyMarkup: unknown) => fetch(`${bot.baseUrl}/bot${BOT_TOKEN}/sendMessage`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chat_id: CHAT, text: 'Escolha', reply_markup: replyMarkup }),
});
const keyboard = (...buttons: unknown[]) => ({ inline_keyboard: [buttons] });
const messageOf = (events: InboundEvent[]) => (events[0]?.type === 'message' ? events[0].message : undefined);

describe('R-RT-06 issue 18 Telegram rating question (adapter ↔ fake Bot API)', () => {
  it('R-RT-06 a message asking for the rating goes with an inline keyboard: a button per score, callback_data rate:<n>:<key>, the pt-BR label', async () => {
    await adapter.send(request(RATING_QUESTION, { ratingRequest: KEY }));
    expect(bot.sent).toHaveLength(1);
    expect(bot.sent[0]).toMatchObject({ method: 'sendMessage', chatId: String(CHAT), text: RATING_QUESTION });
    expect(bot.sent[0]?.replyMarkup).toEqual({
      inline_keyboard: [1, 2, 3, 4, 5].map((n) => [{ text: RATING_LABELS[n], callback_data: formatRatingAnswer(KEY, n) }]),
    });
  });

  it('R-RT-06 a plain message carries no keyboard', async () => {
    await adapter.send(request('Olá', {}));
    expect(bot.calls[0]?.params.reply_markup).toBeUndefined();
    expect(bot.sent[0]?.replyMarkup).toBeUndefined();
  });

  it('R-RT-06 a bot registered before rating buttons (allowed_updates without callback_query) gets it added, same URL and secret, once', async () => {
    const account = { _id: 'channel:tg-old', kind: 'telegram', settings: { apiBaseUrl: bot.baseUrl, botToken: BOT_TOKEN, secretToken: 'old_secret' } } as unknown as ChannelAccountDoc;
    const old = new TelegramAdapter(account, { webhookUrl: () => null });
    bot.webhook = { url: 'https://atende.example/channels/telegram/x/webhook', secretToken: 'old_secret', allowedUpdates: ['message', 'edited_message'], maxConnections: 40 };
    try {
      await old.send(request('Olá', {}));
      expect(bot.calls.map((c) => c.method)).toEqual(['sendMessage']);
      await old.send(request(RATING_QUESTION, { ratingRequest: KEY }));
      await old.send(request(RATING_QUESTION, { ratingRequest: KEY }));
      expect(bot.calls.map((c) => c.method)).toEqual(['sendMessage', 'getWebhookInfo', 'setWebhook', 'sendMessage', 'sendMessage']);
      expect(bot.webhook).toEqual({
        url: 'https://atende.example/channels/telegram/x/webhook', secretToken: 'old_secret', allowedUpdates: ['message', 'edited_message', 'callback_query'], maxConnections: 40,
      });
    } finally {
      bot.webhook = null;
    }
  });

  it('issue 18 the fake refuses keyboards Telegram refuses: callback_data over 64 bytes (UTF-8) or empty, a text-only button, two actions, rows not arrays', async () => {
    const refusals: Array<[unknown, RegExp]> = [
      [keyboard({ text: 'A', callback_data: 'x'.repeat(65) }), /BUTTON_DATA_INVALID/],
      [keyboard({ text: 'A', callback_data: 'é'.repeat(33) }), /BUTTON_DATA_INVALID/],
      [keyboard({ text: 'A', callback_data: '' }), /BUTTON_DATA_INVALID/],
      [keyboard({ text: 'A' }), /Text buttons are unallowed/],
      [keyboard({ text: 'A', callback_data: 'a', url: 'https://example.com' }), /exactly one of the optional fields/],
      [{ inline_keyboard: [{ text: 'A', callback_data: 'a' }] }, /Array of Arrays/],
      ['{not json', /can't parse reply keyboard markup/],
    ];
    for (const [markup, reason] of refusals) {
      const res = await rawSend(markup);
      const body = (await res.json()) as { ok: boolean; description: string };
      expect([res.status, body.ok]).toEqual([400, false]);
      expect(body.description).toMatch(reason);
    }
    expect((await rawSend(keyboard({ text: 'A', callback_data: 'x'.repeat(64) }))).status).toBe(200);
    expect(bot.sent).toHaveLength(1);
  });
});

describe('R-RT-06 issue 18 Telegram rating answers (callback_query → InboundMessage)', () => {
  it('R-RT-06 a press parses into a message of that chat: externalId = the query id, text = the button label, ratingAnswer; the query is answered once', async () => {
    await adapter.send(request(RATING_QUESTION, { ratingRequest: KEY }));
    const pressed = await bot.pressButton(customer, bot.sent[0]!.messageId, formatRatingAnswer(KEY, 5));
    if (!pressed) throw new Error('no such button');
    const update = pressed.update as { callback_query: { id: string; message: { reply_markup: unknown } } };
    // The update carries the bot's message with its keyboard, as Telegram sends it.
    expect(update.callback_query.message.reply_markup).toEqual(bot.sent[0]?.replyMarkup);
    const message = messageOf(adapter.parse({ query: {}, headers: {}, rawBody: Buffer.from(JSON.stringify(update)) }));
    expect(message).toMatchObject({
      externalId: update.callback_query.id, address: String(CHAT), authorName: 'Bia Lopes', kind: 'text', text: RATING_LABELS[5], ratingAnswer: { key: KEY, score: 5 },
    });
    expect(message?.payload.replyTo).toBe(`${CHAT}:${bot.sent[0]!.messageId}`);
    const answers = await until(() => bot.callbackAnswers, (a) => a.length > 0);
    expect(answers).toEqual([{ id: update.callback_query.id }]);
    // Telegram takes one answer per query: the fake refuses a second.
    const again = await fetch(`${bot.baseUrl}/bot${BOT_TOKEN}/answerCallbackQuery`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ callback_query_id: update.callback_query.id }),
    });
    expect(again.status).toBe(400);
  });

  it('issue 18 a press of another button keeps its label and no ratingAnswer; data missing from the keyboard falls back to the data; a group chat is ignored', () => {
    const base = (data: string, chat: { id: number; type: string } = { id: CHAT, type: 'private' }) => Buffer.from(JSON.stringify({
      update_id: 1,
      callback_query: {
        id: `q-${data}`, from: { id: CHAT, is_bot: false, first_name: 'Bia' }, chat_instance: '1', data,
        message: { message_id: 7, chat, date: 1, text: 'Menu', reply_markup: { inline_keyboard: [[{ text: 'Vendas', callback_data: 'menu:vendas' }]] } },
      },
    }));
    const answered: string[] = [];
    const other = messageOf(parseTelegramUpdate(base('menu:vendas'), (id) => answered.push(id)));
    expect(other).toMatchObject({ text: 'Vendas', externalId: 'q-menu:vendas' });
    expect(other && 'ratingAnswer' in other).toBe(false);
    expect(messageOf(parseTelegramUpdate(base(formatRatingAnswer(KEY, 2))))).toMatchObject({ text: formatRatingAnswer(KEY, 2), ratingAnswer: { key: KEY, score: 2 } });
    expect(parseTelegramUpdate(base('menu:vendas', { id: -100123, type: 'supergroup' }), (id) => answered.push(id))).toEqual([]);
    // Even an ignored press is answered, so the customer's spinner stops.
    expect(answered).toEqual(['q-menu:vendas', 'q-menu:vendas']);
  });
});
