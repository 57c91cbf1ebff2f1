import { z } from 'zod';
import { ChannelKind, ClientId, ConversationDoc, Id } from './documents.js';
import { DomainError, forbidden, notFound } from './errors.js';
import { canSee, may, otherTeamError, oversees, overseesAll, type Actor, type Permission } from './permissions.js';

/**
 * Tickets of an external system (R-WS-14): selected messages of a conversation are linked to a
 * ticket number the agent types, or sent to the outgoing integration (`ATENDE_TICKET_URL`), which
 * answers the number of the ticket it created. The link lives on the conversation
 * (`ConversationDoc.ticketLinks`, `TicketLink` in documents.ts).
 */

export const TICKET_NUMBER_MAX = 100;
/** More links than this on one conversation is a loop or a mistake, not work. */
export const MAX_TICKET_LINKS = 50;
export const MAX_TICKET_MESSAGES = 200;

export const TicketNumber = z.string().trim().min(1, 'the ticket number is empty').max(TICKET_NUMBER_MAX);

/**
 * `POST /api/conversations/:id/tickets`. With `number`: the messages are linked to that ticket at
 * once. Without: the integration is asked to create one. No message ids: the whole conversation.
 * `id` is the command id (the link's id), so a repeat finds its link instead of adding another.
 */
export const TicketBody = z.strictObject({
  id: ClientId,
  messageIds: z.array(Id).max(MAX_TICKET_MESSAGES).default([]),
  number: TicketNumber.optional(),
});
export type TicketBody = z.infer<typeof TicketBody>;
export const TicketResponse = z.object({ conversation: ConversationDoc });

/** What the job POSTs to the ticket system (bearer `ATENDE_TICKET_TOKEN`, header `Idempotency-Key` = `requestId`). */
export const TicketRequest = z.object({
  /** The link's id: the same request repeated after a timeout carries it again, so the system can create one ticket. */
  requestId: z.string(),
  conversation: z.object({
    id: Id,
    protocol: z.string(),
    channel: ChannelKind,
    contact: z.object({ name: z.string(), email: z.string().nullable(), phone: z.string().nullable() }),
  }),
  messages: z.array(z.object({
    id: Id,
    at: z.number(),
    direction: z.enum(['in', 'out', 'system']),
    author: z.string(),
    text: z.string(),
  })),
  requestedBy: z.object({ id: Id, name: z.string() }).nullable(),
});
export type TicketRequest = z.infer<typeof TicketRequest>;

/** What the ticket system must answer (2xx): the new ticket's number, and where it opens when it has a page. */
export const TicketAnswer = z.object({
  number: z.union([TicketNumber, z.number().int().nonnegative().transform(String)]),
  url: z.url({ protocol: /^https?$/ }).max(2000).optional().nullable(),
});
export type TicketAnswer = z.infer<typeof TicketAnswer>;

/** Refusals clients switch on. */
export const TICKET_REFUSALS = {
  integrationMissing: 'ticket_integration_missing',
  foreignMessages: 'ticket_messages_foreign',
  tooMany: 'ticket_links_full',
  idConflict: 'id_conflict',
} as const;

export const ticketIntegrationMissing = () =>
  new DomainError('unprocessable', TICKET_REFUSALS.integrationMissing, 'Nenhum sistema de tickets está configurado: informe o número de um ticket existente.');
export const ticketMessagesForeign = () =>
  new DomainError('unprocessable', TICKET_REFUSALS.foreignMessages, 'Algumas mensagens selecionadas não pertencem a esta conversa.');
export const ticketLinksFull = () =>
  new DomainError('unprocessable', TICKET_REFUSALS.tooMany, `Uma conversa tem no máximo ${MAX_TICKET_LINKS} tickets vinculados.`);
export const ticketIdConflict = () => new DomainError('conflict', TICKET_REFUSALS.idConflict, 'That command id is already used');

/**
 * Who links tickets: whoever may reply to the conversation (its agent, an invitee, while it is
 * open), or a supervisor/admin at any time (a finished conversation is still worth a ticket).
 */
export function mayLinkTicket(actor: Actor, conversation: ConversationDoc): Permission {
  if (!canSee(actor, conversation)) return { ok: false, error: notFound('conversation') };
  // Supervisors act on their own teams' conversations only (issue 16); admins on every team.
  if (overseesAll(actor)) return oversees(actor, conversation.teamId) ? { ok: true } : { ok: false, error: otherTeamError() };
  const reply = may(actor, 'reply', conversation);
  return reply.ok ? reply : { ok: false, error: forbidden('Only the conversation’s agents or a supervisor may link tickets') };
}

/**
 * Why a ticket could not be created, as the link's `error` keeps it (pt-BR, the server's wording).
 * The link stores only the sentence, so the workstation reads the kind back (`ticketFailureOf`) to
 * say it in the agent's language; a sentence of another shape is shown as stored.
 */
export type TicketFailure =
  | { kind: 'notConfigured' | 'timeout' | 'down' | 'noNumber' | 'failed' }
  | { kind: 'unavailable' | 'credentials'; status: number }
  | { kind: 'refused'; status: number; detail: string };

const FIXED_FAILURES = {
  notConfigured: 'Nenhum sistema de tickets está configurado.',
  timeout: 'O sistema de tickets não respondeu a tempo.',
  down: 'O sistema de tickets está fora do ar.',
  noNumber: 'O sistema de tickets respondeu sem o número do ticket.',
  failed: 'O ticket não pôde ser criado.',
} as const;

export function ticketFailureText(failure: TicketFailure): string {
  switch (failure.kind) {
    case 'unavailable':
      return `O sistema de tickets está indisponível (HTTP ${failure.status}).`;
    case 'credentials':
      return `O sistema de tickets recusou a credencial (HTTP ${failure.status}).`;
    case 'refused':
      return `O sistema de tickets recusou o pedido (HTTP ${failure.status})${failure.detail ? `: ${failure.detail}` : '.'}`;
    default:
      return FIXED_FAILURES[failure.kind];
  }
}

export function ticketFailureOf(text: string): TicketFailure | undefined {
  for (const [kind, sentence] of Object.entries(FIXED_FAILURES)) {
    if (text === sentence) return { kind: kind as keyof typeof FIXED_FAILURES };
  }
  const status = /^O sistema de tickets (está indisponível|recusou a credencial|recusou o pedido) \(HTTP (\d{3})\)(.*)$/s.exec(text);
  if (!status) return undefined;
  const [, what, code, rest = ''] = status;
  if (what === 'está indisponível' && rest === '.') return { kind: 'unavailable', status: Number(code) };
  if (what === 'recusou a credencial' && rest === '.') return { kind: 'credentials', status: Number(code) };
  if (what === 'recusou o pedido' && (rest === '.' || rest.startsWith(': '))) {
    return { kind: 'refused', status: Number(code), detail: rest === '.' ? '' : rest.slice(2) };
  }
  return undefined;
}
