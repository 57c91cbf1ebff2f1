import { createHmac } from 'node:crypto';
import {
  CHANNEL_TEXT_MAX, customerWroteAtOf, fitsChannelText, formatRatingAnswer, GRAPH_API_BASE, RATING_LABELS, RATING_REQUEST_PAYLOAD, RATING_SCORES,
  replyPolicyOf, replyWindowOf,
  type Attachment, type ChannelTestResponse, type ContactDoc, type ConversationDoc,
} from '@atende/protocol';
import type { ChannelAccountDoc } from '../../channelAccounts/service.js';
import { channelName, replyWindowRefusal, textTooLongRefusal } from '../../conversations/channelSentences.js';
import { PermanentFailure } from '../../jobs/types.js';
import {
  type ChannelAdapter, type CustomerProfile, type InboundEvent, type OutboundRequest, type SendResult, type WebhookRequest,
} from '../adapter.js';
import { BoundedMap, TypingThrottle } from '../typingThrottle.js';
import { safeDownload } from '../safeDownload.js';
import { upstreamFetch } from '../upstreamFetch.js';
import { classify, errorOf, refusalOf } from './messagingErrors.js';
import { parseMetaMessaging, type MetaMessagingKind } from './messagingInbound.js';
import { metaHandshake, verifyMetaSignature } from './webhook.js';

const REQUEST_TIMEOUT_MS = 20_000;
/** Messenger shows "typing…" about 20 s: one typing_on per conversation this often is enough. */
const TYPING_REFRESH_MS = 20_000;
/** Meta's attachments (and CDN files) go up to 25 MB; a larger inbound file is not fetched. */
const DOWNLOAD_MAX_BYTES = 25 * 1024 * 1024;
const PROFILE_FIELDS: Record<MetaMessagingKind, string> = { messenger: 'first_name,last_name,profile_pic', instagram: 'name,username,profile_pic' };
/**
 * Our attachment kinds as the Send API names them; Instagram takes no generic files. Stickers
 * (WebP) are not among them: Meta's image attachments are PNG/JPEG/GIF.
 */
const SEND_TYPES: Record<MetaMessagingKind, Partial<Record<Attachment['kind'], string>>> = {
  messenger: { image: 'image', video: 'video', audio: 'audio', document: 'file' },
  instagram: { image: 'image', video: 'video', audio: 'audio' },
};

/**
 * The rating question's quick replies (issue 18), when the message asks for a rating: a reply per
 * score whose payload names the conversation's rating key (titles ≤ 20 characters, payloads ≤ 1,000).
 */
export function ratingQuickReplies(ratingKey: unknown): { quick_replies?: Array<{ content_type: 'text'; title: string; payload: string }> } {
  if (typeof ratingKey !== 'string') return {};
  return { quick_replies: RATING_SCORES.map((n) => ({ content_type: 'text', title: RATING_LABELS[n] ?? String(n), payload: formatRatingAnswer(ratingKey, n) })) };
}

export interface MetaMessagingOptions {
  fetcher?: typeof fetch;
  /** The clock the reply window is judged by (tests of old conversations). */
  now?: () => number;
}

/**
 * A Facebook page on Messenger (`kind: "messenger"`) or its Instagram professional account
 * (`kind: "instagram"`): one class, the two differing by table (webhook object and entry id,
 * profile fields, limits). Meta's handshake and signature, `messaging[]` webhooks, sends through
 * `POST /{page-id}/messages` with the messaging type the reply window allows, typing through
 * sender actions, profiles for the contact's name and picture.
 */
export class MetaMessagingAdapter implements ChannelAdapter {
  readonly idempotentSends = false;
  readonly kind: MetaMessagingKind;
  private readonly settings: Record<string, string | undefined>;
  private readonly fetcher: typeof fetch;
  private readonly now: () => number;
  /** When each conversation's typing_on last went out (one adapter per account and node). */
  private readonly typingThrottle: TypingThrottle;
  /**
   * A message's file already accepted while its text is still to go: a retry after the text was
   * throttled sends only the text, not the file again (on this node; bounded).
   */
  private readonly fileSent = new BoundedMap<string, SendResult>();

  constructor(account: ChannelAccountDoc, options: MetaMessagingOptions = {}) {
    if (account.kind !== 'messenger' && account.kind !== 'instagram') throw new Error(`not a Meta messaging account: ${account.kind}`);
    this.kind = account.kind;
    this.settings = account.settings ?? {};
    this.fetcher = options.fetcher ?? fetch;
    this.now = options.now ?? Date.now;
    this.typingThrottle = new TypingThrottle(TYPING_REFRESH_MS, this.now);
  }

  private get label(): string {
    return channelName(this.kind);
  }

  private get base(): string {
    return (this.settings.apiBaseUrl ?? GRAPH_API_BASE).replace(/\/+$/, '');
  }

  /** The page (Messenger) or Instagram account (Instagram) whose webhook entries are ours. */
  private get entryId(): string {
    return (this.kind === 'messenger' ? this.settings.pageId : this.settings.igUserId) ?? '';
  }

  handshake(request: WebhookRequest): { status: number; body: string } {
    return metaHandshake(request, this.settings.verifyToken ?? '');
  }

  verify(request: WebhookRequest): boolean {
    const secret = this.settings.appSecret;
    return !!secret && verifyMetaSignature(request, secret);
  }

  parse(request: WebhookRequest): InboundEvent[] {
    return parseMetaMessaging(request.rawBody, this.kind, this.entryId);
  }

  async send(request: OutboundRequest): Promise<SendResult> {
    const recipient = request.contact.addresses[this.kind];
    if (!recipient) throw new PermanentFailure(`Este contato não tem endereço no ${this.label}.`);
    const { message } = request;
    if (message.attachments.length > 1) throw new PermanentFailure(`O ${this.label} envia um arquivo por mensagem: envie os arquivos separadamente.`);
    if (!fitsChannelText(this.kind, message.text)) throw new PermanentFailure(textTooLongRefusal(this.kind, CHANNEL_TEXT_MAX[this.kind]));
    const envelope = { recipient: { id: recipient }, ...this.messagingType(request.conversation) };
    const attachment = message.attachments[0];
    let sent: SendResult | undefined;
    // The Send API takes text or one attachment: a file with a caption goes as the file, then the text.
    if (attachment) {
      if (attachment.kind === 'sticker') {
        throw new PermanentFailure(`O ${this.label} não aceita figurinhas enviadas por integrações: envie a imagem como PNG ou JPEG.`);
      }
      const type = SEND_TYPES[this.kind][attachment.kind];
      if (!type) throw new PermanentFailure(`O ${this.label} não aceita este tipo de arquivo: envie uma imagem, um áudio ou um vídeo.`);
      const url = request.publicMediaUrl(attachment);
      if (!url) {
        throw new PermanentFailure(`Para enviar arquivos pelo ${this.label}, o servidor precisa de um endereço público (ATENDE_PUBLIC_URL) de onde a Meta baixe o arquivo.`);
      }
      sent = this.fileSent.get(message.id) ?? await this.post({ ...envelope, message: { attachment: { type, payload: { url, is_reusable: false } } } });
      if (message.text) this.fileSent.set(message.id, sent);
    }
    if (message.text) sent = await this.post({ ...envelope, message: { text: message.text, ...ratingQuickReplies(message.payload?.[RATING_REQUEST_PAYLOAD]) } });
    this.fileSent.delete(message.id);
    if (!sent) throw new PermanentFailure('A mensagem está vazia.');
    this.typingThrottle.forget(request.conversation.id);
    return sent;
  }

  /** RESPONSE inside 24 h; MESSAGE_TAG + HUMAN_AGENT up to 7 days when the account allows it; refused otherwise. */
  private messagingType(conversation: ConversationDoc): { messaging_type: 'RESPONSE' } | { messaging_type: 'MESSAGE_TAG'; tag: 'HUMAN_AGENT' } {
    const policy = replyPolicyOf(this.settings);
    const window = replyWindowOf(this.kind, customerWroteAtOf(conversation), this.now(), policy);
    if (window.mode === 'standard') return { messaging_type: 'RESPONSE' };
    if (window.mode === 'human_agent') return { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' };
    throw new PermanentFailure(replyWindowRefusal(this.kind, policy));
  }

  private async post(body: Record<string, unknown>): Promise<SendResult> {
    const answer = (await this.graph('POST', `/${this.settings.pageId ?? ''}/messages`, body)) as { message_id?: string };
    return { externalId: answer.message_id ?? null, status: 'sent' };
  }

  /**
   * The agent is typing: the customer's messages are marked seen and "typing…" shown (refreshed at
   * most every 20 s); stopping sends typing_off. Nothing outside the reply window, where Meta refuses it.
   */
  async typing(conversation: ConversationDoc, contact: ContactDoc, typing: boolean): Promise<void> {
    const recipient = contact.addresses[this.kind];
    if (!recipient) return;
    const window = replyWindowOf(this.kind, customerWroteAtOf(conversation), this.now(), replyPolicyOf(this.settings));
    if (window.mode === 'closed') return;
    const action = (sender_action: string) => this.graph('POST', `/${this.settings.pageId ?? ''}/messages`, { recipient: { id: recipient }, sender_action });
    if (!typing) {
      if (this.typingThrottle.forget(conversation.id)) await action('typing_off');
      return;
    }
    if (!this.typingThrottle.due(conversation.id)) return;
    await action('mark_seen');
    await action('typing_on');
  }

  /** "Testar conexão": the page's name (Messenger) or the Instagram account's username, with the page token. */
  async testConnection(): Promise<ChannelTestResponse> {
    const id = this.entryId;
    if (!id) return { ok: false, message: this.kind === 'messenger' ? 'Informe o Page ID desta página.' : 'Informe o ID da conta do Instagram.' };
    const fields = this.kind === 'messenger' ? 'name' : 'username,name';
    let res: Response;
    try {
      res = await this.request(`${this.base}/${encodeURIComponent(id)}?fields=${fields}`, { method: 'GET' });
    } catch {
      return { ok: false, message: `Não foi possível falar com o ${this.label}: confira a URL da API e a rede do servidor.` };
    }
    if (!res.ok) return { ok: false, message: refusalOf(this.kind, res, await errorOf(res)) };
    const info = (await res.json().catch(() => ({}))) as { name?: string; username?: string };
    if (this.kind === 'messenger') return { ok: true, message: `Conectado: página ${info.name ?? id}.` };
    return { ok: true, message: `Conectado: @${info.username ?? id}${info.name ? ` (${info.name})` : ''}.` };
  }

  /** The customer's name and picture URL (`GET /{psid-or-igsid}?fields=…`). */
  async fetchProfile(address: string): Promise<CustomerProfile> {
    const profile = (await this.graph('GET', `/${encodeURIComponent(address)}?fields=${PROFILE_FIELDS[this.kind]}`)) as {
      first_name?: string; last_name?: string; name?: string; username?: string; profile_pic?: string;
    };
    const name = this.kind === 'messenger'
      ? [profile.first_name, profile.last_name].filter(Boolean).join(' ')
      : profile.name || (profile.username ? `@${profile.username}` : '');
    return { name: name || null, pictureUrl: profile.profile_pic ?? null };
  }

  /**
   * A customer's file by its CDN URL (a webhook attachment or a profile picture). The page token
   * never goes with it, and the link, chosen by whoever signs a webhook, must lead to a public
   * https host (safeDownload): only the account's own API origin (a simulator) is exempt.
   */
  async downloadMedia(ref: string): Promise<{ bytes: Buffer; mimeType?: string }> {
    return safeDownload(ref, { label: this.label, maxBytes: DOWNLOAD_MAX_BYTES, trustedBase: this.base, timeoutMs: REQUEST_TIMEOUT_MS });
  }

  /** One Graph call with the page token; errors become the job queue's RetryLater / PermanentFailure / UncertainSend. */
  private async graph(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const res = await this.request(this.base + path, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    if (!res.ok) throw classify(this.kind, res, await errorOf(res));
    return res.json();
  }

  /**
   * Every Graph call carries `appsecret_proof` (HMAC-SHA256 of the page token keyed with the app
   * secret, hex), which apps set to "Require App Secret" demand: a leaked token alone is useless.
   */
  private withProof(url: string): string {
    const token = this.settings.pageAccessToken ?? '';
    const proof = createHmac('sha256', this.settings.appSecret ?? '').update(token).digest('hex');
    return `${url}${url.includes('?') ? '&' : '?'}appsecret_proof=${proof}`;
  }

  /** The proof is in the URL: errors quote the network error's code only. */
  private request(url: string, init: { method: string; body?: string; headers?: Record<string, string> }): Promise<Response> {
    const headers = { ...init.headers, authorization: `Bearer ${this.settings.pageAccessToken ?? ''}` };
    return upstreamFetch(this.withProof(url), { ...init, headers }, { label: this.label, fetcher: this.fetcher, redactUrl: true, timeoutMs: REQUEST_TIMEOUT_MS });
  }
}
