import type { IncomingMessage, ServerResponse } from 'node:http';
import { BoundedFiles, filenameOf, keepLast, Listeners, LoopbackServer, readBounded } from '../../simulators/http.js';
import { graphErrorBody } from '../../whatsapp/simulator/graphContract.js';
import { signWebhook } from '../../whatsapp/simulator/graphWebhooks.js';
import {
  attachmentMaxBytes, checkSend, FETCH_FAILED, INVALID_TOKEN, proofProblem, TOO_LARGE,
  type GraphFailure, type MetaCustomer, type MetaPlatform,
} from './metaContract.js';

/**
 * A fake of Meta's Graph Send API on loopback for one Facebook page and its linked Instagram
 * account (CHANNELS.md): the bearer page token, `POST /{page-id}/messages` (contract in
 * metaContract.ts), sender actions, the profile endpoint, page/account info for "Testar conexão",
 * CDN-like URLs for the customers' files, and Meta's webhook signature. Link attachments are
 * downloaded when sent, as Meta does, and the send refused when that fails.
 */

export const META_GRAPH_VERSION = 'v21.0';
const FETCH_TIMEOUT_MS = 10_000;

export interface MetaProfile { first_name?: string; last_name?: string; name?: string; username?: string; profile_pic?: string }

/** A message the fake accepted from the page. */
export interface MetaSent {
  recipientId: string;
  mid: string;
  platform: MetaPlatform;
  messagingType: string;
  tag?: string;
  text?: string;
  /** `filename`: what the link's Content-Disposition names (Atende's public media links do). */
  attachment?: { type: string; url: string; bytes: Buffer; mimeType: string; filename?: string };
  /** Text quick replies offered with the message (tapped, their payload comes back). */
  quickReplies?: Array<{ title: string; payload: string }>;
  at: number;
}

export interface MetaSenderAction { recipientId: string; action: 'typing_on' | 'typing_off' | 'mark_seen'; at: number }

export interface MetaCall { method: string; path: string; authorization: string | undefined; body: unknown; status: number }

export type { GraphFailure, MetaPlatform } from './metaContract.js';
export {
  IG_NO_USER, IG_OUTSIDE_WINDOW, INVALID_TOKEN, OUTSIDE_WINDOW, RATE_LIMITED, RATE_LIMITED_400, SERVER_ERROR, USER_UNAVAILABLE,
} from './metaContract.js';

/** The calls kept for tests and the demo's log: the latest ones (a demo runs for days). */
const CALLS_KEPT = 500;

/** `pages` (LoopbackServer): requests outside the Graph API and the CDN, answered before the token check. */
export class FakeMetaGraph extends LoopbackServer {
  readonly calls: MetaCall[] = [];
  readonly sent: MetaSent[] = [];
  readonly senderActions: MetaSenderAction[] = [];
  private readonly script: Array<GraphFailure | null> = [];
  private readonly profiles = new Map<string, MetaProfile>();
  private readonly customers = new Map<string, MetaCustomer>();
  /** The customers' files behind the CDN URLs, the oldest forgotten past the bound (their URLs then answer 404, as expired ones). */
  private readonly files = new BoundedFiles<{ bytes: Buffer; mimeType: string }>();
  private readonly sentListeners = new Listeners<MetaSent>();
  private readonly actionListeners = new Listeners<MetaSenderAction>();
  private sequence = 0;

  constructor(readonly options: {
    appSecret: string; pageAccessToken: string; pageId: string; pageName?: string; igUserId?: string; igUsername?: string;
    /** The fake's clock for the messaging windows (tests of old conversations). */
    now?: () => number;
    /** The app demands `appsecret_proof` on every call ("Require App Secret"); a wrong proof is refused either way. */
    requireAppSecretProof?: boolean;
  }) {
    // Meta's fake fetches link attachments from its callers: stop drops those connections too.
    super(true);
  }

  /** The `apiBaseUrl` an account points at this fake with. */
  get baseUrl(): string {
    return `${this.url}/${META_GRAPH_VERSION}`;
  }

  /** Signs a raw webhook body as Meta does (`X-Hub-Signature-256`). */
  sign(raw: string, secret = this.options.appSecret): string {
    return signWebhook(raw, secret);
  }

  /**
   * POSTs a signed delivery to a webhook URL (`signature: null` sends none) after noting its
   * customers (observeWebhook), as Meta knows who wrote to the page.
   */
  deliver(webhookUrl: string, body: unknown, signature?: string | null): Promise<Response> {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    if (typeof body !== 'string') this.observeWebhook(body);
    const sig = signature === undefined ? this.sign(raw) : signature;
    return fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...(sig ? { 'x-hub-signature-256': sig } : {}) }, body: raw });
  }

  /**
   * Learns the customers a webhook speaks of and when they last wrote, so sends to them are
   * accepted within their window (call it when delivering by other means, e.g. WebhookSender).
   */
  observeWebhook(body: unknown): void {
    const envelope = body as { object?: string; entry?: Array<{ messaging?: Array<{ sender?: { id?: string }; timestamp?: number; message?: { is_echo?: boolean } }> }> };
    const platform: MetaPlatform = envelope.object === 'instagram' ? 'instagram' : 'messenger';
    for (const event of (envelope.entry ?? []).flatMap((e) => e.messaging ?? [])) {
      const id = event.sender?.id;
      if (!id || !event.message || event.message.is_echo) continue;
      const known = this.customers.get(id);
      const at = event.timestamp ?? this.now();
      this.customers.set(id, { platform, lastWroteAt: Math.max(known?.lastWroteAt ?? 0, at) });
    }
  }

  /**
   * A customer's profile (`GET /{psid-or-igsid}`); also makes them a known recipient (Instagram
   * when the profile has a `username`), with no window enforced until they write.
   */
  addProfile(id: string, profile: MetaProfile, platform: MetaPlatform = profile.username !== undefined ? 'instagram' : 'messenger'): void {
    this.profiles.set(id, profile);
    if (!this.customers.has(id)) this.customers.set(id, { platform, lastWroteAt: null });
  }

  /** A file a customer sent: the CDN-like URL (no token needed, as Meta's signed links) a webhook carries. */
  addAttachment(bytes: Buffer, mimeType: string): string {
    const id = `${Date.now().toString(36)}${++this.sequence}`;
    this.files.set(id, { bytes, mimeType });
    return `${this.url}/cdn/${id}`;
  }

  /** Makes a CDN URL stop answering (an expired story). */
  expireAttachment(url: string): void {
    this.files.delete(url.split('/').pop() ?? '');
  }

  /**
   * Outcomes of the next message sends (not sender actions), in order: a failure, or null to let
   * that send through (e.g. fail only the text after a file); once used up, sends succeed.
   */
  failNext(...failures: Array<GraphFailure | null>): void {
    this.script.push(...failures);
  }

  onSent(listener: (sent: MetaSent) => void): () => void {
    return this.sentListeners.add(listener);
  }

  onSenderAction(listener: (action: MetaSenderAction) => void): () => void {
    return this.actionListeners.add(listener);
  }

  reset(): void {
    this.calls.length = 0;
    this.sent.length = 0;
    this.senderActions.length = 0;
    this.script.length = 0;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const bytesIn = await readBounded(req, BODY_MAX);
    if (!bytesIn) {
      res.writeHead(413, { 'content-type': 'application/json', connection: 'close' })
        .end(JSON.stringify(graphErrorBody({ status: 413, code: 1, message: 'Request Entity Too Large' })));
      req.destroy();
      return;
    }
    let body: unknown;
    try {
      body = bytesIn.length ? JSON.parse(bytesIn.toString('utf8')) : undefined;
    } catch {
      body = bytesIn.toString('utf8');
    }
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    const call: MetaCall = { method: req.method ?? '', path, authorization: req.headers.authorization, body, status: 0 };
    this.calls.push(call);
    keepLast(this.calls, CALLS_KEPT);
    const answer = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(json));
    };
    const fail = (f: GraphFailure) => answer(f.status, graphErrorBody(f), f.retryAfterS ? { 'retry-after': String(f.retryAfterS) } : {});

    const cdn = /^\/cdn\/([A-Za-z0-9]+)$/.exec(path);
    if (req.method === 'GET' && cdn?.[1]) {
      const file = this.files.get(cdn[1]);
      call.status = file ? 200 : 404;
      if (!file) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('URL signature expired');
      return void res.writeHead(200, { 'content-type': file.mimeType, 'content-length': String(file.bytes.length) }).end(file.bytes);
    }
    const version = `/${META_GRAPH_VERSION}/`;
    if (!path.startsWith(version)) {
      if (this.pages && (await this.pages(req, res, bytesIn))) {
        call.status = res.statusCode;
        return;
      }
      return fail({ status: 404, code: 803, message: 'Unknown path' });
    }
    // Graph takes the token as a bearer header or an `access_token` parameter.
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? url.searchParams.get('access_token');
    if (token !== this.options.pageAccessToken) return fail(INVALID_TOKEN);
    const proof = proofProblem(url.searchParams.get('appsecret_proof'), token, this.options.appSecret, this.options.requireAppSecretProof ?? false);
    if (proof) return fail(proof);
    const [id, edge, extra] = path.slice(version.length).split('/');
    if (req.method === 'POST' && edge === 'messages' && extra === undefined && (id === this.options.pageId || id === 'me' || (id && id === this.options.igUserId))) {
      return this.send(body, answer, fail);
    }
    if (req.method === 'GET' && id && edge === undefined) {
      const info = this.objectInfo(id);
      if (!info) return fail({ status: 400, code: 100, subcode: 33, message: `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.` });
      const fields = url.searchParams.get('fields')?.split(',').map((f) => f.trim());
      return answer(200, { ...(fields ? Object.fromEntries(Object.entries(info).filter(([k]) => fields.includes(k))) : info), id });
    }
    return fail({ status: 400, code: 100, subcode: 33, message: `Unsupported ${req.method ?? ''} request` });
  }

  /** The page, the Instagram account or a customer's profile, by id. */
  private objectInfo(id: string): Record<string, string> | undefined {
    if (id === this.options.pageId) return { name: this.options.pageName ?? 'Atende Demo' };
    if (id === this.options.igUserId) return { username: this.options.igUsername ?? 'atende.demo', name: this.options.pageName ?? 'Atende Demo' };
    const profile = this.profiles.get(id);
    return profile && Object.fromEntries(Object.entries(profile).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }

  private async send(body: unknown, answer: (status: number, json: unknown) => void, fail: (f: GraphFailure) => void): Promise<void> {
    const checked = checkSend(body, (id) => this.customers.get(id), this.now());
    if ('code' in checked) return fail(checked);
    if (checked.kind === 'action') {
      const action: MetaSenderAction = { recipientId: checked.recipientId, action: checked.action, at: this.now() };
      this.senderActions.push(action);
      answer(200, { recipient_id: checked.recipientId });
      this.actionListeners.emit(action);
      return;
    }
    const scripted = this.script.shift();
    if (scripted) return fail(scripted);
    let attachment: MetaSent['attachment'];
    if (checked.attachment) {
      const fetched = await fetchAttachment(checked.attachment.url, attachmentMaxBytes(checked.attachment.type));
      if ('code' in fetched) return fail(fetched);
      attachment = { ...checked.attachment, ...fetched };
    }
    const mid = `m_sent.${Date.now().toString(36)}${++this.sequence}`;
    const sent: MetaSent = {
      recipientId: checked.recipientId, mid, platform: checked.platform, messagingType: checked.messagingType, at: this.now(),
      ...(checked.tag ? { tag: checked.tag } : {}), ...(checked.text !== undefined ? { text: checked.text } : {}), ...(attachment ? { attachment } : {}),
      ...(checked.quickReplies ? { quickReplies: checked.quickReplies } : {}),
    };
    this.sent.push(sent);
    answer(200, { recipient_id: checked.recipientId, message_id: mid });
    this.sentListeners.emit(sent);
  }
}

/**
 * The largest body the fake reads: the customer page's photos (Messenger's 25 MB) and a little
 * more; a Graph call is a few KB. Beyond, 413 without holding the bytes (a demo runs for days).
 */
const BODY_MAX = 26 * 1024 * 1024;


/** Meta fetches a link attachment when it is sent: an unreachable URL or one over its limit (images 8 MB, else 25 MB) refuses the send. */
async function fetchAttachment(url: string, maxBytes: number): Promise<{ bytes: Buffer; mimeType: string; filename?: string } | GraphFailure> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!res.ok || !res.body) return FETCH_FAILED;
    if (Number(res.headers.get('content-length') ?? 0) > maxBytes) {
      await res.body.cancel();
      return TOO_LARGE;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const reader = res.body.getReader();
    for (let part = await reader.read(); !part.done; part = await reader.read()) {
      size += part.value.length;
      if (size > maxBytes) {
        await reader.cancel();
        return TOO_LARGE;
      }
      chunks.push(Buffer.from(part.value));
    }
    const filename = filenameOf(res.headers.get('content-disposition'));
    return { bytes: Buffer.concat(chunks), mimeType: (res.headers.get('content-type') ?? 'application/octet-stream').split(';')[0] ?? '', ...(filename ? { filename } : {}) };
  } catch {
    return FETCH_FAILED;
  }
}
