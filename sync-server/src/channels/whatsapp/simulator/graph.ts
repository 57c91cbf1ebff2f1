import type { IncomingMessage, ServerResponse } from 'node:http';
import { BoundedFiles, Listeners, LoopbackServer } from '../../simulators/http.js';
import {
  badRequest, checkMessage, checkReadReceipt, checkUpload, graphErrorBody, INVALID_TOKEN, isReadReceipt,
  type GraphFailure, type ReadReceipt,
} from './graphContract.js';
import { templateIdOf, templatesPage, waTemplateStatus, type FakeTemplate } from './graphTemplates.js';
import { DEFAULT_WABA_ID, signWebhook } from './graphWebhooks.js';

/**
 * A fake of the WhatsApp Cloud API's Graph endpoints on loopback (CHANNELS.md): this file is its
 * server (routes, the bearer token, media, what it accepted, throttling scripted by the test);
 * the body contracts and Graph's error bodies are in graphContract.ts, the webhooks Meta sends
 * (signed as Meta does) in graphWebhooks.ts, templates in graphTemplates.ts.
 */

export const GRAPH_VERSION = 'v21.0';

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
export { SERVER_ERROR, THROTTLED_NUMBER, THROTTLED_PAIR, TOO_MANY, type GraphFailure } from './graphContract.js';
export { waEnvelope, waInbound, waInteractiveReply, waStatuses } from './graphWebhooks.js';

/**
 * `pages` (LoopbackServer): requests outside the Graph API (the simulator's customer page),
 * answered before the bearer check.
 */
export class FakeGraph extends LoopbackServer {
  readonly calls: GraphCall[] = [];
  /** Messages accepted (answered with an id), in order. */
  readonly sent: SentMessage[] = [];
  readonly templates: FakeTemplate[] = [];
  /** Files uploaded to `POST /{phone-number-id}/media`. */
  readonly uploads: Array<{ id: string; type: string; size: number }> = [];
  private readonly script: GraphFailure[] = [];
  /** Uploads and the customers' files, the oldest forgotten past the bound (their ids then unknown, as expired media). */
  private readonly media = new BoundedFiles<{ bytes: Buffer; mimeType: string }>();
  private sequence = 0;
  private readonly sentListeners = new Listeners<SentMessage>();
  private readonly receiptListeners = new Listeners<ReadReceipt>();

  /** Read receipts and typing indicators (`status: read` on an inbound message id), in order. */
  readonly readReceipts: ReadReceipt[] = [];

  constructor(readonly options: {
    phoneNumberId: string; accessToken: string; appSecret: string;
    /** The WhatsApp Business Account whose templates `GET /{waba-id}/message_templates` lists. */
    wabaId?: string; displayPhoneNumber?: string; verifiedName?: string;
  }) {
    super();
  }

  get wabaId(): string {
    return this.options.wabaId ?? DEFAULT_WABA_ID;
  }

  /** The `baseUrl` an account points at this fake with. */
  get baseUrl(): string {
    return `${this.url}/${GRAPH_VERSION}`;
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
    return this.sentListeners.add(listener);
  }

  /** Calls `listener` with every read receipt (and typing indicator) the business sends; returns the unsubscribe. */
  onReadReceipt(listener: (receipt: ReadReceipt) => void): () => void {
    return this.receiptListeners.add(listener);
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
    return signWebhook(raw, secret);
  }

  /** POSTs a signed delivery to a webhook URL; `signature: null` sends none. */
  deliver(webhookUrl: string, body: unknown, signature?: string | null): Promise<Response> {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const sig = signature === undefined ? this.sign(raw) : signature;
    return fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...(sig ? { 'x-hub-signature-256': sig } : {}) }, body: raw });
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
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
    const fail = (f: GraphFailure) => answer(f.status, graphErrorBody(f), f.retryAfterS ? { 'retry-after': String(f.retryAfterS) } : {});

    if (this.pages && !path.startsWith(`/${GRAPH_VERSION}/`) && !path.startsWith('/media-bytes/') && (await this.pages(req, res, bytesIn))) {
      call.status = res.statusCode;
      return;
    }
    if (req.headers.authorization !== `Bearer ${this.options.accessToken}`) return fail(INVALID_TOKEN);
    const bytes = /^\/media-bytes\/(\d+)$/.exec(path);
    if (req.method === 'GET' && bytes?.[1]) {
      const file = this.media.get(bytes[1]);
      if (!file) return fail({ status: 404, code: 100, message: 'Unsupported get request' });
      call.status = 200;
      res.writeHead(200, { 'content-type': file.mimeType }).end(file.bytes);
      return;
    }
    const version = `/${GRAPH_VERSION}`;
    const query = new URL(req.url ?? '', 'http://fake').searchParams;
    if (req.method === 'GET' && path === `${version}/${this.options.phoneNumberId}`) return answer(200, this.phoneNumberInfo(query));
    if (req.method === 'GET' && path === `${version}/${this.wabaId}/message_templates`) {
      return answer(200, templatesPage(this.templates, query, `${this.url}${path}`));
    }
    const mediaInfo = new RegExp(`^/${GRAPH_VERSION}/(\\d+)$`).exec(path);
    if (req.method === 'GET' && mediaInfo?.[1]) {
      const file = this.media.get(mediaInfo[1]);
      if (!file) return fail({ status: 400, code: 100, subcode: 33, message: 'Unsupported get request. Object does not exist' });
      return answer(200, { messaging_product: 'whatsapp', id: mediaInfo[1], url: `${this.url}/media-bytes/${mediaInfo[1]}`, mime_type: file.mimeType, file_size: file.bytes.length, sha256: '' });
    }
    if (req.method === 'POST' && path === `${version}/${this.options.phoneNumberId}/media`) {
      let form: FormData;
      try {
        form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body: bytesIn }).formData();
      } catch {
        return fail({ status: 400, code: 100, message: '(#100) The request must be multipart/form-data' });
      }
      const file = form.get('file');
      call.body = { messaging_product: form.get('messaging_product'), type: form.get('type'), file: file instanceof Blob ? { size: file.size, type: file.type } : null };
      const upload = checkUpload(form);
      if ('code' in upload) return fail(badRequest(upload));
      const id = this.addMedia(Buffer.from(await upload.file.arrayBuffer()), upload.type);
      this.uploads.push({ id, type: upload.type, size: upload.file.size });
      return answer(200, { id });
    }
    if (req.method === 'POST' && path === `${version}/${this.options.phoneNumberId}/messages` && isReadReceipt(body)) {
      // Marks the customer's message read, with the typing indicator when asked (CHANNELS.md).
      const read = checkReadReceipt(body);
      if ('code' in read) return fail(badRequest(read));
      this.readReceipts.push(read);
      answer(200, { success: true });
      this.receiptListeners.emit(read);
      return;
    }
    if (req.method === 'POST' && path === `${version}/${this.options.phoneNumberId}/messages`) {
      const problem = checkMessage(body, this.templates, (id) => this.media.has(id));
      if (problem) return fail(badRequest(problem));
      const scripted = this.script.shift();
      if (scripted) return fail(scripted);
      const message = body as Record<string, unknown>;
      const id = `wamid.fake${String(++this.sequence).padStart(6, '0')}`;
      const to = String(message.to ?? message.recipient);
      const sent: SentMessage = { id, to, type: String(message.type), body: message };
      this.sent.push(sent);
      answer(200, { messaging_product: 'whatsapp', contacts: [{ input: to, ...(message.to ? { wa_id: to } : { user_id: to }) }], messages: [{ id }] });
      this.sentListeners.emit(sent);
      return;
    }
    return fail({ status: 400, code: 100, subcode: 33, message: `Unsupported ${req.method ?? ''} request` });
  }

  /** `GET /{phone-number-id}?fields=display_phone_number,verified_name`: only what was asked (all without `fields`). */
  private phoneNumberInfo(query: URLSearchParams): Record<string, string> {
    const info: Record<string, string> = {
      display_phone_number: this.options.displayPhoneNumber ?? '+55 11 91234-5678',
      verified_name: this.options.verifiedName ?? 'Atende Demo', quality_rating: 'GREEN',
    };
    const fields = query.get('fields')?.split(',').map((f) => f.trim());
    const picked = fields ? Object.fromEntries(Object.entries(info).filter(([key]) => fields.includes(key))) : info;
    return { ...picked, id: this.options.phoneNumberId };
  }
}
