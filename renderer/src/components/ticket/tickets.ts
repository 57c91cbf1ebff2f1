import { TICKET_REFUSALS, ticketFailureOf, type TicketLink } from '@atende/protocol';
import { CommandRefused, type CommandOutbox, type Outcome } from '../../db/outbox';

/**
 * "Vincular a ticket" / "Criar ticket" (R-WS-14) as an outbox command: stored before it is sent,
 * so it survives going offline or a reload, and repeated with the same id (the link's) until the
 * server answers. `queued` when it waits for the connection.
 */
export async function requestTicket(
  box: CommandOutbox,
  conversationId: string,
  body: { messageIds: string[]; number?: string },
  commandId: string,
): Promise<Outcome> {
  await box.enqueue({ kind: 'ticket', conversationId, body }, commandId);
  return box.settled(commandId);
}

/** A refusal the agent can act on, under i18n `ticket.refused.*`; else undefined (the server's own message is shown). */
export function ticketRefusalKey(error: unknown): 'integrationMissing' | 'foreignMessages' | 'tooMany' | undefined {
  if (!(error instanceof CommandRefused)) return undefined;
  switch (error.refusal.code) {
    case TICKET_REFUSALS.integrationMissing:
      return 'integrationMissing';
    case TICKET_REFUSALS.foreignMessages:
      return 'foreignMessages';
    case TICKET_REFUSALS.tooMany:
      return 'tooMany';
    default:
      return undefined;
  }
}

/** Chips in the order the links were made; a failed one keeps its reason for the hint. */
export function linksOf(links: readonly TicketLink[] | undefined): TicketLink[] {
  return [...(links ?? [])].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
}

/**
 * A failed link's reason under i18n `ticket.failure.*` with its values: the job stores the
 * server's pt-BR sentence, read back here by its shape; another sentence is shown as stored.
 */
export function ticketFailureText(error: string): { key: string; params: Record<string, string | number> } | undefined {
  const failure = ticketFailureOf(error);
  if (!failure) return undefined;
  if (failure.kind === 'refused') {
    return failure.detail ? { key: 'refused', params: { status: failure.status, detail: failure.detail } } : { key: 'refusedBare', params: { status: failure.status } };
  }
  return { key: failure.kind, params: 'status' in failure ? { status: failure.status } : {} };
}
