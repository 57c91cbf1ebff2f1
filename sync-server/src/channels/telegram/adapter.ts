import {
  CHANNEL_TEXT_MAX, channelTextLength, formatRatingAnswer, RATING_LABELS, RATING_REQUEST_PAYLOAD, RATING_SCORES, TELEGRAM_API_BASE,
  type Attachment, type ChannelTestResponse, type ContactDoc, type ConversationDoc,
} from '@atende/protocol';
import type { ChannelAccountDoc } from '../../channelAccounts/service.js';
import { assertFileCount, assertTextFits } from '../../conversations/replyContent.js';
import { textTooLongRefusal } from '../../conversations/channelSentences.js';
import { PermanentFailure, RetryLater } from '../../jobs/types.js';
import {
  MediaTooLarge, type ChannelAdapter, type InboundEvent, type OutboundRequest, type SendResult, type WebhookRequest,
} from '../adapter.js';
import { readCapped } from '../safeDownload.js';
import { sameSecret } from '../../auth/tokens.js';
import { BoundedMap, TypingThrottle } from '../typingThrottle.js';
import { upstreamFetch, UpstreamUnreachable } from '../upstreamFetch.js';
import { parseTelegramUpdate, TELEGRAM_DOWNLOAD_MAX, telegramMessageId } from './inbound.js';

/** Telegram shows "typing…" for about 5 s: one sendChatAction this often keeps it on while the agent types. */
const TYPING_REFRESH_MS = 4_000;
/** sendPhoto takes up to 10 MB; bigger pictures go as documents. */
const PHOTO_MAX = 10 * 1024 * 1024;
/** A file's caption takes up to 1,024 characters (a message's text, CHANNEL_TEXT_MAX.telegram). */
export const TELEGRAM_CAPTION_MAX = 1024;
const PHOTO_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp']);
/** sendPhoto's refusals of a picture's dimensions or content, which sendDocument does not check. */
const PHOTO_REFUSED_SHAPE = /PHOTO_INVALID_DIMENSIONS|IMAGE_PROCESS_FAILED/;
/** What we ask Telegram to deliver (setWebhook allowed_updates): callback queries are the rating buttons' answers. */
export const TELEGRAM_ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query'] as const;

export const TOKEN_REFUSED = 'O Telegram recusou o token do bot: confira o token (BotFather) e salve-o neste canal.';
export const BLOCKED_REASON = 'O cliente bloqueou o bot no Telegram.';

/** Telegram's answer `{ok, result}` or `{ok: false, error_code, description, parameters?}`. */
interface BotAnswer { ok?: boolean; result?: unknown; error_code?: number; description?: string; parameters?: { retry_after?: number } }

export interface TelegramAdapterOptions {
  /** Where Telegram should deliver this account's updates (the public URL, else the server's own); null when unknown. */
  webhookUrl: () => string | null;
  fetcher?: typeof fetch;
  now?: () => number;
}

/**
 * One Telegram bot (`kind: "telegram"`): the webhook's secret header, updates parsed into inbound
 * events, sends through the Bot API (`{base}/bot<token>/<method>`), files by getFile. The token is
 * in every URL, so no URL and no upstream error text with one ever goes into an error or a log.
 */
export class TelegramAdapter implements ChannelAdapter {
  readonly kind = 'telegram' as const;
  readonly idempotentSends = false;
  readonly connectsOnSave = true;
  private readonly settings: Record<string, string | undefined>;
  private readonly fetcher: typeof fetch;
  private readonly typingThrottle: TypingThrottle;
  /**
   * Files already sent for a send attempt whose text (too long for a caption) still has to follow:
   * a retry after the text failed sends only the text. Per node, as a retry usually runs where it failed.
   */
  private readonly fileSentFor = new BoundedMap<string, number | undefined>();
  /** Whether this bot's webhook was checked to deliver callback queries (once per adapter, i.e. per account version and node). */
  private callbackUpdatesChecked = false;

  constructor(account: ChannelAccountDoc, private readonly options: TelegramAdapterOptions) {
    this.settings = account.settings ?? {};
    this.fetcher = options.fetcher ?? fetch;
    this.typingThrottle = new TypingThrottle(TYPING_REFRESH_MS, options.now);
  }

  private get base(): string {
    return (this.settings.apiBaseUrl ?? TELEGRAM_API_BASE).replace(/\/+$/, '');
  }

  /** `X-Telegram-Bot-Api-Secret-Token` equals our secret (constant time); no secret set: nothing is accepted. */
  verify(request: WebhookRequest): boolean {
    const ours = this.settings.secretToken;
    const given = request.headers['x-telegram-bot-api-secret-token'];
    return !!ours && !!given && sameSecret(given, ours);
  }

  parse(request: WebhookRequest): InboundEvent[] {
    // A pressed button spins in the customer's app until answered: answered at once, best effort,
    // never holding up the webhook's answer (a failure only leaves the spinner to time out).
    return parseTelegramUpdate(request.rawBody, (id) => {
      this.call('answerCallbackQuery', { callback_query_id: id }).catch(() => undefined);
    });
  }

  async send(request: OutboundRequest): Promise<SendResult> {
    const chatId = request.contact.addresses.telegram;
    if (!chatId) throw new PermanentFailure('Este contato não tem conversa com o bot do Telegram.');
    const { message } = request;
    // Refused at queue time already; checked again, with the core's own count and sentence, so a
    // message queued before those rules is never cut or half-sent.
    finalIfBroken(() => assertTextFits('telegram', message.text));
    finalIfBroken(() => assertFileCount('telegram', message.attachments));
    const attachment = message.attachments[0];
    let sent: { message_id?: number };
    if (attachment) {
      const captioned = message.text.length > 0 && channelTextLength(message.text) <= TELEGRAM_CAPTION_MAX;
      const key = request.idempotencyKey;
      sent = this.fileSentFor.has(key)
        ? { message_id: this.fileSentFor.get(key) }
        : await this.sendFile(request, chatId, attachment, captioned ? message.text : undefined);
      // A text too long for a caption follows the file as its own message.
      if (message.text && !captioned) {
        this.fileSentFor.set(key, sent.message_id);
        await this.call('sendMessage', { chat_id: chatId, text: message.text });
        this.fileSentFor.delete(key);
      }
    } else {
      // `?.`: messages built before payloads existed carry none.
      const ratingKey = message.payload?.[RATING_REQUEST_PAYLOAD];
      const keyboard = typeof ratingKey === 'string' ? { reply_markup: ratingKeyboard(ratingKey) } : {};
      if (typeof ratingKey === 'string') await this.ensureCallbackUpdates();
      sent = (await this.call('sendMessage', { chat_id: chatId, text: message.text, ...keyboard })) as { message_id?: number };
    }
    this.typingThrottle.forget(request.conversation.id);
    return { externalId: typeof sent.message_id === 'number' ? telegramMessageId(chatId, sent.message_id) : null, status: 'sent' };
  }

  /**
   * Pictures sendPhoto takes go as photos (compressed, shown inline); everything else as a document.
   * A picture sendPhoto still refuses for its shape (width + height over 10,000, or sides over 20:1)
   * goes once more as a document, which keeps it whole.
   */
  private async sendFile(request: OutboundRequest, chatId: string, attachment: Attachment, caption: string | undefined): Promise<{ message_id?: number }> {
    const bytes = await request.readMedia(attachment);
    const upload = (method: 'sendPhoto' | 'sendDocument') => {
      const form = new FormData();
      form.set('chat_id', chatId);
      if (caption) form.set('caption', caption);
      form.set(method === 'sendPhoto' ? 'photo' : 'document', new Blob([new Uint8Array(bytes)], { type: attachment.mimeType }), attachment.name);
      return this.call(method, form) as Promise<{ message_id?: number }>;
    };
    if (!(attachment.kind === 'image' && PHOTO_TYPES.has(attachment.mimeType) && attachment.size <= PHOTO_MAX)) return upload('sendDocument');
    try {
      return await upload('sendPhoto');
    } catch (error) {
      if (error instanceof TelegramRefusal && error.status === 400 && PHOTO_REFUSED_SHAPE.test(error.description)) return upload('sendDocument');
      throw error;
    }
  }

  /**
   * The agent is typing: `sendChatAction typing`, which Telegram shows about 5 s, refreshed at most
   * every 4 s while typing goes on; "stopped" sends nothing (it lapses by itself).
   */
  async typing(conversation: ConversationDoc, contact: ContactDoc, typing: boolean): Promise<void> {
    const chatId = contact.addresses.telegram;
    if (!typing || !chatId || !this.typingThrottle.due(conversation.id)) return;
    await this.call('sendChatAction', { chat_id: chatId, action: 'typing' });
  }

  /** getFile → file_path, then the bytes from `{base}/file/bot<token>/<file_path>`; over 20 MB: MediaTooLarge. */
  async downloadMedia(ref: string): Promise<{ bytes: Buffer }> {
    let file: { file_path?: string };
    try {
      file = (await this.call('getFile', { file_id: ref })) as { file_path?: string };
    } catch (error) {
      if (error instanceof TelegramRefusal && /file is too big/i.test(error.description)) throw new MediaTooLarge('Telegram: file is too big for a bot');
      throw error;
    }
    if (!file.file_path) throw new PermanentFailure('O Telegram não informou o caminho do arquivo.');
    const path = file.file_path.split('/').map(encodeURIComponent).join('/');
    const res = await this.request('download', `${this.base}/file/bot${this.token}/${path}`, { method: 'GET' });
    if (!res.ok) throw classify(res.status, await answerOf(res), 'download');
    // Counted while read: a Bot API server (a local one has no 20 MB limit) cannot fill our memory.
    return { bytes: await readCapped(res, TELEGRAM_DOWNLOAD_MAX, 'Telegram') };
  }

  /**
   * "Testar conexão", and what saving the account does: `getMe` (the token works) then
   * `setWebhook` with our URL, the secret and the update kinds we read.
   */
  async testConnection(): Promise<ChannelTestResponse> {
    let me: { username?: string; first_name?: string };
    try {
      me = (await this.call('getMe', {})) as { username?: string; first_name?: string };
    } catch (error) {
      return { ok: false, message: refusalSentence(error) };
    }
    const who = `@${me.username ?? '?'}${me.first_name ? ` (${me.first_name})` : ''}`;
    const url = this.options.webhookUrl();
    if (!url) return { ok: false, message: `Conectado: ${who}, mas o servidor não tem endereço para o webhook (defina ATENDE_PUBLIC_URL).` };
    if (!this.settings.secretToken) return { ok: false, message: `Conectado: ${who}, mas o canal não tem o secret token do webhook.` };
    try {
      await this.call('setWebhook', {
        url, secret_token: this.settings.secretToken, allowed_updates: [...TELEGRAM_ALLOWED_UPDATES], max_connections: 40,
      });
    } catch (error) {
      const why = error instanceof TelegramRefusal && error.status === 400
        // Telegram's reason here names our URL problem (HTTPS required, host unknown), never the token.
        ? `o Telegram recusou o webhook (${error.description.replace(/^Bad Request:\s*/, '')})`
        : refusalSentence(error);
      return { ok: false, message: `Conectado: ${who}, mas ${why.charAt(0).toLowerCase()}${why.slice(1)}` };
    }
    return { ok: true, message: `Conectado: ${who}; webhook registrado em ${url}.` };
  }

  /**
   * Telegram keeps a webhook's allowed_updates until setWebhook changes them: a bot registered
   * before rating buttons existed would never deliver their presses. Before the first rating
   * question, the registered webhook (getWebhookInfo) gets callback_query added, same URL and
   * secret. Best effort: the question goes either way, and "Testar conexão" registers it too.
   */
  private async ensureCallbackUpdates(): Promise<void> {
    if (this.callbackUpdatesChecked) return;
    try {
      const info = (await this.call('getWebhookInfo', {})) as { url?: string; allowed_updates?: string[] };
      // No list means Telegram's default, which includes callback queries.
      if (info.url && info.allowed_updates && !info.allowed_updates.includes('callback_query') && this.settings.secretToken) {
        await this.call('setWebhook', {
          url: info.url, secret_token: this.settings.secretToken, allowed_updates: [...TELEGRAM_ALLOWED_UPDATES], max_connections: 40,
        });
      }
      this.callbackUpdatesChecked = true;
    } catch {
      // Tried again before the next question.
    }
  }

  private get token(): string {
    return this.settings.botToken ?? '';
  }

  /** One Bot API method (JSON, or multipart for files); errors become the job queue's classes. */
  private async call(method: string, params: Record<string, unknown> | FormData): Promise<unknown> {
    const form = params instanceof FormData;
    const res = await this.request(method, `${this.base}/bot${this.token}/${method}`, {
      method: 'POST',
      body: form ? params : JSON.stringify(params),
      ...(form ? {} : { headers: { 'content-type': 'application/json' } }),
    });
    const answer = await answerOf(res);
    if (!res.ok || answer.ok !== true) throw classify(res.status, answer, method);
    return answer.result;
  }

  /** The token is in the URL: errors name the method and the network error's code only. */
  private request(what: string, url: string, init: { method: string; body?: string | FormData; headers?: Record<string, string> }): Promise<Response> {
    return upstreamFetch(url, init, { label: `Telegram ${what}`, fetcher: this.fetcher, redactUrl: true });
  }
}

/**
 * The rating question's inline keyboard (issue 18): a button per score, one under the other so
 * each label shows whole; its callback_data (≤ 64 bytes) names the conversation's rating key.
 */
export function ratingKeyboard(key: string): { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> } {
  return { inline_keyboard: RATING_SCORES.map((n) => [{ text: RATING_LABELS[n] ?? String(n), callback_data: formatRatingAnswer(key, n) }]) };
}

/** A refusal Telegram answered; its description never holds the token (it is not echoed). */
class TelegramRefusal extends PermanentFailure {
  constructor(sentence: string, readonly status: number, readonly description: string) {
    super(sentence);
  }
}

async function answerOf(res: Response): Promise<BotAnswer> {
  try {
    return (await res.json()) as BotAnswer;
  } catch {
    return {};
  }
}

/** Telegram's 400 descriptions the agent may meet, as sentences (the rest: a generic one with the code). */
const BAD_REQUESTS: Array<[RegExp, string]> = [
  [/message is too long/i, textTooLongRefusal('telegram', CHANNEL_TEXT_MAX.telegram)],
  [/caption is too long/i, `O Telegram aceita legendas de até ${TELEGRAM_CAPTION_MAX.toLocaleString('pt-BR')} caracteres.`],
  [/chat not found/i, 'O Telegram não encontrou esta conversa: o cliente precisa ter escrito ao bot.'],
  [/file is too big|too large/i, 'O arquivo é grande demais para o Telegram.'],
  [/message text is empty/i, 'O Telegram não envia mensagens vazias.'],
  [/wrong file|failed to get HTTP URL content|IMAGE_PROCESS_FAILED|PHOTO_INVALID/i, 'O Telegram não aceitou este arquivo.'],
];

/** Flood control and server errors wait and retry (never dropped); other refusals are final. */
function classify(status: number, answer: BotAnswer, method: string): Error {
  const code = answer.error_code ?? status;
  const description = String(answer.description ?? '').slice(0, 300);
  if (code === 429 || status === 429) {
    const after = Number(answer.parameters?.retry_after);
    return new RetryLater(`Telegram 429 on ${method}: ${description}`, Number.isFinite(after) && after > 0 ? after * 1000 : undefined);
  }
  if (status >= 500 || code >= 500) return new RetryLater(`Telegram ${status} on ${method}: ${description}`);
  if (code === 401 || code === 404) return new TelegramRefusal(TOKEN_REFUSED, code, description);
  if (code === 403) {
    const sentence = /blocked by the user/i.test(description) ? BLOCKED_REASON : 'O Telegram não deixa o bot escrever a este cliente.';
    return new TelegramRefusal(sentence, code, description);
  }
  const known = BAD_REQUESTS.find(([pattern]) => pattern.test(description))?.[1];
  return new TelegramRefusal(known ?? `O Telegram recusou a mensagem (código ${code}).`, code, description);
}

/** A rule the core enforces at queue time, broken anyway: final, with the core's sentence. */
function finalIfBroken(rule: () => void): void {
  try {
    rule();
  } catch (error) {
    throw new PermanentFailure(error instanceof Error ? error.message : String(error));
  }
}

/** An admin-facing sentence for a failed getMe/setWebhook. */
function refusalSentence(error: unknown): string {
  if (error instanceof PermanentFailure) return error.message;
  if (error instanceof UpstreamUnreachable) return 'Não foi possível falar com o Telegram: confira a URL da API e a rede do servidor.';
  if (error instanceof RetryLater) return 'O Telegram pediu para esperar ou está com problemas. Tente de novo em instantes.';
  return 'O Telegram não respondeu a tempo. Tente de novo em instantes.';
}
