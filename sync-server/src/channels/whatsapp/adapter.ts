import {
  formatPhoneNumber, formatRatingAnswer, GRAPH_API_BASE, RATING_LABELS, RATING_REQUEST_PAYLOAD, RATING_SCORES, isWhatsAppUserId, whatsappRefusal, type Attachment, type ChannelTestResponse, type ContactDoc, type ConversationDoc,
} from '@atende/protocol';
import { PermanentFailure, RetryLater } from '../../jobs/types.js';
import type { ChannelAccountDoc } from '../../channelAccounts/service.js';
import type { ChannelAdapter, InboundEvent, OutboundRequest, SendResult, WebhookRequest } from '../adapter.js';
import { metaHandshake, verifyMetaSignature } from '../meta/webhook.js';
import { TypingThrottle } from '../typingThrottle.js';
import { upstreamFetch } from '../upstreamFetch.js';
import { parseWhatsAppWebhook } from './inbound.js';
import type { GraphTemplate } from './templates.js';

/** Upstream codes that mean "slow down" (CHANNELS.md): 80 msg/s per number, bursts to one user, app limits. */
const THROTTLED = new Set([4, 80007, 130429, 131056]);
/** WhatsApp shows the indicator up to 25 s: one request per conversation this often is enough. */
const TYPING_REFRESH_MS = 20_000;
/** A WABA with more templates than this many pages of 100 is cut short rather than looping forever. */
const TEMPLATE_PAGES_MAX = 50;
/** Media types the Cloud API sends with a caption (audio and stickers take none). */
const CAPTIONED = new Set(['image', 'video', 'document']);

/** A WABA's templates as listed; `cut` says why the listing stopped before its end (null: complete). */
export interface TemplateListing {
  templates: GraphTemplate[];
  cut: 'page_limit' | 'foreign_next' | null;
}

export interface GraphError { message?: string; type?: string; code?: number; error_subcode?: number; fbtrace_id?: string }

/**
 * One WhatsApp Cloud API number (`kind: "whatsapp"`): Meta's webhook handshake and signature,
 * the `messages` webhook parsed into inbound events, sends through `POST /{phone-number-id}/messages`.
 */
export class WhatsAppAdapter implements ChannelAdapter {
  readonly kind = 'whatsapp' as const;
  readonly idempotentSends = false;
  private readonly settings: Record<string, string | undefined>;
  /** When each conversation's typing indicator last went out (this adapter is one per account and node). */
  private readonly typingThrottle = new TypingThrottle(TYPING_REFRESH_MS);

  constructor(account: ChannelAccountDoc, private readonly fetcher: typeof fetch = fetch) {
    this.settings = account.settings ?? {};
  }

  private get base(): string {
    return (this.settings.baseUrl ?? GRAPH_API_BASE).replace(/\/+$/, '');
  }

  /** `POST /{phone-number-id}/messages`: sends, and read receipts with the typing indicator. */
  private get messagesPath(): string {
    return `/${this.settings.phoneNumberId ?? ''}/messages`;
  }

  handshake(request: WebhookRequest): { status: number; body: string } {
    return metaHandshake(request, this.settings.verifyToken ?? '');
  }

  verify(request: WebhookRequest): boolean {
    const secret = this.settings.appSecret;
    return !!secret && verifyMetaSignature(request, secret);
  }

  parse(request: WebhookRequest): InboundEvent[] {
    return parseWhatsAppWebhook(request.rawBody, this.settings.phoneNumberId ?? '', this.settings.wabaId);
  }

  async send(request: OutboundRequest): Promise<SendResult> {
    const to = request.contact.addresses.whatsapp;
    if (!to) throw new PermanentFailure('Este contato não tem número de WhatsApp.');
    const { message } = request;
    if (message.attachments.length > 1) throw new PermanentFailure('O WhatsApp envia um arquivo por mensagem: envie os arquivos separadamente.');
    const attachment = message.attachments[0];
    // A customer known only by their business-scoped id is addressed by `recipient`, not `to`.
    const envelope = { messaging_product: 'whatsapp', recipient_type: 'individual', ...(isWhatsAppUserId(to) ? { recipient: to } : { to }) };
    let body: Record<string, unknown>;
    const ratingKey = message.payload?.[RATING_REQUEST_PAYLOAD];
    if (typeof ratingKey === 'string' && !attachment && message.kind !== 'template') {
      body = { ...envelope, type: 'interactive', interactive: ratingList(message.text, ratingKey) };
    } else if (message.kind === 'template') {
      const headerImage = attachment?.kind === 'image' ? await this.uploadAttachment(request, attachment) : undefined;
      body = { ...envelope, type: 'template', template: templateOf(message.payload, headerImage) };
    } else if (attachment) {
      const id = await this.uploadAttachment(request, attachment);
      const media: Record<string, string> = { id };
      if (message.text && CAPTIONED.has(attachment.kind)) media.caption = message.text;
      if (attachment.kind === 'document') media.filename = attachment.name;
      body = { ...envelope, type: attachment.kind, [attachment.kind]: media };
    } else {
      body = { ...envelope, type: 'text', text: { body: message.text, preview_url: false } };
    }
    const answer = await this.graph('POST', this.messagesPath, body) as { messages?: Array<{ id?: string }> };
    // Our reply dismisses the indicator on the phone: the agent's next typing shows it again at once.
    this.typingThrottle.forget(request.conversation.id);
    return { externalId: answer.messages?.[0]?.id ?? null, status: 'sent' };
  }

  /**
   * The agent is typing: WhatsApp shows it only as a reply to a message of the customer, which it
   * also marks read (`status: read` + `typing_indicator`); it stops by itself on our reply or after
   * 25 s, so "stopped typing" sends nothing. Without an inbound message there is nothing to send.
   */
  async typing(conversation: ConversationDoc, _contact: ContactDoc, typing: boolean): Promise<void> {
    const messageId = conversation.channelMeta.lastInboundExternalId;
    if (!typing || !messageId || !this.typingThrottle.due(conversation.id)) return;
    await this.graph('POST', this.messagesPath, {
      messaging_product: 'whatsapp', status: 'read', message_id: messageId, typing_indicator: { type: 'text' },
    });
  }

  /** "Testar conexão": `GET /{phone-number-id}?fields=display_phone_number,verified_name` with the token. */
  async testConnection(): Promise<ChannelTestResponse> {
    const id = this.settings.phoneNumberId;
    if (!id) return { ok: false, message: 'Informe o Phone Number ID deste número.' };
    let res: Response;
    try {
      res = await this.request(`${this.base}/${encodeURIComponent(id)}?fields=display_phone_number,verified_name`, { method: 'GET' });
    } catch {
      return { ok: false, message: 'Não foi possível falar com o WhatsApp: confira a URL da API e a rede do servidor.' };
    }
    if (!res.ok) return { ok: false, message: refusalOf(res, await errorOf(res)) };
    const info = (await res.json().catch(() => ({}))) as { display_phone_number?: string; verified_name?: string };
    const number = info.display_phone_number ? formatPhoneNumber(info.display_phone_number) : id;
    return { ok: true, message: `Conectado: ${number}${info.verified_name ? ` (${info.verified_name})` : ''}` };
  }

  /**
   * Every template of the account's WABA (`GET /{waba-id}/message_templates`, 100 a page,
   * following `paging.next`), and whether that was all of them: a listing cut short (page limit,
   * a next page on another host) must not be read as "the rest is gone". Throws PermanentFailure
   * (a readable refusal) or RetryLater.
   */
  async listTemplates(): Promise<TemplateListing> {
    const waba = this.settings.wabaId;
    if (!waba) throw new PermanentFailure('Informe o WhatsApp Business Account ID (WABA) deste número.');
    const templates: GraphTemplate[] = [];
    let url: string | undefined = `${this.base}/${encodeURIComponent(waba)}/message_templates?limit=100`;
    let cut: TemplateListing['cut'] = null;
    for (let page = 0; url; page++) {
      if (page === TEMPLATE_PAGES_MAX) {
        cut = 'page_limit';
        break;
      }
      const res = await this.request(url, { method: 'GET' });
      if (!res.ok) {
        const error = await errorOf(res);
        const retry = classify(res, error);
        throw retry instanceof RetryLater ? retry : new PermanentFailure(refusalOf(res, error));
      }
      const body = (await res.json()) as { data?: GraphTemplate[]; paging?: { next?: string } };
      templates.push(...(Array.isArray(body.data) ? body.data : []));
      // The bearer token goes with the request: only to the API this account is configured for.
      const next = body.paging?.next;
      url = next && originOf(next) === originOf(this.base) ? next : undefined;
      if (next && !url) cut = 'foreign_next';
    }
    return { templates, cut };
  }

  /** A message's file, uploaded again on a retry: harmless, an upload the customer never sees. */
  private async uploadAttachment(request: OutboundRequest, attachment: Attachment): Promise<string> {
    return this.upload(await request.readMedia(attachment), attachment.mimeType, attachment.name);
  }

  /** `POST /{phone-number-id}/media` (multipart) → the media id a message then names. */
  private async upload(bytes: Buffer, mimeType: string, filename: string): Promise<string> {
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', mimeType);
    form.set('file', new Blob([new Uint8Array(bytes)], { type: mimeType }), filename);
    const res = await this.request(`${this.base}/${this.settings.phoneNumberId ?? ''}/media`, { method: 'POST', body: form });
    if (!res.ok) throw classify(res, await errorOf(res));
    const answer = (await res.json()) as { id?: string };
    if (!answer.id) throw new RetryLater('WhatsApp media upload answered without an id');
    return answer.id;
  }

  async downloadMedia(ref: string): Promise<{ bytes: Buffer; mimeType?: string }> {
    const info = await this.graph('GET', `/${encodeURIComponent(ref)}`) as { url?: string; mime_type?: string };
    if (!info.url) throw new PermanentFailure('O WhatsApp não informou o endereço do arquivo.');
    const res = await this.request(info.url, { method: 'GET' });
    if (!res.ok) throw classify(res, await errorOf(res));
    return { bytes: Buffer.from(await res.arrayBuffer()), ...(info.mime_type ? { mimeType: info.mime_type } : {}) };
  }

  /** One Graph call; errors become the job queue's RetryLater / PermanentFailure / UncertainSend. */
  private async graph(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const res = await this.request(this.base + path, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    if (!res.ok) throw classify(res, await errorOf(res));
    return res.json();
  }

  private request(url: string, init: { method: string; body?: string | FormData; headers?: Record<string, string> }): Promise<Response> {
    return upstreamFetch(url, { ...init, headers: { ...init.headers, authorization: `Bearer ${this.settings.accessToken ?? ''}` } }, {
      label: 'WhatsApp', fetcher: this.fetcher,
    });
  }
}

/** The list's button, which opens the rows (Cloud API: at most 20 characters). */
export const RATING_LIST_BUTTON = 'Avaliar';

/**
 * The rating question as an interactive list (issue 18): one section, a row per score whose id
 * names the conversation's rating key — the customer's pick comes back as `list_reply` with it.
 */
export function ratingList(question: string, key: string): Record<string, unknown> {
  return {
    type: 'list',
    body: { text: question },
    action: {
      button: RATING_LIST_BUTTON,
      sections: [{ title: 'Nota', rows: RATING_SCORES.map((n) => ({ id: formatRatingAnswer(key, n), title: RATING_LABELS[n] ?? String(n) })) }],
    },
  };
}

/**
 * A template message's `payload` (flat, as message payloads are): `template` (name), `language`
 * (code), and its variables by component and position — `header.1`, `body.1`, `body.2`…,
 * `button.0` (the URL suffix of button 0). An image header is the message's attachment.
 */
export function templateOf(payload: Record<string, unknown>, headerImageId?: string): Record<string, unknown> {
  const name = payload.template;
  const language = payload.language;
  if (typeof name !== 'string' || typeof language !== 'string') throw new PermanentFailure('O template desta mensagem está incompleto.');
  const texts = (part: string) => Object.entries(payload)
    .filter(([key]) => key.startsWith(`${part}.`))
    .map(([key, value]) => ({ index: Number(key.slice(part.length + 1)), text: String(value) }))
    .filter((p) => Number.isInteger(p.index))
    .sort((a, b) => a.index - b.index);
  const components: Array<Record<string, unknown>> = [];
  const header = headerImageId
    ? [{ type: 'image', image: { id: headerImageId } }]
    : texts('header').map((p) => ({ type: 'text', text: p.text }));
  if (header.length) components.push({ type: 'header', parameters: header });
  const body = texts('body');
  if (body.length) components.push({ type: 'body', parameters: body.map((p) => ({ type: 'text', text: p.text })) });
  for (const button of texts('button')) {
    components.push({ type: 'button', sub_type: 'url', index: String(button.index), parameters: [{ type: 'text', text: button.text }] });
  }
  return { name, language: { code: language }, ...(components.length ? { components } : {}) };
}

async function errorOf(res: Response): Promise<GraphError> {
  try {
    const body = (await res.json()) as { error?: GraphError };
    return body.error ?? {};
  } catch {
    return {};
  }
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

const throttled = (res: Response, error: GraphError) => res.status === 429 || (error.code !== undefined && THROTTLED.has(error.code));
/** Code 190: the access token is invalid or expired. */
const refusedCredentials = (res: Response, error: GraphError) => error.code === 190 || res.status === 401;

/** Why the upstream refused a read (test, template sync), for an admin: no URL, no credential. */
function refusalOf(res: Response, error: GraphError): string {
  if (refusedCredentials(res, error)) return 'O WhatsApp recusou o token de acesso (código 190): gere um novo token e salve-o neste canal.';
  if (error.code === 100 && error.error_subcode === 33) return 'O WhatsApp não encontrou este número ou conta, ou o token não tem acesso a eles (código 100/33).';
  if (throttled(res, error)) return 'O WhatsApp pediu para esperar (limite de requisições). Tente de novo em instantes.';
  if (res.status >= 500) return `O WhatsApp está com problemas (HTTP ${res.status}). Tente de novo em instantes.`;
  return `O WhatsApp recusou o pedido (código ${error.code ?? res.status}).`;
}

/** Throttling and server errors wait and retry (never dropped); other refusals are final. */
function classify(res: Response, error: GraphError): Error {
  const detail = `WhatsApp ${res.status} code ${error.code ?? '?'}/${error.error_subcode ?? '-'}: ${error.message ?? ''} (fbtrace ${error.fbtrace_id ?? '-'})`;
  if (throttled(res, error) || res.status >= 500) {
    const retryAfter = Number(res.headers.get('retry-after'));
    return new RetryLater(detail, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined);
  }
  if (refusedCredentials(res, error)) return new PermanentFailure('O WhatsApp recusou as credenciais deste canal. Peça a um administrador para revisá-las.');
  // The same sentence a `failed` delivery report with this code shows (closed window, template, media…).
  return new PermanentFailure(whatsappRefusal(error.code) ?? `O WhatsApp recusou a mensagem (código ${error.code ?? res.status}).`);
}
