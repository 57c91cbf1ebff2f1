import {
  contactPhone, TicketAnswer, ticketFailureText, type ContactDoc, type ConversationDoc, type MessageDoc, type TicketLink, type TicketRequest, type UserDoc,
} from '@atende/protocol';
import { TRANSCRIPT_LIMIT } from '../conversations/transcript.js';
import { PermanentFailure, RetryLater, type JobDoc, type JobRunner } from '../jobs/types.js';
import type { DocStore } from '../store/index.js';
import { getWire, toWire } from '../store/wire.js';
import type { TicketConfig } from '../config/tickets.js';
import { TICKET_JOB, type TicketService } from './service.js';

const REQUEST_TIMEOUT_MS = 15_000;
const MAX_RETRY_DELAY_MS = 60_000;
/** Of the ticket system's refusal body, only this much is kept in the reason the agent reads. */
const DETAIL_MAX = 200;

export interface TicketJobDeps {
  store: DocStore;
  tickets: TicketService;
  config: TicketConfig;
  fetcher?: typeof fetch;
}

/**
 * The `ticket-create` job (R-WS-14): POSTs the selected messages (all of them when none was
 * selected) to the ticket system, then records the number it answered ('linked'). Unreachable,
 * slow, 408/429/5xx: tried again with backoff; any other refusal, or an answer without a number,
 * fails at once. The dead letter marks the link 'failed' with the reason, which the agent reads
 * on the link's chip. Every request carries the link's id as `Idempotency-Key`, so a retry after
 * a timeout that did reach the system can be told from a new ticket.
 */
export function registerTicketJobs(jobs: JobRunner, deps: TicketJobDeps): void {
  jobs.register(TICKET_JOB, (job) => createTicket(deps, job), {
    policy: { maxAttempts: deps.config.attempts, baseDelayMs: deps.config.retryMs, maxDelayMs: MAX_RETRY_DELAY_MS },
    concurrency: 2,
    onDead: async (job, error) => {
      await deps.tickets.settle(String(job.payload.conversationId), String(job.payload.linkId), (link) => ({
        ...link, status: 'failed', error: error.message.slice(0, 500) || ticketFailureText({ kind: 'failed' }),
      }));
    },
  });
}

async function createTicket(deps: TicketJobDeps, job: JobDoc): Promise<void> {
  const { store, tickets, config } = deps;
  const c = await tickets.current(String(job.payload.conversationId));
  const link = c?.ticketLinks.find((l) => l.id === job.payload.linkId);
  // A run that stopped between settling the link and its trace line: the line is all that is left.
  if (c && link?.status === 'linked') return tickets.recordLinked(c, link);
  if (!c || link?.status !== 'creating') return;
  if (!config.url) throw new PermanentFailure(ticketFailureText({ kind: 'notConfigured' }));
  const request = await ticketRequest(store, c, link);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': link.id };
  if (config.token) headers.authorization = `Bearer ${config.token}`;
  let response: Response;
  try {
    const fetcher = deps.fetcher ?? fetch;
    response = await fetcher(config.url, { method: 'POST', headers, body: JSON.stringify(request), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    // Even a request cut after it reached the system is safe to repeat: it carries the Idempotency-Key.
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    throw new RetryLater(ticketFailureText({ kind: timedOut ? 'timeout' : 'down' }));
  }
  const answer = await readAnswer(response);
  // The trace line travels with the settled link (settle).
  await tickets.settle(c.id, link.id, (l) => ({ ...l, status: 'linked', number: answer.number, url: answer.url ?? null, error: null }));
}

async function readAnswer(response: Response): Promise<TicketAnswer> {
  const text = await response.text().catch(() => '');
  const status = response.status;
  if (status === 408 || status === 429 || status >= 500) {
    const seconds = Number(response.headers.get('retry-after'));
    throw new RetryLater(ticketFailureText({ kind: 'unavailable', status }), Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined);
  }
  if (status === 401 || status === 403) throw new PermanentFailure(ticketFailureText({ kind: 'credentials', status }));
  if (status < 200 || status >= 300) throw new PermanentFailure(ticketFailureText({ kind: 'refused', status, detail: text.slice(0, DETAIL_MAX) }));
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const parsed = TicketAnswer.safeParse(body);
  if (!parsed.success) throw new PermanentFailure(ticketFailureText({ kind: 'noNumber' }));
  return parsed.data;
}

/** What the ticket system receives: the conversation, its contact, the messages and who asked. */
export async function ticketRequest(store: DocStore, c: ConversationDoc, link: TicketLink): Promise<TicketRequest> {
  const [contact, requester, messages] = await Promise.all([
    getWire<ContactDoc>(store, c.contactId),
    link.byUserId ? getWire<UserDoc>(store, link.byUserId) : undefined,
    linkMessages(store, c.id, link.messageIds),
  ]);
  const contactName = contact?.name ?? '';
  return {
    requestId: link.id,
    conversation: {
      id: c.id, protocol: c.protocol, channel: c.channel,
      contact: { name: contactName, email: contact?.email || null, phone: contactPhone(contact) ?? null },
    },
    messages: messages.map((m) => ({
      id: m.id, at: m.createdAt, direction: m.direction === 'in' ? 'in' : 'out',
      author: m.direction === 'in' ? contactName : m.authorName,
      text: m.text || m.attachments.map((a) => `[${a.name}]`).join(' '),
    })),
    requestedBy: link.byUserId ? { id: link.byUserId, name: requester?.name ?? '' } : null,
  };
}

/** The selected messages, or the conversation's customer and agent messages when none was selected; oldest first. */
async function linkMessages(store: DocStore, conversationId: string, ids: readonly string[]): Promise<MessageDoc[]> {
  const docs = ids.length > 0
    ? await Promise.all(ids.map((id) => store.get(id)))
    : await store.find({ selector: { type: 'message', conversationId }, limit: TRANSCRIPT_LIMIT });
  return docs
    .flatMap((d) => (d && !d._deleted ? [toWire<MessageDoc>(d)] : []))
    .filter((m) => m.conversationId === conversationId && (m.direction === 'in' || m.direction === 'out'))
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}
