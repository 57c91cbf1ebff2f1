import type {
  Attachment, ChannelKind, ChannelTestResponse, ContactDoc, ConversationDoc, MessageDoc, MessageKind, MessageStatus,
} from '@atende/protocol';
import type { ChannelAccountDoc } from '../channelAccounts/service.js';

/**
 * The one interface every channel goes through (R-CH-01). Adapters are made per channel
 * account (so each WhatsApp number, bot or page has its own credentials and base URL) and know
 * their upstream's HTTP details; the domain never does.
 */

/** A customer's message as the upstream described it, normalised. */
export interface InboundMessage {
  /** Upstream message id: the same id twice gives one message (R-CH-11). */
  externalId: string;
  /** The customer's address on this channel (E.164 digits, chat id, page-scoped id…). */
  address: string;
  /**
   * Other addresses the same envelope gives for this customer (WhatsApp: the business-scoped user
   * id beside the phone): they are made to name the same contact, so a later message carrying only
   * one of them still finds it.
   */
  aliases?: string[];
  authorName: string;
  kind: MessageKind;
  text: string;
  /** Files the upstream holds; downloaded by a job (`ref` is the adapter's own handle). */
  media: Array<{ ref: string; mimeType?: string; filename?: string }>;
  payload: MessageDoc['payload'];
  at: number;
  /**
   * A press of one of the rating answers we sent (issue 18): the id the button carried, parsed with
   * `parseRatingAnswer` (`rate:<score>:<key>`). The ratings service records it on the conversation
   * the key names; when it does not count (too late, already rated, unknown) the message goes on as
   * an ordinary one, with `text` the button's visible label.
   */
  ratingAnswer?: { key: string; score: number };
}

/** A delivery report for one of our messages. */
export interface StatusReport {
  externalId: string;
  status: MessageStatus;
  error?: string;
  at: number;
}

/** A new review status of one of the account's message templates (WhatsApp `message_template_status_update`). */
export interface TemplateStatusReport {
  /** The upstream's template id, when it gave one. */
  externalId: string | null;
  name: string;
  language: string;
  /** The upstream's event (APPROVED, REJECTED, PAUSED, DISABLED, FLAGGED, REINSTATED…). */
  event: string;
  reason: string | null;
}

/** The customer changed a message they sent (Telegram `edited_message`): shown as edited, history kept. */
export interface InboundEdit {
  /** The upstream id of the edited message, as its InboundMessage.externalId was. */
  externalId: string;
  address: string;
  authorName: string;
  text: string;
  /** When the edit was made, upstream time (ms): an older or equal one is a redelivery. */
  at: number;
  /** An unsend (Instagram `is_deleted`): `text` is '', the message marked deleted; never creates a message. */
  deleted?: boolean;
}

/**
 * A watermark (Messenger `delivery`/`read`, Instagram `read`): every message we sent to `address`
 * on this account up to `at` (upstream time, ms) reached `status`.
 */
export interface StatusUpToReport {
  address: string;
  status: Extract<MessageStatus, 'delivered' | 'read'>;
  at: number;
}

export type InboundEvent =
  | { type: 'message'; message: InboundMessage }
  | { type: 'edit'; edit: InboundEdit }
  | { type: 'status'; report: StatusReport }
  | { type: 'statusUpTo'; report: StatusUpToReport }
  | { type: 'template'; report: TemplateStatusReport };

/** What an upstream's profile endpoint says of a customer (Messenger/Instagram `GET /{id}?fields=…`). */
export interface CustomerProfile {
  name: string | null;
  /** A URL `downloadMedia` can fetch (Meta's CDN links expire: fetched at once, stored as media). */
  pictureUrl: string | null;
}

export interface WebhookRequest {
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  /** The bytes exactly as received: signatures are computed over them, never re-serialised JSON. */
  rawBody: Buffer;
}

export interface OutboundRequest {
  conversation: ConversationDoc;
  message: MessageDoc;
  contact: ContactDoc;
  /** Stable per send attempt; adapters pass it upstream where the API accepts one. */
  idempotencyKey: string;
  /** Bytes of an attachment, for upstreams that need an upload. */
  readMedia(attachment: Attachment): Promise<Buffer>;
  /**
   * A short-lived URL under our server's address that serves the attachment without a login, for
   * upstreams that fetch files by link (Messenger, Instagram); null when the server has no address.
   */
  publicMediaUrl(attachment: Attachment): string | null;
}

export interface SendResult {
  externalId: string | null;
  /** The status the upstream confirmed: usually 'sent'; 'delivered' when delivery is immediate. */
  status: Extract<MessageStatus, 'sent' | 'delivered'>;
  /**
   * What the send changed about the conversation upstream, merged into its `channelMeta` at once
   * (Reclame Aqui: a public answer makes the company's the last public interaction, R-CH-10).
   */
  channelMeta?: Record<string, string>;
}

export interface ChannelAdapter {
  readonly kind: ChannelKind;
  /**
   * True when sending the same message twice cannot show it twice (the website chat dedupes by
   * message id): an interrupted send may then be retried instead of needing an agent's decision.
   */
  readonly idempotentSends: boolean;
  /** GET webhook verification handshake; undefined when the upstream has none. */
  handshake?(request: WebhookRequest): { status: number; body: string };
  /** Webhook authenticity over the raw bytes, compared in constant time. */
  verify?(request: WebhookRequest): boolean;
  /** Parses a verified delivery; throws a DomainError `invalid` for a malformed one. */
  parse?(request: WebhookRequest): InboundEvent[];
  /**
   * Sends one message. Throws `RetryLater` (jobs/) when the upstream asked to wait or could not
   * be reached, `PermanentFailure` when it refused the message for good — its message is shown to
   * the agent, so a readable pt-BR sentence with no URL or credential — and `UncertainSend` when
   * the request may have reached the upstream without an answer.
   */
  send(request: OutboundRequest): Promise<SendResult>;
  /** The agent's typing indicator, where the upstream supports it; best effort. */
  typing?(conversation: ConversationDoc, contact: ContactDoc, typing: boolean): Promise<void>;
  /**
   * "Testar conexão": asks the upstream who this account is with its credentials. Answers a
   * readable pt-BR sentence either way; an upstream refusal or no answer is `ok: false`, never a throw.
   */
  testConnection?(): Promise<ChannelTestResponse>;
  /**
   * Fetches an inbound file by the adapter's handle. Throws `MediaTooLarge` when the upstream will
   * not hand it over for its size (Telegram bots: 20 MB): the message then says so, no retry.
   */
  downloadMedia?(ref: string): Promise<{ bytes: Buffer; mimeType?: string; filename?: string }>;
  /**
   * True when saving the account registers it upstream (Telegram: getMe + setWebhook): the admin
   * routes then call `testConnection` after create and after a settings change, and return its
   * answer as the view's `connection`.
   */
  readonly connectsOnSave?: boolean;
  /** The customer's name and picture, fetched once per contact by a job (Messenger, Instagram). */
  fetchProfile?(address: string): Promise<CustomerProfile>;
}

/** The upstream will not hand this file over for its size: shown as "arquivo grande demais", never retried. */
export class MediaTooLarge extends Error {
  override name = 'MediaTooLarge';
}

/** The request may have reached the upstream: sending again could show the message twice. */
export class UncertainSend extends Error {
  override name = 'UncertainSend';
}

export type AdapterFactory = (account: ChannelAccountDoc) => ChannelAdapter;

/** Adapters by channel account: built from the account document, rebuilt when it changes. */
export class ChannelRegistry {
  private readonly factories = new Map<ChannelKind, AdapterFactory>();
  private readonly built = new Map<string, { version: string; adapter: ChannelAdapter }>();

  register(kind: ChannelKind, factory: AdapterFactory): void {
    this.factories.set(kind, factory);
  }

  supports(kind: ChannelKind): boolean {
    return this.factories.has(kind);
  }

  forAccount(account: ChannelAccountDoc): ChannelAdapter | undefined {
    const version = `${account._rev ?? ''}|${account.updatedAt ?? ''}`;
    const cached = this.built.get(account._id);
    if (cached && cached.version === version) return cached.adapter;
    const factory = this.factories.get(account.kind);
    if (!factory) return undefined;
    const adapter = factory(account);
    this.built.set(account._id, { version, adapter });
    return adapter;
  }
}
