import { z } from 'zod';
import { ChannelKind, ClientId, ConversationDoc, Id } from './documents.js';
import { DomainError, forbidden, notFound } from './errors.js';
import { canSee, may, overseesAll, type Actor, type Permission } from './permissions.js';

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
  if (overseesAll(actor)) return { ok: true };
  const reply = may(actor, 'reply', conversation);
  return reply.ok ? reply : { ok: false, error: forbidden('Only the conversation’s agents or a supervisor may link tickets') };
}
