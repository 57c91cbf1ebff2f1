import { z } from 'zod';
import {
  RA_ALREADY_EVALUATED, RA_LAST_PUBLIC_NOT_COMPANY, RA_MODERATION_PENDING, RECLAME_AQUI_PAGE_SIZE, type ChannelTestResponse,
} from '@atende/protocol';
import { PermanentFailure, RetryLater } from '../../jobs/types.js';
import { MediaTooLarge, UncertainSend } from '../adapter.js';
import { readCapped } from '../safeDownload.js';
import { upstreamFetch, UpstreamUnreachable } from '../upstreamFetch.js';
import { reputationPeriodsOf, type ReputationPeriods } from './reputationAnswer.js';
import { ticketsOf, TicketsAnswer, type TicketsPage } from './ticketSchema.js';

export { RaTicket, type SkippedTicket, type TicketsPage } from './ticketSchema.js';

/**
 * HugMe's answers are small JSON: past these sizes the reading stops, so a broken or hostile
 * upstream cannot fill the server's memory. A page of tickets is larger (50 complaints of up to
 * 10,000 characters with their interactions); a token or an error body only needs a few words.
 */
export const ANSWER_MAX_BYTES = 1024 * 1024;
export const LISTING_MAX_BYTES = 16 * 1024 * 1024;
const SMALL_ANSWER_MAX_BYTES = 64 * 1024;

/** HugMe answered more than the channel reads: a RetryLater, and a sentence for the admin. */
export class AnswerTooLarge extends RetryLater {}

/** An answer's JSON read up to `maxBytes` (readCapped counts while reading), or why not. */
async function jsonOf(res: Response, maxBytes: number, what: string): Promise<{ ok: true; value: unknown } | { ok: false; error: RetryLater }> {
  try {
    return { ok: true, value: JSON.parse((await readCapped(res, maxBytes, 'Reclame Aqui')).toString('utf8')) as unknown };
  } catch (error) {
    if (error instanceof MediaTooLarge) return { ok: false, error: new AnswerTooLarge(`Reclame Aqui ${what}: answer over ${maxBytes} bytes`) };
    return { ok: false, error: new RetryLater(`Reclame Aqui ${what}: answer is not JSON`) };
  }
}

/** A token is renewed this long before HugMe says it expires, so no request carries a dying one. */
const TOKEN_MARGIN_MS = 60_000;

export const CREDENTIALS_REFUSED = 'O Reclame Aqui recusou as credenciais: confira o client id e o client secret (HugMe) e salve-os neste canal.';

/**
 * What HugMe answers to an answer or message: the interaction it became. Model assumption: the
 * answer carries `ticket_interaction_id` (CHANNELS.md does not say); without it the poll matches
 * the interaction to our message by text, visibility and time (complaints.ts `claimOurAnswer`).
 */
const SentAnswer = z.object({ ticket_interaction_id: z.union([z.string(), z.number()]).transform(String).nullish() }).loose();
export interface SentInteraction { interactionId: string | null }
const sentInteraction = (answer: unknown): SentInteraction => {
  const parsed = SentAnswer.safeParse(answer);
  return { interactionId: parsed.success ? (parsed.data.ticket_interaction_id ?? null) : null };
};

const TokenAnswer = z.object({ access_token: z.string().min(1), expires_in: z.coerce.number().positive().optional() });

/**
 * A moderation request as HugMe takes it; `migrateTO` names the company a reason-1 complaint is
 * meant for. Model assumption: `migrateTO` is the company's name as free text (CHANNELS.md names
 * the field, not its content; it may be HugMe's company id).
 */
export interface ModerationRequest {
  reason: string;
  message: string;
  migrateTO?: string | undefined;
  file?: { bytes: Buffer; mimeType: string; name: string } | undefined;
}

const RA_COMPLAINT_NOT_FOUND = 'O Reclame Aqui não encontrou esta reclamação.';

export interface ReclameAquiCredentials {
  apiBaseUrl: string;
  clientId: string;
  clientSecret: string;
}

export interface ReclameAquiClientOptions {
  fetcher?: typeof fetch;
  now?: () => number;
}

/** HugMe refused a call for good (credentials, a bad filter): `message` is a pt-BR sentence. */
export class ReclameAquiRefusal extends PermanentFailure {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

/**
 * One company's HugMe API: OAuth client credentials, the token cached until shortly before it
 * expires and fetched again once when a call answers 401 (revoked early); 429 and 5xx become
 * RetryLater (429 with its Retry-After). No URL or secret goes into an error message.
 */
export class ReclameAquiClient {
  private token: { value: string; until: number } | undefined;
  private pendingToken: Promise<string> | undefined;
  private readonly fetcher: typeof fetch;
  private readonly now: () => number;

  constructor(private readonly credentials: ReclameAquiCredentials, options: ReclameAquiClientOptions = {}) {
    this.fetcher = options.fetcher ?? fetch;
    this.now = options.now ?? Date.now;
  }

  private get base(): string {
    return this.credentials.apiBaseUrl.replace(/\/+$/, '');
  }

  /** One page of tickets, `filters` as HugMe's `field[op]=value` pairs, in the order given. */
  async tickets(filters: Array<[string, string]>, page: number, size = RECLAME_AQUI_PAGE_SIZE): Promise<TicketsPage> {
    const query = new URLSearchParams([...filters, ['page[size]', String(size)], ['page[number]', String(page)]]);
    const answer = await this.call(`/ticket/v1/tickets?${query.toString()}`, 'tickets', () => ({}), undefined, LISTING_MAX_BYTES);
    const parsed = TicketsAnswer.safeParse(answer);
    if (!parsed.success) throw new RetryLater(`Reclame Aqui tickets: unexpected answer (${parsed.error.issues[0]?.message ?? 'shape'})`);
    return ticketsOf(parsed.data, this.base);
  }

  /** "Testar conexão": a token, then one ticket, which proves the company's API is reachable. */
  async testConnection(): Promise<ChannelTestResponse> {
    try {
      const page = await this.tickets([], 1, 1);
      const total = page.meta?.total;
      return { ok: true, message: `Conectado ao Reclame Aqui${typeof total === 'number' ? `: ${total} reclamação(ões) na conta` : ''}.` };
    } catch (error) {
      return { ok: false, message: refusalSentence(error) };
    }
  }

  /**
   * A public answer on the complaint's page (R-CH-07). Model assumption (here and in
   * requestEvaluation): the ticket id goes as a JSON string in `{id}`, as HugMe lists it may be a
   * number; CHANNELS.md does not say which it takes.
   */
  async answerPublicly(ticketId: string, message: string): Promise<SentInteraction> {
    const body = () => ({ method: 'POST', body: JSON.stringify({ id: ticketId, message }), headers: { 'content-type': 'application/json' } });
    return sentInteraction(await this.call('/ticket/v1/tickets/message/public', 'public answer', body));
  }

  /** A private message to the consumer's e-mail, with at most one file (R-CH-07). */
  async messagePrivately(ticketId: string, message: string, email: string, file?: { bytes: Buffer; mimeType: string; name: string }): Promise<SentInteraction> {
    // A fresh form per attempt: a body is read once, and the 401 retry sends it again.
    const body = () => {
      const form = new FormData();
      form.append('id', ticketId);
      form.append('message', message);
      form.append('email', email);
      if (file) form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.mimeType }), file.name);
      return { method: 'POST', body: form };
    };
    return sentInteraction(await this.call('/ticket/v1/tickets/message/private', 'private message', body));
  }

  /** The company's reputation per period (R-CH-08), read loosely (reputationAnswer.ts). */
  async reputation(companyId: string): Promise<ReputationPeriods> {
    const answer = await this.call(`/companies/v1/companies/${encodeURIComponent(companyId)}/reputation`, 'reputation', () => ({}));
    const periods = reputationPeriodsOf(answer);
    if (!periods) throw new RetryLater('Reclame Aqui reputation: unexpected answer');
    return periods;
  }

  /** "Solicitar moderação" (R-CH-09): multipart `id, reason, message, file?, migrateTO?`. */
  async requestModeration(ticketId: string, request: ModerationRequest): Promise<void> {
    const body = () => {
      const form = new FormData();
      form.append('id', ticketId);
      form.append('reason', request.reason);
      form.append('message', request.message);
      if (request.migrateTO) form.append('migrateTO', request.migrateTO);
      if (request.file) form.append('file', new Blob([new Uint8Array(request.file.bytes)], { type: request.file.mimeType }), request.file.name);
      return { method: 'POST', body: form };
    };
    await this.call('/ticket/v1/tickets/moderation', 'moderation', body, moderationRefusal);
  }

  /** "Solicitar avaliação" (R-CH-10): HugMe decides whether the complaint may be evaluated now. */
  async requestEvaluation(ticketId: string): Promise<void> {
    const body = () => ({ method: 'POST', body: JSON.stringify({ id: ticketId }), headers: { 'content-type': 'application/json' } });
    await this.call('/ticket/v1/tickets/evaluation', 'evaluation', body, evaluationRefusal);
  }

  /**
   * `explain` turns HugMe's 4xx (its status and its own words) into the agent's sentence, where it
   * knows one. The answer is read up to `maxBytes`; a write HugMe accepted whose answer is
   * unreadable (too large, not JSON) stays accepted with no interaction id, as sending it again
   * would answer the consumer twice.
   */
  private async call(path: string, what: string, init: () => RequestInit, explain?: RefusalExplainer, maxBytes = ANSWER_MAX_BYTES): Promise<unknown> {
    const first = init();
    let res = await this.request(path, await this.accessToken(), first);
    if (res.status === 401) {
      // Revoked or expired early: one fresh token, then the call once more.
      this.token = undefined;
      await res.body?.cancel().catch(() => undefined);
      res = await this.request(path, await this.accessToken(), init());
    }
    if (!res.ok) {
      const sentence = explain && res.status >= 400 && res.status < 500 && res.status !== 401 && res.status !== 403 && res.status !== 429
        ? explain(res.status, await upstreamWords(res))
        : undefined;
      throw sentence ? new ReclameAquiRefusal(sentence, res.status) : classify(res, what);
    }
    const answer = await jsonOf(res, maxBytes, what);
    if (answer.ok) return answer.value;
    if ((first.method ?? 'GET') !== 'GET') return null;
    throw answer.error;
  }

  private request(path: string, token: string, init: RequestInit): Promise<Response> {
    const headers = { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}`, accept: 'application/json' };
    return upstreamFetch(`${this.base}${path}`, { ...init, headers }, { label: 'Reclame Aqui', fetcher: this.fetcher });
  }

  /** The cached token, or one new token shared by every caller that asks while it is fetched. */
  private async accessToken(): Promise<string> {
    if (this.token && this.now() < this.token.until) return this.token.value;
    this.pendingToken ??= this.fetchToken().finally(() => { this.pendingToken = undefined; });
    return this.pendingToken;
  }

  private async fetchToken(): Promise<string> {
    const basic = Buffer.from(`${this.credentials.clientId}:${this.credentials.clientSecret}`).toString('base64');
    const res = await upstreamFetch(`${this.base}/auth/oauth/token?grant_type=client_credentials`, {
      method: 'POST', headers: { authorization: `Basic ${basic}`, accept: 'application/json' },
    }, { label: 'Reclame Aqui token', fetcher: this.fetcher });
    if (!res.ok) throw classify(res, 'token');
    const answer = await jsonOf(res, SMALL_ANSWER_MAX_BYTES, 'token');
    const parsed = TokenAnswer.safeParse(answer.ok ? answer.value : null);
    if (!parsed.success) throw new RetryLater('Reclame Aqui token: unexpected answer');
    const lifetimeMs = (parsed.data.expires_in ?? 3600) * 1000;
    this.token = { value: parsed.data.access_token, until: this.now() + Math.max(0, lifetimeMs - TOKEN_MARGIN_MS) };
    return this.token.value;
  }
}

/** 429 waits for Retry-After; 5xx waits; 401/403 name the credentials; other refusals are final. */
function classify(res: Response, what: string): Error {
  if (res.status === 429) {
    const after = Number(res.headers.get('retry-after'));
    return new RetryLater(`Reclame Aqui 429 on ${what}`, Number.isFinite(after) && after > 0 ? after * 1000 : undefined);
  }
  if (res.status >= 500) return new RetryLater(`Reclame Aqui ${res.status} on ${what}`);
  if (res.status === 401 || res.status === 403 || (what === 'token' && res.status === 400)) return new ReclameAquiRefusal(CREDENTIALS_REFUSED, res.status);
  return new ReclameAquiRefusal(`O Reclame Aqui recusou o pedido (código ${res.status}).`, res.status);
}

type RefusalExplainer = (status: number, words: string) => string;

/** HugMe's `message` of an error body, lower-cased ('' when none): read only to pick a sentence, never shown. */
async function upstreamWords(res: Response): Promise<string> {
  const answer = await jsonOf(res, SMALL_ANSWER_MAX_BYTES, 'refusal');
  const body = (answer.ok ? answer.value : null) as { message?: unknown; error?: unknown } | null;
  return [body?.error, body?.message].filter((w) => typeof w === 'string').join(' ').toLowerCase();
}

/**
 * Model assumption (CHANNELS.md has no error texts): HugMe says why in English words like the
 * fake's; the known reasons get the protocol's sentences, any other refusal names its code.
 */
const moderationRefusal: RefusalExplainer = (status, words) => {
  if (status === 404) return RA_COMPLAINT_NOT_FOUND;
  if (words.includes('pending')) return RA_MODERATION_PENDING;
  return `O Reclame Aqui recusou a solicitação de moderação (código ${status}).`;
};
const evaluationRefusal: RefusalExplainer = (status, words) => {
  if (status === 404) return RA_COMPLAINT_NOT_FOUND;
  if (words.includes('already evaluated')) return RA_ALREADY_EVALUATED;
  if (words.includes('last public')) return RA_LAST_PUBLIC_NOT_COMPANY;
  return `O Reclame Aqui recusou a solicitação de avaliação (código ${status}).`;
};

/** An admin-facing sentence for a failed call. */
export function refusalSentence(error: unknown): string {
  if (error instanceof PermanentFailure) return error.message;
  if (error instanceof AnswerTooLarge) return 'O Reclame Aqui enviou uma resposta grande demais para ser lida: confira a URL da API desta conta.';
  if (error instanceof UpstreamUnreachable) return 'Não foi possível falar com o Reclame Aqui: confira a URL da API e a rede do servidor.';
  if (error instanceof RetryLater) return 'O Reclame Aqui pediu para esperar ou está com problemas. Tente de novo em instantes.';
  if (error instanceof UncertainSend) return 'O Reclame Aqui não respondeu a tempo. Tente de novo em instantes.';
  return 'O Reclame Aqui não respondeu como esperado. Tente de novo em instantes.';
}
