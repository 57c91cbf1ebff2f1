import { createHash, timingSafeEqual } from 'node:crypto';
import { DomainError } from '@atende/protocol';
import type { ChannelAccountDoc } from '../src/channelAccounts/service.js';
import {
  UncertainSend, type ChannelAdapter, type InboundEvent, type OutboundRequest, type SendResult, type WebhookRequest,
} from '../src/channels/adapter.js';
import { PermanentFailure, RetryLater } from '../src/jobs/types.js';
import { call, type TestServer } from './helpers.js';

/**
 * A fake Telegram Bot API: the true system edge of the channel tests. The server sees a real
 * adapter for kind 'telegram' (webhook secret check over the raw bytes, update parsing, sends);
 * the test scripts what "Telegram" answers to each send and reads back every call it made.
 */

export const TELEGRAM_SECRET = 's3cr3t-token-0123456789';
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** What the fake upstream does with one send call. */
export type SendOutcome =
  | { type: 'ok'; externalId?: string }
  | { type: 'retry'; message: string; retryAfterMs?: number }
  | { type: 'permanent'; reason: string }
  | { type: 'uncertain' }
  /** Waits until `release()`, then succeeds. */
  | { type: 'hang' };

export interface SendCall {
  at: number;
  messageId: string;
  text: string;
  address: string | undefined;
  idempotencyKey: string;
  accountId: string;
}

export interface TelegramUpdate {
  update_id: number;
  message?: { message_id: number; from: { id: number; first_name: string }; chat: { id: number }; date: number; text?: string };
}

/** The upstream's state, shared by every adapter the registry builds (one per account version). */
export class FakeTelegramUpstream {
  readonly calls: SendCall[] = [];
  private readonly script: SendOutcome[] = [];
  private gate = openGate();
  private sequence = 0;

  /** Outcomes for the next send calls, in order; once used up, sends succeed. */
  next(...outcomes: SendOutcome[]): void {
    this.script.push(...outcomes);
  }

  /** Lets every hanging send (and every later one scripted to hang) finish. */
  release(): void {
    this.gate.open();
  }

  /** Forgets calls and script between tests; releases anything still hanging. */
  reset(): void {
    this.release();
    this.gate = openGate();
    this.calls.length = 0;
    this.script.length = 0;
  }

  callsFor(messageId: string): SendCall[] {
    return this.calls.filter((c) => c.messageId === messageId);
  }

  async send(account: ChannelAccountDoc, request: OutboundRequest): Promise<SendResult> {
    this.calls.push({
      at: Date.now(), messageId: request.message.id, text: request.message.text,
      address: request.contact.addresses.telegram, idempotencyKey: request.idempotencyKey, accountId: account._id,
    });
    const outcome = this.script.shift() ?? { type: 'ok' };
    switch (outcome.type) {
      case 'ok':
        return { externalId: outcome.externalId ?? `tg-${++this.sequence}`, status: 'sent' };
      case 'retry':
        throw new RetryLater(outcome.message, outcome.retryAfterMs);
      case 'permanent':
        throw new PermanentFailure(outcome.reason);
      case 'uncertain':
        throw new UncertainSend('connection reset after the request was written');
      case 'hang':
        await this.gate.promise;
        return { externalId: `tg-${++this.sequence}`, status: 'sent' };
    }
  }
}

/** A promise that settles when `open` is called (Promise.withResolvers needs Node 22). */
function openGate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const digest = (value: string | Buffer) => createHash('sha256').update(value).digest();

/** A Telegram bot account as the server's registry sees it. */
export class FakeTelegramAdapter implements ChannelAdapter {
  readonly kind = 'telegram' as const;
  readonly idempotentSends = false;

  constructor(
    private readonly account: ChannelAccountDoc,
    private readonly upstream: FakeTelegramUpstream,
  ) {}

  verify(request: WebhookRequest): boolean {
    const expected = this.account.settings?.secretToken;
    const given = request.headers[SECRET_HEADER];
    if (!expected || given === undefined) return false;
    // Digests have one length, so the comparison takes the same time whatever was sent.
    return timingSafeEqual(digest(given), digest(expected));
  }

  parse(request: WebhookRequest): InboundEvent[] {
    let update: unknown;
    try {
      update = JSON.parse(request.rawBody.toString('utf8'));
    } catch {
      throw new DomainError('invalid', 'invalid_input', 'The update is not JSON');
    }
    if (!isUpdate(update)) throw new DomainError('invalid', 'invalid_input', 'Not a Telegram update');
    const m = update.message;
    if (!m) return []; // edits, callbacks…: acknowledged, nothing to store
    return [{
      type: 'message',
      message: {
        externalId: `${m.chat.id}:${m.message_id}`, address: String(m.chat.id), authorName: m.from.first_name,
        kind: 'text', text: m.text ?? '', media: [], payload: {}, at: m.date * 1000,
      },
    }];
  }

  send(request: OutboundRequest): Promise<SendResult> {
    return this.upstream.send(this.account, request);
  }
}

function isUpdate(value: unknown): value is TelegramUpdate {
  if (typeof value !== 'object' || value === null) return false;
  const u = value as Record<string, unknown>;
  if (typeof u.update_id !== 'number') return false;
  if (u.message === undefined) return true;
  const m = u.message as Record<string, unknown> | null;
  const chat = m?.chat as Record<string, unknown> | undefined;
  const from = m?.from as Record<string, unknown> | undefined;
  return typeof m?.message_id === 'number' && typeof chat?.id === 'number' && typeof from?.first_name === 'string'
    && typeof m.date === 'number' && (m.text === undefined || typeof m.text === 'string');
}

/** Plugs the fake into a running server for kind 'telegram'. */
export function installFakeTelegram(server: TestServer): FakeTelegramUpstream {
  const upstream = new FakeTelegramUpstream();
  server.registry.register('telegram', (account) => new FakeTelegramAdapter(account, upstream));
  return upstream;
}

/** Creates a Telegram bot account through the admin API. */
export async function createTelegramAccount(server: TestServer, adminToken: string, name = 'Bot de suporte') {
  const reply = await call<{ id: string; webhookUrl: string | null }>(server, 'POST', '/api/admin/channels', {
    token: adminToken,
    body: { kind: 'telegram', name, teamId: 'team:suporte', config: { botToken: '123:abc', secretToken: TELEGRAM_SECRET } },
  });
  if (reply.status !== 201) throw new Error(`channel: ${reply.status} ${JSON.stringify(reply.body)}`);
  const key = reply.body.id.slice('channel:'.length);
  return { id: reply.body.id, key, webhookUrl: reply.body.webhookUrl, path: `/channels/telegram/${key}/webhook` };
}

let updateIds = 1000;
/** A Telegram-shaped text update from a chat. */
export function textUpdate(chatId: number, messageId: number, text: string, firstName = 'Joana'): TelegramUpdate {
  return {
    update_id: ++updateIds,
    message: { message_id: messageId, from: { id: chatId, first_name: firstName }, chat: { id: chatId }, date: Math.floor(Date.now() / 1000), text },
  };
}

/** POSTs a webhook delivery; a string body goes as is, anything else as JSON. */
export function deliver(server: TestServer, path: string, update: unknown, secret: string | null = TELEGRAM_SECRET) {
  return call(server, 'POST', path, {
    body: typeof update === 'string' ? update : JSON.stringify(update),
    headers: secret === null ? {} : { [SECRET_HEADER]: secret },
  });
}
