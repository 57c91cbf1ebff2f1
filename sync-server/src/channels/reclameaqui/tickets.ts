import {
  RA_CONSUMER_INTERACTION_TYPES, raStatusName, reclameAquiMetaOf, type MessageDoc,
} from '@atende/protocol';
import type { RaTicket } from './client.js';

/** What the domain stores of a complaint: its consumer, its header and the consumer's messages. */
export interface TicketInbound {
  /** The conversation thread: one per complaint. */
  threadKey: string;
  /** The consumer's address on the channel: HugMe's customer id (else the complaint's own). */
  address: string;
  name: string;
  email: string | undefined;
  /** The conversation's header (R-CH-06), as channelMeta. */
  meta: Record<string, string>;
  /** The complaint first, then the consumer's interactions, oldest first. */
  messages: Array<{ externalId: string; text: string; at: number; payload: MessageDoc['payload'] }>;
}

const dateOf = (iso: string | null | undefined): number => {
  const at = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(at) ? at : Date.now();
};

/** The complaint's page on reclameaqui.com.br when HugMe gives one. */
const pageUrlOf = (ticket: RaTicket): string | null => {
  const url = ticket.public_url ?? null;
  return url && /^https?:\/\//.test(url) ? url : null;
};

/** The upstream id of the complaint's own text: it is the thread's first message. */
export const complaintExternalId = (ticketId: string) => `ra-ticket-${ticketId}`;
export const interactionExternalId = (interactionId: string) => `ra-interaction-${interactionId}`;

/** A HugMe ticket as the channel stores it; interaction types are data (RA_CONSUMER_INTERACTION_TYPES). */
export function ticketInbound(ticket: RaTicket): TicketInbound {
  const customer = ticket.customer ?? undefined;
  const status = ticket.ra_status ? { id: ticket.ra_status.id, name: raStatusName(ticket.ra_status.id, ticket.ra_status.name) } : null;
  const meta = reclameAquiMetaOf({
    complaintId: ticket.id,
    title: ticket.complaint_title?.trim() ?? '',
    city: ticket.location?.city ?? null,
    state: ticket.location?.state ?? null,
    createdAt: ticket.creation_date ?? null,
    pageUrl: pageUrlOf(ticket),
    status,
  });
  const complaint = [ticket.complaint_title?.trim(), ticket.complaint_content?.trim()].filter(Boolean).join('\n\n');
  const messages: TicketInbound['messages'] = [{
    externalId: complaintExternalId(ticket.id), text: complaint || `Reclamação ${ticket.id}`, at: dateOf(ticket.creation_date),
    payload: { raInteractionType: '1' },
  }];
  const consumer = (ticket.interactions ?? [])
    .filter((i) => RA_CONSUMER_INTERACTION_TYPES.includes(i.ticket_interaction_type_id) && i.message?.trim())
    .map((i) => ({
      externalId: interactionExternalId(i.ticket_interaction_id), text: i.message?.trim() ?? '', at: dateOf(i.creation_date),
      payload: { raInteractionType: i.ticket_interaction_type_id },
    }))
    .sort((a, b) => a.at - b.at);
  return {
    threadKey: `raticket:${ticket.id}`,
    address: customer?.id ? `c${customer.id}` : `t${ticket.id}`,
    name: customer?.name?.trim() || `Consumidor ${ticket.id}`,
    email: customer?.email?.[0],
    meta,
    messages: [...messages, ...consumer],
  };
}
