import { randomBytes } from 'node:crypto';
import { checkInteractive } from './graphInteractive.js';
import { checkTemplateSend, type FakeTemplate } from './graphTemplates.js';

/**
 * What the fake Graph server accepts and how it refuses (CHANNELS.md), apart from its HTTP
 * plumbing: the body shapes of `POST /{phone-number-id}/messages` (text, media by id or link,
 * templates, interactive lists and reply buttons (graphInteractive.ts), read receipts with the typing indicator) and Graph's error body
 * `{error: {message, type, code, error_subcode, fbtrace_id}}`. The adapter must meet these.
 */

/** A refusal as Graph answers it; `retryAfterS` adds a `retry-after` header (throttling). */
export interface GraphFailure {
  status: number;
  code: number;
  message: string;
  subcode?: number;
  type?: string;
  retryAfterS?: number;
}

/** Graph's reason for refusing a body (answered as a 400). */
export interface GraphProblem { code: number; message: string; subcode?: number }

export const THROTTLED_PAIR: GraphFailure = { status: 400, code: 131056, message: '(#131056) (Business Account, Consumer Account) pair rate limit hit' };
export const THROTTLED_NUMBER: GraphFailure = { status: 400, code: 130429, message: '(#130429) Rate limit hit' };
export const TOO_MANY: GraphFailure = { status: 429, code: 80007, message: 'Rate limit issues', retryAfterS: 1 };
export const SERVER_ERROR: GraphFailure = { status: 500, code: 1, message: 'An unknown error occurred', type: 'OAuthException' };
export const INVALID_TOKEN: GraphFailure = { status: 401, code: 190, message: 'Invalid OAuth access token - Cannot parse access token' };
const MESSAGING_PRODUCT_MISSING: GraphProblem = { code: 100, message: '(#100) The parameter messaging_product is required.' };

/** Graph's error body for `failure`, with a fresh trace id as Meta adds to each. */
export function graphErrorBody(failure: GraphFailure) {
  return {
    error: {
      message: failure.message, type: failure.type ?? 'OAuthException', code: failure.code,
      ...(failure.subcode ? { error_subcode: failure.subcode } : {}), fbtrace_id: `A${randomBytes(8).toString('hex')}`,
    },
  };
}

/** A 400 refusal of a body. */
export const badRequest = (problem: GraphProblem): GraphFailure => ({ status: 400, ...problem });

const invalid = (message: string): GraphProblem => ({ code: 100, message: `(#100) ${message}` });

const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;

/** A read receipt (`status: read`) goes to the same path as messages; told apart by its body. */
export const isReadReceipt = (body: unknown): boolean =>
  typeof body === 'object' && body !== null && (body as { status?: unknown }).status === 'read';

export interface ReadReceipt { messageId: string; typingIndicator: boolean }

/** A read receipt's contract: the customer's message id, and the typing indicator only as `{type: 'text'}`. */
export function checkReadReceipt(body: unknown): ReadReceipt | GraphProblem {
  const receipt = body as { messaging_product?: unknown; message_id?: unknown; typing_indicator?: { type?: unknown } };
  if (receipt.messaging_product !== 'whatsapp') return MESSAGING_PRODUCT_MISSING;
  if (typeof receipt.message_id !== 'string' || !receipt.message_id.startsWith('wamid.')) return invalid('Invalid parameter message_id');
  if (receipt.typing_indicator !== undefined && receipt.typing_indicator.type !== 'text') return invalid('Invalid parameter typing_indicator[\'type\']');
  return { messageId: receipt.message_id, typingIndicator: receipt.typing_indicator !== undefined };
}

/**
 * The send contract; undefined when the body is acceptable. `mediaExists` tells the media ids
 * this fake holds (uploaded or the customer's), `templates` the WABA's templates.
 */
export function checkMessage(body: unknown, templates: readonly FakeTemplate[], mediaExists: (id: string) => boolean): GraphProblem | undefined {
  if (typeof body !== 'object' || body === null) return MESSAGING_PRODUCT_MISSING;
  const m = body as Record<string, unknown>;
  if (m.messaging_product !== 'whatsapp') return MESSAGING_PRODUCT_MISSING;
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
    const media = m[type as string] as { id?: unknown; link?: unknown; caption?: unknown } | undefined;
    const byId = typeof media?.id === 'string';
    const byLink = typeof media?.link === 'string' && /^https?:\/\//.test(media.link);
    if (byId === byLink) return invalid(`Param ${String(type)} must have exactly one of id or link`);
    if (byId && !mediaExists(String(media?.id))) return { code: 131053, message: '(#131053) Media upload error: unknown media id' };
    if ((type === 'audio' || type === 'sticker') && media?.caption !== undefined) return invalid(`Param ${String(type)} takes no caption`);
    return undefined;
  }
  if (type === 'template') return checkTemplateSend(templates, m.template, mediaExists);
  if (type === 'interactive') {
    const interactive = checkInteractive(m.interactive);
    return 'code' in interactive ? interactive : undefined;
  }
  return invalid(`Unsupported message type ${String(type)}`);
}

/** An upload to `POST /{phone-number-id}/media` (multipart: file, type and messaging_product, CHANNELS.md). */
export function checkUpload(form: FormData): { file: Blob; type: string } | GraphProblem {
  const file = form.get('file');
  const type = form.get('type');
  if (form.get('messaging_product') !== 'whatsapp') return MESSAGING_PRODUCT_MISSING;
  if (!(file instanceof Blob) || typeof type !== 'string' || !type) return invalid('Param file and type are required');
  return { file, type };
}
