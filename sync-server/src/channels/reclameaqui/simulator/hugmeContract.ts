import { MEDIA_LIMITS } from '@atende/protocol';
import { z } from 'zod';

/**
 * What the fake HugMe API (Reclame Aqui's company API) accepts and how it refuses, apart from its
 * HTTP plumbing. HugMe has no public documentation: this follows the model in CHANNELS.md, and
 * every choice it had to make is marked "Model assumption" so the adapter's author and the
 * closing note know what a real account must confirm. Codes are data tables, not enums, because
 * Reclame Aqui adds statuses and reasons over time.
 */

/** Complaint statuses (`ra_status`). Model assumption: the names, in Portuguese as the site shows them. */
export const RA_STATUSES: Readonly<Record<number, string>> = {
  5: 'Não respondida', 6: 'Respondida', 9: 'Avaliada', 10: 'Congelada', 18: 'Avaliada resolvida', 19: 'Avaliada não resolvida',
};
export const STATUS = { notAnswered: 5, answered: 6, evaluated: 9, frozen: 10, resolved: 18, notResolved: 19 } as const;
/** Statuses after the consumer's evaluation: no second evaluation and no evaluation request. */
export const EVALUATED_STATUSES: readonly number[] = [STATUS.evaluated, STATUS.resolved, STATUS.notResolved];

/** Interaction types (`ticket_interaction_type_id`) and whether each is private (`privacy`). */
export const INTERACTION_TYPES: Readonly<Record<number, { name: string; privacy: boolean; by: 'consumer' | 'company' }>> = {
  1: { name: 'Reclamação', privacy: false, by: 'consumer' },
  2: { name: 'Resposta pública', privacy: false, by: 'company' },
  3: { name: 'Mensagem privada da empresa', privacy: true, by: 'company' },
  6: { name: 'Mensagem privada do consumidor', privacy: true, by: 'consumer' },
  11: { name: 'Avaliação', privacy: false, by: 'consumer' },
};
export const INTERACTION = { complaint: 1, publicAnswer: 2, companyPrivate: 3, consumerPrivate: 6, evaluation: 11 } as const;

/** Moderation reasons; 1 (another company) must name the target company in `migrateTO`. */
export const MODERATION_REASONS: Readonly<Record<number, { name: string; needsTargetCompany: boolean }>> = {
  1: { name: 'Reclamação de outra empresa', needsTargetCompany: true },
  4: { name: 'Reclamação duplicada', needsTargetCompany: false },
  5: { name: 'Conteúdo impróprio', needsTargetCompany: false },
  15: { name: 'Reclamação de terceiros', needsTargetCompany: false },
  16: { name: 'Caso trabalhista', needsTargetCompany: false },
  17: { name: 'Não violou o direito do consumidor', needsTargetCompany: false },
  19: { name: 'Fraude', needsTargetCompany: false },
};

/**
 * Model assumption: the error body is `{error, message}` (a stable code and a sentence), the
 * same for every refusal; 429 also carries `Retry-After` in seconds.
 */
export interface HugMeFailure { status: number; error: string; message: string; retryAfterS?: number }
export const hugmeErrorBody = (f: HugMeFailure) => ({ error: f.error, message: f.message });

export const badRequest = (message: string): HugMeFailure => ({ status: 400, error: 'bad_request', message });
export const notFound = (message: string): HugMeFailure => ({ status: 404, error: 'not_found', message });
export const INVALID_CLIENT: HugMeFailure = { status: 401, error: 'invalid_client', message: 'Bad client credentials' };
export const INVALID_TOKEN: HugMeFailure = { status: 401, error: 'invalid_token', message: 'Access token expired or invalid' };
export const SERVER_ERROR: HugMeFailure = { status: 500, error: 'internal_error', message: 'Internal server error' };
export const UNAVAILABLE: HugMeFailure = { status: 503, error: 'service_unavailable', message: 'Service temporarily unavailable' };
export const TOO_LARGE: HugMeFailure = { status: 413, error: 'payload_too_large', message: 'Request body too large' };
export const tooManyRequests = (retryAfterS: number): HugMeFailure => ({
  status: 429, error: 'too_many_requests', message: `Rate limit exceeded, retry after ${retryAfterS} s`, retryAfterS,
});

/** Fields the listing filters and sorts on, each read from a ticket as a number (dates as epoch ms). */
export const FILTER_FIELDS = ['id', 'creation_date', 'last_modification_date', 'ra_status.id'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];
const OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin'] as const;
type Op = (typeof OPS)[number];
export interface Filter { field: FilterField; op: Op; values: number[] }
export interface ListQuery { filters: Filter[]; page: number; size: number; sort: Array<{ field: FilterField; dir: 1 | -1 }> }
export const PAGE_SIZE_MAX = 50;
/** Model assumption: pages count from 1 and default to 10 tickets. */
const PAGE_SIZE_DEFAULT = 10;

const isField = (f: string): f is FilterField => (FILTER_FIELDS as readonly string[]).includes(f);
const isOp = (o: string): o is Op => (OPS as readonly string[]).includes(o);
const isDateField = (f: FilterField) => f.endsWith('_date');

/** A filter value as the number it compares by: a date (ISO) as epoch ms, anything else as a number. */
function valueOf(field: FilterField, raw: string): number | undefined {
  const n = isDateField(field) ? Date.parse(raw) : Number(raw);
  return raw.trim() !== '' && Number.isFinite(n) ? n : undefined;
}

/** `field[op]=value`, `field=value` (eq), `page[size]`, `page[number]`, `sort[field]=asc|desc`; anything else is refused. */
export function parseListQuery(params: URLSearchParams): ListQuery | HugMeFailure {
  const query: ListQuery = { filters: [], page: 1, size: PAGE_SIZE_DEFAULT, sort: [] };
  for (const [key, raw] of params) {
    const m = /^([a-z_.]+)(?:\[([a-z_.]+)\])?$/.exec(key);
    const [name, inner] = [m?.[1] ?? '', m?.[2]];
    if (name === 'page' && (inner === 'size' || inner === 'number')) {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1 || (inner === 'size' && n > PAGE_SIZE_MAX)) {
        return badRequest(inner === 'size' ? `page[size] must be an integer from 1 to ${PAGE_SIZE_MAX}` : 'page[number] must be an integer from 1');
      }
      if (inner === 'size') query.size = n;
      else query.page = n;
    } else if (name === 'sort' && inner !== undefined) {
      if (!isField(inner)) return badRequest(`cannot sort by ${inner}`);
      if (raw !== 'asc' && raw !== 'desc') return badRequest(`sort[${inner}] must be asc or desc`);
      query.sort.push({ field: inner, dir: raw === 'asc' ? 1 : -1 });
    } else if (isField(name)) {
      const op = inner ?? 'eq';
      if (!isOp(op)) return badRequest(`unknown operator ${op} on ${name}`);
      const parts = op === 'in' || op === 'nin' ? raw.split(',') : [raw];
      const values = parts.map((p) => valueOf(name, p));
      if (values.some((v) => v === undefined)) return badRequest(`${key}: ${isDateField(name) ? 'an ISO 8601 date' : 'a number'} expected, got ${raw}`);
      query.filters.push({ field: name, op, values: values as number[] });
    } else {
      return badRequest(`unknown parameter ${key}`);
    }
  }
  return query;
}

export function matches(value: number, filter: Filter): boolean {
  const [first = Number.NaN] = filter.values;
  switch (filter.op) {
    case 'eq': return value === first;
    case 'ne': return value !== first;
    case 'gt': return value > first;
    case 'gte': return value >= first;
    case 'lt': return value < first;
    case 'lte': return value <= first;
    case 'in': return filter.values.includes(value);
    case 'nin': return !filter.values.includes(value);
  }
}

/** The multipart fields of a company action: strings, and at most one uploaded `file`. */
export interface ActionForm { fields: Record<string, string>; file?: File }

export async function parseMultipart(contentType: string, body: Buffer): Promise<ActionForm | HugMeFailure> {
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) return { status: 415, error: 'unsupported_media_type', message: 'send multipart/form-data' };
  try {
    const form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body) }).formData();
    const result: ActionForm = { fields: {} };
    let stray: string | undefined;
    form.forEach((value, key) => {
      if (typeof value === 'string') result.fields[key] = value;
      else if (key === 'file' && !result.file) result.file = value;
      else stray = key;
    });
    return stray === undefined ? result : badRequest(`unexpected file in ${stray}`);
  } catch {
    return badRequest('cannot parse the multipart body');
  }
}

/** Model assumption: attachments follow the site's upload rules as protocol models them (JPEG, PNG, PDF, 10 MB). */
export function attachmentProblem(file: File): HugMeFailure | undefined {
  const limits = MEDIA_LIMITS.reclameaqui;
  const type = file.type.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!limits.mimeTypes.includes(type)) return badRequest(`file type ${type || 'unknown'} not accepted (${limits.mimeTypes.join(', ')})`);
  if (file.size > limits.maxBytes) return badRequest(`file larger than ${limits.maxBytes / 1024 / 1024} MB`);
  if (file.size === 0) return badRequest('empty file');
  return undefined;
}

/** A message's text: model assumption, up to 10 000 characters. */
export const MESSAGE_MAX = 10_000;
const TicketId = z.coerce.number().int().positive();
const Message = z.string().trim().min(1).max(MESSAGE_MAX);
export const PublicAnswer = z.object({ id: TicketId, message: Message });
export const PrivateMessage = z.object({ id: TicketId, message: Message, email: z.email() });
export const ModerationRequest = z.object({ id: TicketId, reason: z.coerce.number().int(), message: Message, migrateTO: z.string().trim().min(1).max(200).optional() });
export const EvaluationRequest = z.object({ id: TicketId });

/** A zod refusal as HugMe's 400. */
export function invalid(error: z.ZodError): HugMeFailure {
  return badRequest(error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
}

/** A JSON body checked against `schema`, or HugMe's refusal (415 when not JSON, 400 when invalid). */
export function parseJsonBody<T>(contentType: string, body: Buffer, schema: z.ZodType<T>): T | HugMeFailure {
  if (!contentType.toLowerCase().startsWith('application/json')) return { status: 415, error: 'unsupported_media_type', message: 'send application/json' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return badRequest('body is not JSON');
  }
  const input = schema.safeParse(parsed);
  return input.success ? input.data : invalid(input.error);
}

/** What the calls log keeps of a body: JSON parsed, multipart fields with the file as its name, type and size. */
export async function summarise(contentType: string, body: Buffer): Promise<unknown> {
  if (body.length === 0) return undefined;
  if (contentType.startsWith('application/json')) {
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      return body.toString('utf8').slice(0, 200);
    }
  }
  if (!contentType.startsWith('multipart/')) return body.toString('utf8').slice(0, 200);
  const form = await parseMultipart(contentType, body);
  if ('error' in form) return { multipartBytes: body.length };
  return { ...form.fields, ...(form.file ? { file: { name: form.file.name, type: form.file.type, size: form.file.size } } : {}) };
}

/** The largest file (10 MB) and its multipart framing; a body past it is 413. */
export const BODY_MAX = MEDIA_LIMITS.reclameaqui.maxBytes + 1024 * 1024;

