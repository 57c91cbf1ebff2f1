/**
 * What the fake Bot API accepts and how it refuses (CHANNELS.md, core.telegram.org/bots/api),
 * apart from its HTTP plumbing: parameter parsing (query string, JSON, urlencoded, multipart),
 * Telegram's answer bodies `{ok, result}` / `{ok: false, error_code, description, parameters?}`,
 * and the checks of each method. The adapter must meet these.
 */

export const MB = 1024 * 1024;
/** Bots may download files up to 20 MB (getFile). */
export const DOWNLOAD_MAX = 20 * MB;
/** sendPhoto takes photos up to 10 MB; other uploads go up to 50 MB. */
export const PHOTO_MAX = 10 * MB;
export const UPLOAD_MAX = 50 * MB;
export const TEXT_MAX = 4096;
export const CAPTION_MAX = 1024;

/** An error answer as Telegram writes it. */
export interface BotError {
  ok: false;
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/** A refusal: the HTTP status (Telegram uses the error_code) and its body. */
export interface BotFailure { status: number; body: BotError }

export const botError = (status: number, description: string, parameters?: BotError['parameters']): BotFailure => ({
  status, body: { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) },
});

export const UNAUTHORIZED = botError(401, 'Unauthorized');
export const NOT_FOUND = botError(404, 'Not Found');
export const badRequest = (reason: string): BotFailure => botError(400, `Bad Request: ${reason}`);
/** Flood control: Telegram's 429 with `parameters.retry_after` (seconds). */
export const tooManyRequests = (retryAfterS: number): BotFailure =>
  botError(429, `Too Many Requests: retry after ${retryAfterS}`, { retry_after: retryAfterS });
export const BLOCKED_BY_USER = botError(403, 'Forbidden: bot was blocked by the user');

/** A method's parameters: strings/numbers/arrays as sent, uploaded files as Blobs (`File` from multipart). */
export type BotParams = Record<string, unknown>;

/**
 * The Bot API takes parameters in the query string, `application/json`,
 * `application/x-www-form-urlencoded` or `multipart/form-data` (files only by the latter).
 * Form values are strings; JSON-typed parameters (allowed_updates) are JSON inside them.
 */
export async function parseParams(query: URLSearchParams, contentType: string, body: Buffer): Promise<{ params: BotParams } | { failure: BotFailure }> {
  const params: BotParams = Object.fromEntries(query.entries());
  if (body.length === 0) return { params };
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  try {
    if (type === 'application/json') {
      const parsed = JSON.parse(body.toString('utf8')) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { failure: badRequest('parameters must be a JSON object') };
      return { params: { ...params, ...(parsed as BotParams) } };
    }
    if (type === 'application/x-www-form-urlencoded') {
      return { params: { ...params, ...Object.fromEntries(new URLSearchParams(body.toString('utf8')).entries()) } };
    }
    if (type === 'multipart/form-data') {
      const form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body) }).formData();
      form.forEach((value, key) => {
        params[key] = value;
      });
      return { params };
    }
  } catch {
    return { failure: badRequest('can\'t parse request body') };
  }
  return { failure: badRequest(`unsupported content type ${type || '(none)'}`) };
}

/** `chat_id` as a number (JSON) or a numeric string (forms); `@channel` names are not chats of ours. */
export function chatIdOf(params: BotParams): string | BotFailure {
  const value = params.chat_id;
  if (value === undefined || value === '') return badRequest('chat_id is empty');
  const text = String(value);
  if (!/^-?\d{1,20}$/.test(text)) return badRequest('chat not found');
  return text;
}

/** A string parameter, counted in UTF-16 units as Telegram counts message length (close enough for a fake). */
export const stringParam = (params: BotParams, key: string): string | undefined =>
  typeof params[key] === 'string' ? params[key] : typeof params[key] === 'number' ? String(params[key]) : undefined;

export function checkText(text: string | undefined): BotFailure | undefined {
  if (!text || !text.trim()) return badRequest('message text is empty');
  if (text.length > TEXT_MAX) return badRequest('message is too long');
  return undefined;
}

export function checkCaption(caption: string | undefined): BotFailure | undefined {
  return caption !== undefined && caption.length > CAPTION_MAX ? badRequest('message caption is too long') : undefined;
}

/** `sendChatAction` actions (Bot API). */
export const CHAT_ACTIONS = new Set([
  'typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice', 'upload_document',
  'choose_sticker', 'find_location', 'record_video_note', 'upload_video_note',
]);

export interface WebhookSettings {
  url: string;
  secretToken: string | null;
  allowedUpdates: string[];
  maxConnections: number;
}

const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** The only ports Telegram delivers webhooks to ('' is the scheme's default, 443 for HTTPS). */
const WEBHOOK_PORTS = new Set(['', '443', '80', '88', '8443']);

/**
 * `setWebhook {url, secret_token?, allowed_updates?, max_connections?}`; an empty url removes the
 * webhook (null). DEVIATION from Telegram, which takes only HTTPS on ports 443, 80, 88, 8443: this
 * fake also takes plain http to a loopback host (any port), so tests and the demo run without TLS; any other
 * http URL is refused as Telegram refuses it.
 */
export function checkWebhook(params: BotParams, previous: WebhookSettings | null): WebhookSettings | null | BotFailure {
  const url = stringParam(params, 'url') ?? '';
  if (url === '') return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return badRequest('bad webhook: Failed to resolve host: Name or service not known');
  }
  const loopbackHttp = parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname);
  if (parsed.protocol !== 'https:' && !loopbackHttp) return badRequest('bad webhook: An HTTPS URL must be provided for webhook');
  if (!loopbackHttp && !WEBHOOK_PORTS.has(parsed.port)) return badRequest('bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443');
  const secret = stringParam(params, 'secret_token');
  if (secret !== undefined && !SECRET_TOKEN.test(secret)) return badRequest('bad webhook: secret token contains unallowed characters');
  let allowed: unknown = params.allowed_updates;
  if (typeof allowed === 'string') {
    try {
      allowed = JSON.parse(allowed) as unknown;
    } catch {
      return badRequest('can\'t parse allowed updates');
    }
  }
  if (allowed !== undefined && (!Array.isArray(allowed) || !allowed.every((u) => typeof u === 'string'))) {
    return badRequest('can\'t parse allowed updates');
  }
  const max = params.max_connections === undefined ? 40 : Number(params.max_connections);
  if (!Number.isInteger(max) || max < 1 || max > 100) return badRequest('bad webhook: max_connections must be between 1 and 100');
  return {
    url,
    secretToken: secret ?? null,
    // Not given: the previous setting stays (Bot API); empty: every update type.
    allowedUpdates: (allowed as string[] | undefined) ?? previous?.allowedUpdates ?? [],
    maxConnections: max,
  };
}

/** The kind of an Update (`message`, `edited_message`, …): the key beside `update_id`. */
export function updateTypeOf(update: object): string | undefined {
  return Object.keys(update).find((key) => key !== 'update_id');
}
