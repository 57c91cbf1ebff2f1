import type { IncomingMessage, ServerResponse } from 'node:http';
import { keepLast, Listeners, LoopbackServer, readBounded } from '../../simulators/http.js';
import {
  BLOCKED_BY_USER, botError, CHAT_ACTIONS, chatIdOf, checkCaption, checkText, checkWebhook, DOWNLOAD_MAX, NOT_FOUND,
  badRequest, parseParams, PHOTO_MAX, stringParam, UNAUTHORIZED, UPLOAD_MAX,
  type BotFailure, type BotParams, type WebhookSettings,
} from './botApiContract.js';
import { BotFiles, type TgFile } from './botFiles.js';
import { callbackButtons, checkCallbackAnswer, checkReplyMarkup, type InlineKeyboard } from './botKeyboards.js';
import { BotWebhook } from './botWebhook.js';

/**
 * A fake of Telegram's Bot API on loopback (CHANNELS.md): methods at `/bot<token>/<method>`, files
 * at `/file/bot<token>/<file_path>`, the webhook registered by setWebhook and updates delivered to
 * it with the secret header, retried a bounded number of times as Telegram does (botWebhook.ts).
 * Parameter parsing and refusals are in botApiContract.ts, inline keyboards in botKeyboards.ts;
 * Update builders in updates.ts.
 */

export type { BotError, BotFailure, WebhookSettings } from './botApiContract.js';
export { tooManyRequests, BLOCKED_BY_USER } from './botApiContract.js';

export type { TgFile } from './botFiles.js';

/** A message the fake accepted from the bot. */
export interface BotSent {
  method: 'sendMessage' | 'sendPhoto' | 'sendDocument';
  chatId: string;
  messageId: number;
  text?: string;
  caption?: string;
  file?: { file_id: string; mimeType: string; name: string; size: number };
  /** The inline keyboard under a sendMessage's text. */
  replyMarkup?: InlineKeyboard;
  at: number;
}

export interface BotChatAction { chatId: string; action: string; at: number }

/** Every Bot API call, files summarised (no bytes), for tests. */
export interface BotCall { method: string; params: Record<string, unknown>; status: number }

/** Telegram reads bodies up to its upload limit; beyond, the connection is refused. */
const BODY_MAX = UPLOAD_MAX + 1024 * 1024;
/** The calls kept for tests and the demo: the latest ones (a demo runs for days). */
const CALLS_KEPT = 500;

/** `pages` (LoopbackServer): requests outside the Bot API (the simulator's customer page). */
export class FakeBotApi extends LoopbackServer {
  readonly calls: BotCall[] = [];
  readonly sent: BotSent[] = [];
  readonly chatActions: BotChatAction[] = [];
  /** answerCallbackQuery calls accepted, by query id, in order. */
  readonly callbackAnswers: Array<{ id: string; text?: string }> = [];
  /** Callback queries delivered and not answered yet (answerCallbackQuery takes each once). */
  private readonly pendingQueries = new Set<string>();
  private querySequence = 0;
  webhook: WebhookSettings | null = null;
  private readonly files = new BotFiles();
  private readonly script: Array<{ method: string; failure: BotFailure }> = [];
  private readonly sentListeners = new Listeners<BotSent>();
  private readonly actionListeners = new Listeners<BotChatAction>();
  /** Chats that wrote to the bot: a bot may only message users who started it. */
  private readonly chats = new Set<string>();
  private readonly blocked = new Set<string>();
  private readonly webhookSide: BotWebhook;
  private messageIds = 0;

  constructor(readonly options: { token: string; username?: string; firstName?: string; backoffMs?: readonly number[] }) {
    super();
    this.webhookSide = new BotWebhook(this, options.backoffMs);
  }

  /** The `apiBaseUrl` an account points at this fake with. */
  get baseUrl(): string {
    return this.url;
  }

  override async stop(): Promise<void> {
    this.webhookSide.stop();
    await super.stop();
  }

  /**
   * The next call of `method` ('*': of any method) is refused with `status` and this body
   * (defaults: Telegram's description for the status; 429 carries `parameters.retry_after: 1`).
   */
  failNext(method: string, status: number, body: { description?: string; parameters?: { retry_after?: number } } = {}): void {
    const description = body.description ?? DEFAULT_DESCRIPTIONS[status] ?? 'Internal Server Error';
    const parameters = body.parameters ?? (status === 429 ? { retry_after: 1 } : undefined);
    this.script.push({ method, failure: botError(status, description, parameters) });
  }

  /** The customer blocked the bot: sends to them are refused with 403. */
  block(chatId: string | number, blocked = true): void {
    if (blocked) this.blocked.add(String(chatId));
    else this.blocked.delete(String(chatId));
  }

  /** Marks a chat as having written to the bot (deliver does it for every update it sends). */
  knowChat(chatId: string | number): void {
    this.chats.add(String(chatId));
  }

  reset(): void {
    this.calls.length = 0;
    this.sent.length = 0;
    this.chatActions.length = 0;
    this.callbackAnswers.length = 0;
    this.script.length = 0;
  }

  /**
   * A file the customer sent, for an update's `file_id`. `declaredSize` makes a file that claims to
   * be that big without holding the bytes (to exercise the 20 MB download limit cheaply).
   */
  addFile(bytes: Buffer, mimeType: string, name?: string, declaredSize?: number): TgFile {
    return this.files.add(bytes, mimeType, name, declaredSize);
  }

  /** A file's bytes by file_id (a customer's or one the bot sent). */
  fileBytes(fileId: string): Buffer | undefined {
    return this.files.bytes(fileId);
  }

  onSent(listener: (sent: BotSent) => void): () => void {
    return this.sentListeners.add(listener);
  }

  onChatAction(listener: (action: BotChatAction) => void): () => void {
    return this.actionListeners.add(listener);
  }

  /**
   * Sends an update to the registered webhook as Telegram does: with the secret header, retried
   * with growing waits on failure, a bounded number of times. False when no webhook is set, the
   * update's type is not among allowed_updates, or our server never accepted it.
   */
  deliver(update: object): Promise<boolean> {
    return this.webhookSide.deliver(update);
  }

  /**
   * The user presses the button with `data` under the bot's message `messageId` in their chat: the
   * callback_query update Telegram sends (the message as sent, keyboard included, and who pressed).
   * Undefined when the bot sent no such message or button; else the update and whether our server took it.
   */
  async pressButton(from: { id: number; first_name: string; last_name?: string }, messageId: number, data: string): Promise<{ update: object; delivered: boolean } | undefined> {
    const sent = this.sent.find((s) => s.chatId === String(from.id) && s.messageId === messageId);
    if (!sent || !callbackButtons(sent.replyMarkup).some((b) => b.data === data)) return undefined;
    const id = `${this.botUser().id}${String(++this.querySequence).padStart(9, '0')}`;
    // Bounded: a query never answered expires upstream too.
    if (this.pendingQueries.size >= CALLS_KEPT) this.pendingQueries.delete(this.pendingQueries.values().next().value ?? '');
    this.pendingQueries.add(id);
    const message = {
      message_id: messageId, from: this.botUser(), chat: { id: from.id, type: 'private', first_name: from.first_name },
      date: Math.floor(sent.at / 1000), text: sent.text ?? '', ...(sent.replyMarkup ? { reply_markup: sent.replyMarkup } : {}),
    };
    const update = {
      update_id: 900_000_000 + this.querySequence,
      callback_query: { id, from: { is_bot: false, language_code: 'pt-br', ...from }, message, chat_instance: `-${from.id}7`, data },
    };
    return { update, delivered: await this.deliver(update) };
  }

  /** One POST of an update to the webhook with the given secret header (null: none), for tests of refusals. */
  deliverOnce(update: object, secretToken: string | null | undefined = this.webhook?.secretToken): Promise<Response> {
    return this.webhookSide.deliverOnce(update, secretToken);
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const isApi = path.startsWith('/bot') || path.startsWith('/file/bot');
    const body = await readBounded(req, BODY_MAX);
    if (!body) {
      res.writeHead(413, { connection: 'close' }).end(JSON.stringify(botError(413, 'Request Entity Too Large').body));
      req.destroy();
      return;
    }
    if (!isApi && this.pages && (await this.pages(req, res, body))) return;
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(path);
    if (download) return this.download(res, download[1] ?? '', decodeURIComponent(download[2] ?? ''));
    const api = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(path);
    if (!api) return this.answer(res, NOT_FOUND);
    const method = api[2] ?? '';
    const call: BotCall = { method, params: {}, status: 0 };
    this.calls.push(call);
    keepLast(this.calls, CALLS_KEPT);
    const reply = (answer: BotFailure | { result: unknown; description?: string }) => {
      call.status = 'status' in answer ? answer.status : 200;
      this.answer(res, answer);
    };
    if (decodeURIComponent(api[1] ?? '') !== this.options.token) return reply(UNAUTHORIZED);
    const parsed = await parseParams(new URL(req.url ?? '', 'http://fake').searchParams, req.headers['content-type'] ?? '', body);
    if ('failure' in parsed) return reply(parsed.failure);
    const { params } = parsed;
    call.params = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v instanceof Blob ? { size: v.size, type: v.type, name: v instanceof File ? v.name : undefined } : v]));
    const scripted = this.script.findIndex((s) => s.method === '*' || s.method.toLowerCase() === method.toLowerCase());
    if (scripted >= 0) return reply(this.script.splice(scripted, 1)[0]!.failure);
    reply(await this.call(method.toLowerCase(), params));
  }

  private async call(method: string, params: BotParams): Promise<BotFailure | { result: unknown; description?: string }> {
    switch (method) {
      case 'getme': return { result: this.botUser() };
      case 'setwebhook': {
        const webhook = checkWebhook(params, this.webhook);
        if (webhook && 'status' in webhook) return webhook;
        this.webhook = webhook;
        return { result: true, description: webhook ? 'Webhook was set' : 'Webhook was deleted' };
      }
      case 'deletewebhook':
        this.webhook = null;
        return { result: true, description: 'Webhook was deleted' };
      case 'getwebhookinfo':
        return {
          result: {
            url: this.webhook?.url ?? '', has_custom_certificate: false, pending_update_count: 0,
            ...(this.webhook ? { max_connections: this.webhook.maxConnections, allowed_updates: this.webhook.allowedUpdates } : {}),
          },
        };
      case 'sendmessage': case 'sendphoto': case 'senddocument': return this.send(method, params);
      case 'answercallbackquery': {
        const id = checkCallbackAnswer(params, this.pendingQueries);
        if (typeof id !== 'string') return id;
        this.pendingQueries.delete(id);
        const text = stringParam(params, 'text');
        this.callbackAnswers.push({ id, ...(text ? { text } : {}) });
        return { result: true };
      }
      case 'sendchataction': {
        const chatId = this.chatOf(params);
        if (typeof chatId !== 'string') return chatId;
        const action = stringParam(params, 'action') ?? '';
        if (!CHAT_ACTIONS.has(action)) return badRequest('wrong parameter action in request');
        const entry = { chatId, action, at: Date.now() };
        this.chatActions.push(entry);
        this.actionListeners.emit(entry);
        return { result: true };
      }
      case 'getfile': {
        const file = this.files.info(stringParam(params, 'file_id') ?? '');
        if (!file) return badRequest('invalid file_id');
        if (file.file_size > DOWNLOAD_MAX) return badRequest('file is too big');
        return { result: { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.file_size, file_path: file.file_path } };
      }
      default: return NOT_FOUND;
    }
  }

  /** sendMessage / sendPhoto / sendDocument: files by multipart upload or an existing file_id. */
  private async send(method: string, params: BotParams): Promise<BotFailure | { result: unknown }> {
    const chatId = this.chatOf(params);
    if (typeof chatId !== 'string') return chatId;
    const messageId = ++this.messageIds;
    const base = { message_id: messageId, from: this.botUser(), chat: { id: Number(chatId), type: 'private' }, date: Math.floor(Date.now() / 1000) };
    if (method === 'sendmessage') {
      const text = stringParam(params, 'text');
      const problem = checkText(text);
      if (problem) return problem;
      const markup = checkReplyMarkup(params);
      if (markup && 'status' in markup) return markup;
      const keyboard = markup ? { reply_markup: markup } : {};
      return this.accept({ method: 'sendMessage', chatId, messageId, text: text ?? '', ...(markup ? { replyMarkup: markup } : {}), at: Date.now() }, { ...base, text, ...keyboard });
    }
    const field = method === 'sendphoto' ? 'photo' : 'document';
    const caption = stringParam(params, 'caption');
    const problem = checkCaption(caption);
    if (problem) return problem;
    const file = await this.files.fromParam(params[field], field === 'photo' ? PHOTO_MAX : UPLOAD_MAX);
    if ('status' in file) return file;
    const sent: BotSent = {
      method: field === 'photo' ? 'sendPhoto' : 'sendDocument', chatId, messageId, ...(caption ? { caption } : {}),
      file: { file_id: file.file_id, mimeType: file.mime_type, name: file.file_name ?? '', size: file.file_size }, at: Date.now(),
    };
    const media = field === 'photo'
      ? { photo: [{ file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.file_size, width: 1280, height: 960 }] }
      : { document: { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.file_size, mime_type: file.mime_type, ...(file.file_name ? { file_name: file.file_name } : {}) } };
    return this.accept(sent, { ...base, ...media, ...(caption ? { caption } : {}) });
  }

  private accept(sent: BotSent, message: object): { result: unknown } {
    this.sent.push(sent);
    this.sentListeners.emit(sent);
    return { result: message };
  }

  private chatOf(params: BotParams): string | BotFailure {
    const chatId = chatIdOf(params);
    if (typeof chatId !== 'string') return chatId;
    if (this.blocked.has(chatId)) return BLOCKED_BY_USER;
    if (!this.chats.has(chatId)) return badRequest('chat not found');
    return chatId;
  }

  private download(res: ServerResponse, token: string, filePath: string): void {
    if (token !== this.options.token) return this.answer(res, UNAUTHORIZED);
    const bytes = this.files.byPath(filePath);
    if (!bytes) return this.answer(res, NOT_FOUND);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) }).end(bytes);
  }

  private botUser() {
    const id = Number(/^(\d+):/.exec(this.options.token)?.[1] ?? 7_000_000_001);
    return {
      id, is_bot: true, first_name: this.options.firstName ?? 'Atende Bot', username: this.options.username ?? 'atende_demo_bot',
      can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false,
    };
  }

  private answer(res: ServerResponse, answer: BotFailure | { result: unknown; description?: string }): void {
    const status = 'status' in answer ? answer.status : 200;
    const body = 'status' in answer ? answer.body : { ok: true, result: answer.result, ...(answer.description ? { description: answer.description } : {}) };
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}

const DEFAULT_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad Request: chat not found', 401: 'Unauthorized', 403: 'Forbidden: bot was blocked by the user', 404: 'Not Found',
  409: 'Conflict: terminated by other getUpdates request', 429: 'Too Many Requests: retry after 1',
  500: 'Internal Server Error', 502: 'Bad Gateway',
};
