import { expect } from 'vitest';
import type { ChannelAccountView, MessageDoc } from '@atende/protocol';
import { FakeBotApi } from '../src/channels/telegram/simulator/fakeBotApi.js';
import type { TgUser } from '../src/channels/telegram/simulator/updates.js';
import { call, login, messagesWith, startTestServer, type TestServer } from './helpers.js';

/**
 * A real server with a Telegram account pointed at a fake Bot API on loopback: creating the
 * account registers the webhook (getMe + setWebhook) as the admin's "Salvar" does.
 */
export const BOT_TOKEN = '7000000123:AAE-telegram-test-token_0123456789';

export interface TelegramRig {
  server: TestServer;
  bot: FakeBotApi;
  admin: string;
  accountId: string;
  created: ChannelAccountView;
  close(): Promise<void>;
}

export async function startTelegramRig(): Promise<TelegramRig> {
  // Short waits between redeliveries: a refused delivery fails fast in tests.
  const bot = await new FakeBotApi({ token: BOT_TOKEN, username: 'atende_loja_bot', firstName: 'Loja Atende', backoffMs: [50, 100] }).start();
  const server = await startTestServer();
  const admin = (await login(server, 'admin@demo.local')).accessToken;
  const answer = await call<ChannelAccountView>(server, 'POST', '/api/admin/channels', {
    token: admin,
    body: { kind: 'telegram', name: 'Telegram Loja', teamId: 'team:suporte', config: { botToken: BOT_TOKEN, apiBaseUrl: bot.baseUrl } },
  });
  expect(answer.status).toBe(201);
  return {
    server, bot, admin, accountId: answer.body.id, created: answer.body,
    async close() {
      await server.close();
      await bot.stop();
    },
  };
}

let customerSequence = 0;
/** A customer with a fresh private chat id. */
export const newCustomer = (first = 'Ana', last = 'Souza'): TgUser => ({ id: 5_100_000_000 + ++customerSequence * 7, first_name: first, last_name: last });

export const externalIdOf = (update: { message?: { chat: { id: number }; message_id: number } }): string =>
  `${update.message?.chat.id ?? ''}:${update.message?.message_id ?? ''}`;

/** Delivers an update through the fake (with the registered secret) and answers the stored message. */
export async function receive(rig: TelegramRig, update: { message: { chat: { id: number }; message_id: number } }): Promise<MessageDoc> {
  expect(await rig.bot.deliver(update)).toBe(true);
  // The message is stored before the webhook's 2xx; the embedded store's query can still miss a
  // document written a moment ago when the machine is loaded (a known store defect, seen once in CI
  // at load 20+), so the lookup is retried for a few seconds — a message never stored still fails.
  let stored: MessageDoc | undefined;
  await expect.poll(async () => (stored = (await messagesWith(rig.server, externalIdOf(update)))[0]), { timeout: 5_000 }).toBeDefined();
  if (!stored) throw new Error('not stored');
  return stored;
}

export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
