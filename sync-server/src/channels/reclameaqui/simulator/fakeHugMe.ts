import type { IncomingMessage, ServerResponse } from 'node:http';
import { BoundedFiles, keepLast, Listeners, LoopbackServer, readBounded } from '../../simulators/http.js';
import { HugMeTokens } from './hugmeAuth.js';
import {
  attachmentProblem, badRequest, EvaluationRequest, hugmeErrorBody, INTERACTION, invalid, MODERATION_REASONS, ModerationRequest,
  notFound, parseJsonBody, parseListQuery, parseMultipart, PrivateMessage, PublicAnswer, BODY_MAX, STATUS, summarise,
  TOO_LARGE, type HugMeFailure,
} from './hugmeContract.js';
import { REPUTATION_PERIODS, reputationOf, type Reputation, type ReputationPeriod } from './reputation.js';
import { TicketBook, type ConsumerEvaluation, type HugMeAttachment, type HugMeTicket, type NewComplaint } from './tickets.js';

/**
 * A fake of Reclame Aqui's HugMe API on loopback (CHANNELS.md, model unconfirmed — see
 * hugmeContract.ts): OAuth client credentials, the complaint listing polled by
 * `last_modification_date` with its rate limit, the company's actions (public answer, private
 * message, moderation, evaluation request) and the reputation. The consumer's side (file, reply,
 * evaluate) is methods, for tests and the simulator page.
 */

export type { HugMeFailure } from './hugmeContract.js';
export {
  INTERACTION, INTERACTION_TYPES, MODERATION_REASONS, PAGE_SIZE_MAX, RA_STATUSES, SERVER_ERROR, STATUS, UNAVAILABLE, tooManyRequests,
} from './hugmeContract.js';
export { REPUTATION_PERIODS } from './reputation.js';
export type { HugMeTicket, HugMeInteraction, HugMeAttachment, NewComplaint, ConsumerEvaluation } from './tickets.js';
export type { Reputation, ReputationPeriod } from './reputation.js';

/** Every call, for tests and the demo's log (file bytes summarised). */
export interface HugMeCall { method: string; path: string; query: string; body: unknown; status: number }

/** A change the fake made to a ticket, for the simulator page: who did it and what. */
export interface HugMeChange { ticket: HugMeTicket; cause: 'filed' | 'public' | 'private' | 'moderation' | 'moderation-decided' | 'evaluation-requested' | 'consumer-reply' | 'evaluated' | 'status' }

export interface FakeHugMeOptions {
  clientId: string;
  clientSecret: string;
  companyId: string;
  /** Access token lifetime (default 3600 s). */
  tokenTtlSeconds?: number;
  /** Calls per minute per token to the ticket and company endpoints (default 10; 0 disables the limit). */
  rateLimitPerMinute?: number;
  /** Evaluations a period needs before it has a reputation label (default 10, the site's rule). */
  minEvaluations?: number;
  now?: () => number;
  /**
   * Ids (tickets, interactions) count from after this. A fake forgets everything when it stops, but
   * the account it plays keeps what it stored: the demo starts each run's ids from the clock so a
   * restarted demo never hands out an id the account already has.
   */
  firstId?: number;
}

const CALLS_KEPT = 500;

export class FakeHugMe extends LoopbackServer {
  readonly calls: HugMeCall[] = [];
  /** Files the company attached (private messages, moderation), by attachment id; the oldest forgotten past the bound. */
  readonly files = new BoundedFiles<{ bytes: Buffer; mimeType: string; name: string }>();
  private readonly book: TicketBook;
  private readonly tokens: HugMeTokens;
  private readonly script: Array<HugMeFailure | null> = [];
  private readonly changes = new Listeners<HugMeChange>();
  private readonly reputationOverrides = new Map<ReputationPeriod, Reputation>();
  private fileIds = 0;

  constructor(readonly options: FakeHugMeOptions) {
    super();
    this.tokens = new HugMeTokens({
      clientId: options.clientId, clientSecret: options.clientSecret, now: () => this.now(),
      // Read at each call, so tests and the demo can change them on a running fake.
      ttlSeconds: () => this.options.tokenTtlSeconds ?? 3600, perMinute: () => this.options.rateLimitPerMinute ?? 10,
    });
    this.book = new TicketBook(() => this.now(), (slugAndId) => `${this.url}/empresa/${encodeURIComponent(options.companyId)}/${slugAndId}/`, options.firstId);
  }

  /** The `baseUrl` an account points at this fake with. */
  get baseUrl(): string {
    return this.url;
  }

  // ---- consumer side (tests, simulator page) ----

  fileComplaint(input: NewComplaint): HugMeTicket {
    if (!input.title.trim() || !input.content.trim() || !input.customer.name.trim()) throw new Error('a complaint needs a title, a text and the consumer\'s name');
    return this.changed(this.book.file(input), 'filed');
  }

  /** The consumer writes again (a private message to the company, type 6). */
  consumerReplies(id: number, message: string): HugMeTicket {
    const ticket = this.mustGet(id);
    this.book.addInteraction(ticket, INTERACTION.consumerPrivate, message);
    return this.changed(ticket, 'consumer-reply');
  }

  /** The consumer's evaluation (type 11): rating 0–10; the status goes to "evaluated" and then resolved / not resolved. */
  consumerEvaluates(id: number, evaluation: ConsumerEvaluation): HugMeTicket {
    const ticket = this.mustGet(id);
    if (!Number.isInteger(evaluation.rating) || evaluation.rating < 0 || evaluation.rating > 10) throw new Error('rating must be an integer from 0 to 10');
    if (ticket.rating !== null) throw new Error(`complaint ${id} is already evaluated`);
    this.book.evaluate(ticket, evaluation);
    return this.changed(ticket, 'evaluated');
  }

  /** Reclame Aqui decides a pending moderation request. */
  decideModeration(id: number, accepted: boolean): HugMeTicket {
    const ticket = this.mustGet(id);
    if (ticket.moderation?.status !== 'pending') throw new Error(`complaint ${id} has no pending moderation`);
    ticket.moderation = { ...ticket.moderation, status: accepted ? 'accepted' : 'refused' };
    this.book.touch(ticket);
    return this.changed(ticket, 'moderation-decided');
  }

  /** Reclame Aqui changes a complaint's status on its own (e.g. 10, frozen); the id is any of RA_STATUSES or a new one. */
  setStatus(id: number, statusId: number): HugMeTicket {
    const ticket = this.mustGet(id);
    this.book.setStatus(ticket, statusId);
    return this.changed(ticket, 'status');
  }

  ticket(id: number): HugMeTicket | undefined {
    return this.book.get(id);
  }

  tickets(): HugMeTicket[] {
    return this.book.all();
  }

  /** Replaces the computed reputation of a period (null: back to computing it). */
  setReputation(period: ReputationPeriod, reputation: Reputation | null): void {
    if (reputation) this.reputationOverrides.set(period, reputation);
    else this.reputationOverrides.delete(period);
  }

  reputation(): Record<ReputationPeriod, Reputation> {
    const now = this.now();
    const all = this.book.all();
    return Object.fromEntries(REPUTATION_PERIODS.map((p) => [p, this.reputationOverrides.get(p) ?? reputationOf(all, p, now, this.options.minEvaluations ?? 10)])) as Record<ReputationPeriod, Reputation>;
  }

  // ---- test controls ----

  /**
   * Model assumption: HugMe answers message/public and message/private with the new interaction's
   * `ticket_interaction_id` (CHANNELS.md does not say). False plays a HugMe that answers without it.
   */
  answersWithInteractionId = true;

  private sentAnswer(ticket: HugMeTicket, interaction: { ticket_interaction_id: number }) {
    return { status: 200, body: this.answersWithInteractionId ? { id: ticket.id, ticket_interaction_id: interaction.ticket_interaction_id } : { id: ticket.id } };
  }

  /** Every token issued so far stops working (401), as after its expiry. */
  expireTokens(): void {
    this.tokens.expireAll();
  }

  /** Outcomes of the next API calls (not the token endpoint), in order: a failure, or null to let one through. */
  failNext(...failures: Array<HugMeFailure | null>): void {
    this.script.push(...failures);
  }

  onChange(listener: (change: HugMeChange) => void): () => void {
    return this.changes.add(listener);
  }

  reset(): void {
    this.calls.length = 0;
    this.script.length = 0;
    this.answersWithInteractionId = true;
    this.tokens.clear();
    this.book.clear();
    this.reputationOverrides.clear();
  }

  // ---- HTTP ----

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const call: HugMeCall = { method: req.method ?? '', path: url.pathname, query: url.search, body: undefined, status: 0 };
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
    };
    const fail = (f: HugMeFailure) => answer(f.status, hugmeErrorBody(f), f.retryAfterS ? { 'retry-after': String(f.retryAfterS) } : {});
    const body = await readBounded(req, BODY_MAX);
    const isApi = /^\/(auth|ticket|companies)\//.test(url.pathname);
    if (!isApi && body && this.pages && (await this.pages(req, res, body))) return;
    this.calls.push(call);
    keepLast(this.calls, CALLS_KEPT);
    if (!body) {
      fail(TOO_LARGE);
      req.destroy();
      return;
    }
    if (!isApi) return fail(notFound(`no route for ${req.method ?? ''} ${url.pathname}`));
    const contentType = req.headers['content-type'] ?? '';
    call.body = await summarise(contentType, body);
    if (req.method === 'POST' && url.pathname === '/auth/oauth/token') {
      const grant = url.searchParams.get('grant_type') ?? new URLSearchParams(body.toString('utf8')).get('grant_type');
      const issued = this.tokens.issue(grant, req.headers.authorization);
      return 'error' in issued ? fail(issued) : answer(200, issued);
    }
    const refused = this.tokens.admit(req.headers.authorization);
    if (refused) return fail(refused);
    const scripted = this.script.shift();
    if (scripted) return fail(scripted);
    const outcome = await this.route(req.method ?? '', url, contentType, body);
    if ('error' in outcome) return fail(outcome);
    answer(outcome.status, outcome.body);
  }

  private async route(method: string, url: URL, contentType: string, body: Buffer): Promise<HugMeFailure | { status: number; body: unknown }> {
    const path = url.pathname.replace(/\/+$/, '');
    if (method === 'GET' && path === '/ticket/v1/tickets') {
      const query = parseListQuery(url.searchParams);
      if ('error' in query) return query;
      const { data, total } = this.book.list(query);
      return { status: 200, body: { data, meta: { page: { number: query.page, size: query.size }, total } } };
    }
    const company = /^\/companies\/v1\/companies\/([^/]+)\/reputation$/.exec(path);
    if (method === 'GET' && company) {
      if (decodeURIComponent(company[1] ?? '') !== this.options.companyId) return notFound(`company ${company[1] ?? ''} not found`);
      return { status: 200, body: { companyId: this.options.companyId, periods: this.reputation() } };
    }
    if (method !== 'POST') return notFound(`no route for ${method} ${path}`);
    switch (path) {
      case '/ticket/v1/tickets/message/public': return this.answerPublicly(contentType, body);
      case '/ticket/v1/tickets/message/private': return this.messagePrivately(contentType, body);
      case '/ticket/v1/tickets/moderation': return this.requestModeration(contentType, body);
      case '/ticket/v1/tickets/evaluation': return this.requestEvaluation(contentType, body);
      default: return notFound(`no route for POST ${path}`);
    }
  }

  private async answerPublicly(contentType: string, body: Buffer) {
    const input = parseJsonBody(contentType, body, PublicAnswer);
    if ('error' in input) return input;
    const ticket = this.book.get(input.id);
    if (!ticket) return notFound(`ticket ${input.id} not found`);
    const interaction = this.book.addInteraction(ticket, INTERACTION.publicAnswer, input.message);
    if (ticket.ra_status.id === STATUS.notAnswered) this.book.setStatus(ticket, STATUS.answered);
    this.changed(ticket, 'public');
    return this.sentAnswer(ticket, interaction);
  }

  private async messagePrivately(contentType: string, body: Buffer) {
    const form = await parseMultipart(contentType, body);
    if ('error' in form) return form;
    const input = PrivateMessage.safeParse(form.fields);
    if (!input.success) return invalid(input.error);
    const ticket = this.book.get(input.data.id);
    if (!ticket) return notFound(`ticket ${input.data.id} not found`);
    if (!ticket.customer.email.includes(input.data.email)) return badRequest('email is not the consumer\'s');
    const attachments = await this.keepFile(form.file);
    if (!Array.isArray(attachments)) return attachments;
    const interaction = this.book.addInteraction(ticket, INTERACTION.companyPrivate, input.data.message, attachments);
    this.changed(ticket, 'private');
    return this.sentAnswer(ticket, interaction);
  }

  private async requestModeration(contentType: string, body: Buffer) {
    const form = await parseMultipart(contentType, body);
    if ('error' in form) return form;
    const input = ModerationRequest.safeParse(form.fields);
    if (!input.success) return invalid(input.error);
    const { id, reason, migrateTO } = input.data;
    const known = MODERATION_REASONS[reason];
    if (!known) return badRequest(`unknown moderation reason ${reason}`);
    if (known.needsTargetCompany && !migrateTO) return badRequest(`reason ${reason} needs migrateTO (the company the complaint is meant for)`);
    const ticket = this.book.get(id);
    if (!ticket) return notFound(`ticket ${id} not found`);
    if (ticket.moderation?.status === 'pending') return badRequest('a moderation request is already pending');
    const attachments = await this.keepFile(form.file);
    if (!Array.isArray(attachments)) return attachments;
    ticket.moderation = { status: 'pending', reason };
    this.book.touch(ticket);
    this.changed(ticket, 'moderation');
    return { status: 200, body: { id, moderation: ticket.moderation } };
  }

  private async requestEvaluation(contentType: string, body: Buffer) {
    const input = parseJsonBody(contentType, body, EvaluationRequest);
    if ('error' in input) return input;
    const ticket = this.book.get(input.id);
    if (!ticket) return notFound(`ticket ${input.id} not found`);
    const refusal = this.book.evaluationRefusal(ticket);
    if (refusal) return badRequest(refusal);
    this.changed(ticket, 'evaluation-requested');
    return { status: 200, body: { id: ticket.id } };
  }

  private async keepFile(file: File | undefined): Promise<HugMeAttachment[] | HugMeFailure> {
    if (!file) return [];
    const problem = attachmentProblem(file);
    if (problem) return problem;
    const id = `f${++this.fileIds}`;
    const mimeType = file.type.split(';')[0]?.trim().toLowerCase() ?? '';
    this.files.set(id, { bytes: Buffer.from(await file.arrayBuffer()), mimeType, name: file.name });
    return [{ id, name: file.name, mime_type: mimeType, size: file.size }];
  }

  private changed(ticket: HugMeTicket, cause: HugMeChange['cause']): HugMeTicket {
    this.changes.emit({ ticket, cause });
    return ticket;
  }

  private mustGet(id: number): HugMeTicket {
    const ticket = this.book.get(id);
    if (!ticket) throw new Error(`no complaint ${id}`);
    return ticket;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}
