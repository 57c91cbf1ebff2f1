import { createHash, timingSafeEqual } from 'node:crypto';
import { DomainError, type ChannelKind } from '@atende/protocol';
import type { ChannelAccountDoc } from '../src/channelAccounts/service.js';
import {
  MediaTooLarge, UncertainSend, type ChannelAdapter, type CustomerProfile, type InboundEvent, type InboundMessage, type OutboundRequest,
  type SendResult, type WebhookRequest,
} from '../src/channels/adapter.js';
import { PermanentFailure, RetryLater } from '../src/jobs/types.js';
import type { TestServer } from './helpers.js';

/**
 * A scripted channel adapter: the edge of the channel-core tests, for any kind the test names.
 * Its webhook body is the list of events real adapters parse (`{events: InboundEvent[]}`), so the
 * tests exercise what the core does with each event, never an upstream's format; the test
 * scripts what "the upstream" answers to each send and reads back every call. Registered for a
 * kind whose real adapter the test does not need (Reclame Aqui has none), or for the kinds whose
 * core rules a test proves (reply windows, text limits), on a server of its own.
 */

/** The header a webhook delivery carries, checked against the account's `secretKey` setting. */
export const SCRIPTED_SECRET_HEADER = 'x-scripted-secret';

/** What the scripted upstream does with one send call. */
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
  /** The public links the core handed for the message's files (null: no public base). */
  links: Array<string | null>;
}

/** The upstream's state, shared by every adapter the registry builds (one per account version). */
export class ScriptedUpstream {
  readonly calls: SendCall[] = [];
  readonly profiles = new Map<string, CustomerProfile>();
  readonly profileCalls: string[] = [];
  readonly connectionTests: string[] = [];
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
    this.profileCalls.length = 0;
    this.connectionTests.length = 0;
  }

  callsFor(messageId: string): SendCall[] {
    return this.calls.filter((c) => c.messageId === messageId);
  }

  async send(account: ChannelAccountDoc, request: OutboundRequest): Promise<SendResult> {
    this.calls.push({
      at: Date.now(), messageId: request.message.id, text: request.message.text,
      address: request.contact.addresses[account.kind], idempotencyKey: request.idempotencyKey, accountId: account._id,
      links: request.message.attachments.map((a) => request.publicMediaUrl(a)),
    });
    const outcome = this.script.shift() ?? { type: 'ok' };
    switch (outcome.type) {
      case 'ok':
        return { externalId: outcome.externalId ?? `out.${++this.sequence}`, status: 'sent' };
      case 'retry':
        throw new RetryLater(outcome.message, outcome.retryAfterMs);
      case 'permanent':
        throw new PermanentFailure(outcome.reason);
      case 'uncertain':
        throw new UncertainSend('connection reset after the request was written');
      case 'hang':
        await this.gate.promise;
        return { externalId: `out.${++this.sequence}`, status: 'sent' };
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
// The smallest valid PNG (1×1): what every scripted download answers.
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

export interface ScriptedOptions {
  /** The setting a delivery's SCRIPTED_SECRET_HEADER must equal; none: every delivery is authentic. */
  secretKey?: string;
  connectsOnSave?: boolean;
  /** The server, for testConnection's webhook URL (connect-on-save kinds). */
  server?: TestServer;
}

export function scriptedAdapter(kind: ChannelKind, upstream: ScriptedUpstream, options: ScriptedOptions = {}) {
  return (account: ChannelAccountDoc): ChannelAdapter => ({
    kind,
    idempotentSends: false,
    connectsOnSave: options.connectsOnSave ?? false,
    verify(request: WebhookRequest): boolean {
      if (!options.secretKey) return true;
      const expected = account.settings?.[options.secretKey];
      const given = request.headers[SCRIPTED_SECRET_HEADER];
      if (!expected || given === undefined) return false;
      // Digests have one length, so the comparison takes the same time whatever was sent.
      return timingSafeEqual(digest(given), digest(expected));
    },
    parse: (request) => eventsOf(request.rawBody),
    send: (request) => upstream.send(account, request),
    async testConnection() {
      const url = options.server?.accounts.upstreamWebhookUrl(account);
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

function eventsOf(raw: Buffer): InboundEvent[] {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new DomainError('invalid', 'invalid_input', 'The delivery is not JSON');
  }
  const events = (body as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) throw new DomainError('invalid', 'invalid_input', 'Not a list of events');
  return events as InboundEvent[];
}

/** Plugs a scripted adapter into a running server for `kind`, answering its upstream. */
export function installScripted(server: TestServer, kind: ChannelKind, options: Omit<ScriptedOptions, 'server'> = {}): ScriptedUpstream {
  const upstream = new ScriptedUpstream();
  server.registry.register(kind, scriptedAdapter(kind, upstream, { ...options, server }));
  return upstream;
}

/** A customer's text message as a delivery body (`from` is the customer's address). */
export function textDelivery(from: number | string, messageId: number, text: string, authorName = 'Joana', extra: Partial<InboundMessage> = {}) {
  const message: InboundMessage = {
    externalId: `${from}:${messageId}`, address: String(from), authorName, kind: 'text', text, media: [], payload: {}, at: Date.now(), ...extra,
  };
  return { events: [{ type: 'message', message }] satisfies InboundEvent[] };
}
