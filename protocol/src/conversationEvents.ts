import { z } from 'zod';
import { Id } from './documents.js';
import { raModerationReasonName } from './reclameAquiActions.js';

/**
 * Lifecycle events written into a conversation's transcript (issue 9; R-WS-15 forwarding history,
 * R-CH-02 customer notices): a message with direction 'system', kind 'event', no author, and this
 * payload. The agent's screen shows them as trace lines; the website chat as notices to the
 * customer. `text` carries a short pt-BR sentence for search and for readers that know no events.
 */
export const ConversationEventPayload = z.discriminatedUnion('event', [
  z.object({
    event: z.literal('queued'),
    /** 1 = next to be taken in the team's queue. */
    position: z.number().int().positive(),
    /** From recent waits in the team; null when there are too few to say. */
    waitMinutes: z.number().int().positive().nullable(),
  }),
  z.object({ event: z.literal('joined'), agentId: Id, agentName: z.string() }),
  z.object({
    event: z.literal('transferred'),
    fromTeamId: Id, toTeamId: Id, fromAgentId: Id.nullable(), toAgentId: Id.nullable(), byUserId: Id.nullable(),
    /** R-WS-19: the note for the receiver; internal, never shown to the customer (`visitorEvent`). */
    note: z.string().max(1000).optional(),
  }),
  z.object({ event: z.literal('returned'), fromAgentId: Id.nullable(), byUserId: Id.nullable(), note: z.string().max(1000).optional() }),
  z.object({ event: z.literal('finished'), byUserId: Id.nullable() }),
  // Reclame Aqui (issue 12): the message's status follows the upstream call (queued → sent | failed).
  z.object({
    event: z.literal('raModerationRequested'),
    reason: z.string(), targetCompany: z.string().nullable(), message: z.string(), byUserId: Id.nullable(),
  }),
  z.object({ event: z.literal('raModerationDecided'), reason: z.string().nullable(), accepted: z.boolean() }),
  z.object({ event: z.literal('raEvaluationRequested'), byUserId: Id.nullable() }),
  // Tickets (issue 13, R-WS-14): an internal trace line (private: never shown to the customer).
  z.object({ event: z.literal('ticketLinked'), number: z.string(), messageCount: z.number().int().nonnegative(), byUserId: Id.nullable() }),
  // Invited collaborators (issue 13, R-WS-05): who came in (and who asked), who left; shown to the customer on webchat.
  z.object({ event: z.literal('invited'), agentId: Id, agentName: z.string(), byUserId: Id.nullable() }),
  z.object({ event: z.literal('left'), agentId: Id, agentName: z.string() }),
]);
export type ConversationEventPayload = z.infer<typeof ConversationEventPayload>;

/** The event a stored message stands for, or undefined for any other message. */
export function conversationEventOf(message: { direction: string; kind: string; payload: unknown }): ConversationEventPayload | undefined {
  if (message.direction !== 'system' || message.kind !== 'event') return undefined;
  const parsed = ConversationEventPayload.safeParse(message.payload);
  return parsed.success ? parsed.data : undefined;
}

/** The fallback sentence stored as the event's text (pt-BR, the product's default language). */
export function conversationEventText(e: ConversationEventPayload): string {
  switch (e.event) {
    case 'queued':
      return `Você está na fila de atendimento (posição ${e.position}${e.waitMinutes === null ? '' : `, espera estimada de ${e.waitMinutes} min`}).`;
    case 'joined':
      return `${e.agentName} entrou na conversa.`;
    case 'transferred':
      return 'A conversa foi transferida.';
    case 'returned':
      return 'A conversa voltou para a fila de atendimento.';
    case 'finished':
      return 'Conversa encerrada.';
    case 'raModerationRequested':
      return `Moderação solicitada ao Reclame Aqui: ${raModerationReasonName(e.reason)}.`;
    case 'raModerationDecided':
      return e.accepted ? 'O Reclame Aqui aceitou a moderação.' : 'O Reclame Aqui recusou a moderação.';
    case 'raEvaluationRequested':
      return 'Avaliação solicitada ao consumidor no Reclame Aqui.';
    case 'ticketLinked':
      return `Conversa vinculada ao ticket ${e.number}.`;
    case 'invited':
      return `${e.agentName} entrou na conversa a convite.`;
    case 'left':
      return `${e.agentName} saiu da conversa.`;
  }
}

/** What the customer's widget may learn of an event: a transfer note is for the receiving agent only (R-WS-19). */
export function visitorEvent(e: ConversationEventPayload): ConversationEventPayload {
  if ((e.event === 'transferred' || e.event === 'returned') && e.note !== undefined) {
    const { note: _internal, ...shown } = e;
    return shown;
  }
  return e;
}
