import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkTemplateSend, templateIdOf, templatesPage, waTemplateStatus, type FakeTemplate } from './graphTemplates.js';

/**
 * A fake of the WhatsApp Cloud API's Graph endpoints on loopback (CHANNELS.md), enforcing the
 * contracts the adapter must meet: the bearer token, the body shapes of
 * `POST /{phone-number-id}/messages` (text, media by id or link, templates whose parameter counts
 * match the approved template), Graph error bodies `{error: {message, type, code, error_subcode,
 * fbtrace_id}}`, and throttling (429 / 130429 / 131056) scripted by the test. It also signs
 * webhooks as Meta does (`X-Hub-Signature-256`, HMAC-SHA256 of the raw body with the app secret).
 */

export const GRAPH_VERSION = 'v21.0';

export interface GraphFailure {
  status: number;
  code: number;
  message: string;
  subcode?: number;
  type?: string;
  retryAfterS?: number;
}

export interface GraphCall {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
  /** The status this fake answered. */
  status: number;
}

/** A message the fake accepted from the business. */
export interface SentMessage { id: string; to: string; type: string; body: Record<string, unknown> }

export type { FakeTemplate, FakeTemplateComponent } from './graphTemplates.js';
export { waTemplateStatus } from './graphTemplates.js';

export const THROTTLED_PAIR: GraphFailure = { status: 400, code: 131056, message: '(#131056) (Business Account, Consumer Account) pair rate limit hit' };
export const THROTTLED_NUMBER: GraphFailure = { status: 400, code: 130429, message: '(#130429) Rate limit hit' };
export const TOO_MANY: GraphFailure = { status: 429, code: 80007, message: 'Rate limit issues', retryAfterS: 1 };
export const SERVER_ERROR: GraphFailure = { status: 500, code: 1, message: 'An unknown error occurred', type: 'OAuthException' };

const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;
/** The WABA of the demo number and of `waEnvelope`'s entries. */
const DEFAULT_WABA_ID = '102290129340398';
const isReadReceipt = (body: unknown) => typeof body === 'object' && body !== null && (body as { status?: unknown }).status === 'read';

export class FakeGraph {
  readonly calls: GraphCall[] = [];
  /** Messages accepted (answered with an id), in order. */
  readonly sent: SentMessage[] = [];
  readonly templates: FakeTemplate[] = [];
  /** Files uploaded to `POST /{phone-number-id}/media`. */
  readonly uploads: Array<{ id: string; type: string; size: number }> = [];
  private readonly script: GraphFailure[] = [];
  private readonly media = new Map<string, { bytes: Buffer; mimeType: string }>();
  private server: Server | undefined;
  private sequence = 0;
  private readonly sentListeners = new Set<(message: SentMessage) => void>();
  private readonly receiptListeners = new Set<(receipt: { messageId: string; typingIndicator: boolean }) => void>();
  /**
   * Requests outside the Graph API (the simulator's customer page); answered before the bearer
   * check. Returns whether it answered.
   */
  pages: ((req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<boolean>) | undefined;
  url = '';

  /** Read receipts and typing indicators (`status: read` on an inbound message id), in order. */
  readonly readReceipts: Array<{ messageId: string; typingIndicator: boolean }> = [];

  constructor(readonly options: {
    phoneNumberId: string; accessToken: string; appSecret: string;
    /** The WhatsApp Business Account whose templates `GET /{waba-id}/message_templates` lists. */
    wabaId?: string; displayPhoneNumber?: string; verifiedName?: string;
  }) {}

  get wabaId(): string {
    return this.options.wabaId ?? DEFAULT_WABA_ID;
  }

  /** The `baseUrl` an account points at this fake with. */
  get baseUrl(): string {
    return `${this.url}/${GRAPH_VERSION}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Failures for the next message sends, in order; once used up, sends succeed. */
  failNext(...failures: GraphFailure[]): void {
    this.script.push(...failures);
  }

  reset(): void {
    this.calls.length = 0;
    this.sent.length = 0;
    this.uploads.length = 0;
    this.script.length = 0;
    this.readReceipts.length = 0;
  }

  /** A file the "customer" sent: its media id for a webhook. */
  addMedia(bytes: Buffer, mimeType: string): string {
    const id = String(9_000_000 + ++this.sequence);
    this.media.set(id, { bytes, mimeType });
    return id;
  }

  /** Calls `listener` with every message this fake accepts (the customer's phone shows it); returns the unsubscribe. */
  onSent(listener: (message: SentMessage) => void): () => void {
    this.sentListeners.add(listener);
    return () => this.sentListeners.delete(listener);
  }

  /** Calls `listener` with every read receipt (and typing indicator) the business sends; returns the unsubscribe. */
  onReadReceipt(listener: (receipt: { messageId: string; typingIndicator: boolean }) => void): () => void {
    this.receiptListeners.add(listener);
    return () => this.receiptListeners.delete(listener);
  }

  /** A file uploaded or sent by a customer, by media id. */
  mediaFile(id: string): { bytes: Buffer; mimeType: string } | undefined {
    return this.media.get(id);
  }

  /**
   * Meta reviewed a template again: its status here changes (REINSTATED means approved again) and
   * the answer is the `message_template_status_update` webhook to deliver (signed by `deliver`).
   */
  changeTemplateStatus(name: string, language: string, event: string, reason?: string) {
    const template = this.templates.find((t) => t.name === name && t.language === language);
    if (!template) throw new Error(`no template ${name} ${language}`);
    if (!['FLAGGED', 'LOCKED', 'UNLOCKED', 'UNARCHIVED'].includes(event)) template.status = event === 'REINSTATED' ? 'APPROVED' : event;
    return waTemplateStatus(this.wabaId, { id: templateIdOf(template), name, language, event, ...(reason ? { reason } : {}), ...(template.category ? { category: template.category } : {}) });
  }

  /** Signs a raw webhook body as Meta does. */
  sign(raw: string, secret = this.options.appSecret): string {
    return `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
  }

  /** POSTs a signed delivery to a webhook URL; `signature: null` sends none. */
  deliver(webhookUrl: string, body: unknown, signature?: string | null): Promise<Response> {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const sig = signature === undefined ? this.sign(raw) : signature;
    return fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...(sig ? { 'x-hub-signature-256': sig } : {}) }, body: raw });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bytesIn = Buffer.concat(chunks);
    const raw = bytesIn.toString('utf8');
    let body: unknown = undefined;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const path = (req.url ?? '').split('?')[0] ?? '';
    const call: GraphCall = { method: req.method ?? '', path, authorization: req.headers.authorization, body, status: 0 };
    this.calls.push(call);
    const answer = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(json));
    };
    const fail = (f: GraphFailure) => answer(f.status, {
      error: { message: f.message, type: f.type ?? 'OAuthException', code: f.code, ...(f.subcode ? { error_subcode: f.subcode } : {}), fbtrace_id: `A${randomBytes(8).toString('hex')}` },
    }, f.retryAfterS ? { 'retry-after': String(f.retryAfterS) } : {});

    if (this.pages && !path.startsWith(`/${GRAPH_VERSION}/`) && !path.startsWith('/media-bytes/') && (await this.pages(req, res, bytesIn))) {
      call.status = res.statusCode;
      return;
    }
    if (req.headers.authorization !== `Bearer ${this.options.accessToken}`) {
      return fail({ status: 401, code: 190, message: 'Invalid OAuth access token - Cannot parse access token' });
    }
    const bytes = /^\/media-bytes\/(\d+)$/.exec(path);
    if (req.method === 'GET' && bytes?.[1]) {
      const file = this.media.get(bytes[1]);
      if (!file) return fail({ status: 404, code: 100, message: 'Unsupported get request' });
      call.status = 200;
      res.writeHead(200, { 'content-type': file.mimeType }).end(file.bytes);
      return;
    }
    const version = `/${GRAPH_VERSION}`;
    if (req.method === 'GET' && path === `${version}/${this.options.phoneNumberId}`) {
      // `?fields=display_phone_number,verified_name`: only what was asked (all without `fields`).
      const info: Record<string, string> = {
        display_phone_number: this.options.displayPhoneNumber ?? '+55 11 91234-5678',
        verified_name: this.options.verifiedName ?? 'Atende Demo', quality_rating: 'GREEN',
      };
      const fields = new URL(req.url ?? '', 'http://fake').searchParams.get('fields')?.split(',').map((f) => f.trim());
      const picked = fields ? Object.fromEntries(Object.entries(info).filter(([key]) => fields.includes(key))) : info;
      return answer(200, { ...picked, id: this.options.phoneNumberId });
    }
    if (req.method === 'GET' && path === `${version}/${this.wabaId}/message_templates`) {
      return answer(200, templatesPage(this.templates, new URL(req.url ?? '', 'http://fake').searchParams, `${this.url}${path}`));
    }
    const mediaInfo = new RegExp(`^/${GRAPH_VERSION}/(\\d+)$`).exec(path);
    if (req.method === 'GET' && mediaInfo?.[1]) {
      const file = this.media.get(mediaInfo[1]);
      if (!file) return fail({ status: 400, code: 100, subcode: 33, message: 'Unsupported get request. Object does not exist' });
      return answer(200, { messaging_product: 'whatsapp', id: mediaInfo[1], url: `${this.url}/media-bytes/${mediaInfo[1]}`, mime_type: file.mimeType, file_size: file.bytes.length, sha256: '' });
    }
    if (req.method === 'POST' && path === `/${GRAPH_VERSION}/${this.options.phoneNumberId}/media`) {
      // Multipart: file, type and messaging_product (CHANNELS.md).
      let form: FormData;
      try {
        form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body: bytesIn }).formData();
      } catch {
        return fail({ status: 400, code: 100, message: '(#100) The request must be multipart/form-data' });
      }
      const file = form.get('file');
      const type = form.get('type');
      call.body = { messaging_product: form.get('messaging_product'), type, file: file instanceof Blob ? { size: file.size, type: file.type } : null };
      if (form.get('messaging_product') !== 'whatsapp') return fail({ status: 400, code: 100, message: '(#100) The parameter messaging_product is required.' });
      if (!(file instanceof Blob) || typeof type !== 'string' || !type) return fail({ status: 400, code: 100, message: '(#100) Param file and type are required' });
      const id = this.addMedia(Buffer.from(await file.arrayBuffer()), type);
      this.uploads.push({ id, type, size: file.size });
      return answer(200, { id });
    }
    if (req.method === 'POST' && path === `/${GRAPH_VERSION}/${this.options.phoneNumberId}/messages` && isReadReceipt(body)) {
      // Marks the customer's message read, with the typing indicator when asked (CHANNELS.md).
      const receipt = body as { messaging_product?: unknown; message_id?: unknown; typing_indicator?: { type?: unknown } };
      if (receipt.messaging_product !== 'whatsapp') return fail({ status: 400, code: 100, message: '(#100) The parameter messaging_product is required.' });
      if (typeof receipt.message_id !== 'string' || !receipt.message_id.startsWith('wamid.')) return fail({ status: 400, code: 100, message: '(#100) Invalid parameter message_id' });
      if (receipt.typing_indicator !== undefined && receipt.typing_indicator.type !== 'text') return fail({ status: 400, code: 100, message: '(#100) Invalid parameter typing_indicator[\'type\']' });
      const read = { messageId: receipt.message_id, typingIndicator: receipt.typing_indicator !== undefined };
      this.readReceipts.push(read);
      answer(200, { success: true });
      for (const listener of this.receiptListeners) listener(read);
      return;
    }
    if (req.method === 'POST' && path === `/${GRAPH_VERSION}/${this.options.phoneNumberId}/messages`) {
      const problem = this.checkMessage(body);
      if (problem) return fail({ status: 400, code: problem.code, message: problem.message, ...(problem.subcode ? { subcode: problem.subcode } : {}) });
      const scripted = this.script.shift();
      if (scripted) return fail(scripted);
      const message = body as Record<string, unknown>;
      const id = `wamid.fake${String(++this.sequence).padStart(6, '0')}`;
      const to = String(message.to ?? message.recipient);
      const sent: SentMessage = { id, to, type: String(message.type), body: message };
      this.sent.push(sent);
      answer(200, { messaging_product: 'whatsapp', contacts: [{ input: to, ...(message.to ? { wa_id: to } : { user_id: to }) }], messages: [{ id }] });
      for (const listener of this.sentListeners) listener(sent);
      return;
    }
    return fail({ status: 400, code: 100, subcode: 33, message: `Unsupported ${req.method ?? ''} request` });
  }

  /** The send contract; undefined when the body is acceptable. */
  private checkMessage(body: unknown): { code: number; message: string; subcode?: number } | undefined {
    const invalid = (message: string) => ({ code: 100, message: `(#100) ${message}` });
    if (typeof body !== 'object' || body === null) return invalid('The parameter messaging_product is required.');
    const m = body as Record<string, unknown>;
    if (m.messaging_product !== 'whatsapp') return invalid('The parameter messaging_product is required.');
    if (m.recipient_type !== undefined && m.recipient_type !== 'individual') return invalid('Invalid parameter recipient_type');
    // A phone goes in `to`, a business-scoped user id (`BR.…`) in `recipient`: exactly one of them.
    const phone = typeof m.to === 'string' && /^\+?\d{8,15}$/.test(m.to);
    const userId = typeof m.recipient === 'string' && /^[A-Z]{2}\.[A-Za-z0-9]{1,128}$/.test(m.recipient);
    if (phone === userId || (m.to !== undefined && !phone) || (m.recipient !== undefined && !userId)) return invalid('Invalid parameter to');
    const type = m.type ?? 'text';
    if (type === 'text') {
      const text = m.text as { body?: unknown } | undefined;
      if (typeof text?.body !== 'string' || text.body.length === 0 || text.body.length > 4096) return invalid('Param text[\'body\'] is required and at most 4096 characters');
      return undefined;
    }
    if ((MEDIA_TYPES as readonly unknown[]).includes(type)) {
      const media = m[type as string] as { id?: unknown; link?: unknown } | undefined;
      const byId = typeof media?.id === 'string';
      const byLink = typeof media?.link === 'string' && /^https?:\/\//.test(media.link);
      if (byId === byLink) return invalid(`Param ${String(type)} must have exactly one of id or link`);
      if (byId && !this.media.has(String(media?.id))) return { code: 131053, message: '(#131053) Media upload error: unknown media id' };
      if ((type === 'audio' || type === 'sticker') && (media as { caption?: unknown }).caption !== undefined) return invalid(`Param ${String(type)} takes no caption`);
      return undefined;
    }
    if (type === 'template') return checkTemplateSend(this.templates, m.template, (id) => this.media.has(id));
    return invalid(`Unsupported message type ${String(type)}`);
  }
}

let waSequence = 0;
/** A Meta-shaped `messages` webhook envelope for one number. */
export function waEnvelope(phoneNumberId: string, value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '5511912345678', phone_number_id: phoneNumberId }, ...value } }] }],
  };
}

/** One inbound message from a customer (`extra` is the object named by its type). */
export function waInbound(phoneNumberId: string, from: string, type: string, extra: Record<string, unknown>, options: { id?: string; name?: string; timestampS?: number } = {}) {
  const id = options.id ?? `wamid.in${++waSequence}.${Date.now()}`;
  return {
    id,
    body: waEnvelope(phoneNumberId, {
      contacts: [{ profile: { name: options.name ?? 'Joana Lima' }, wa_id: from }],
      messages: [{ from, id, timestamp: String(options.timestampS ?? Math.floor(Date.now() / 1000)), type, ...extra }],
    }),
  };
}

/** Delivery reports for our messages. */
export function waStatuses(phoneNumberId: string, statuses: Array<{ id: string; status: string; recipient?: string; errors?: Array<{ code: number; title: string }> }>) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return waEnvelope(phoneNumberId, {
    statuses: statuses.map((s) => ({ id: s.id, status: s.status, timestamp, recipient_id: s.recipient ?? '5511987654321', ...(s.errors ? { errors: s.errors } : {}) })),
  });
}
