import {
  MESSAGE_TEXT_MAX, RA_CONSUMER_INTERACTION_TYPES, raStatusName, reclameAquiMetaOf, type MessageDoc,
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

/**
 * A text as messages of at most MESSAGE_TEXT_MAX characters (complaints run to 10,000), cut at a
 * space where there is one; the first part keeps the upstream id, the others `<id>-p2`, `-p3`…
 */
function partsOf(externalId: string, text: string, at: number, type: string): TicketInbound['messages'] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > MESSAGE_TEXT_MAX) {
    const space = rest.lastIndexOf(' ', MESSAGE_TEXT_MAX);
    const cut = space > MESSAGE_TEXT_MAX / 2 ? space : MESSAGE_TEXT_MAX;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  parts.push(rest);
  return parts.map((part, n) => ({
    externalId: n === 0 ? externalId : `${externalId}-p${n + 1}`, text: part, at, payload: { raInteractionType: type },
  }));
}

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
  // The title is in the header; the first message is what the consumer wrote.
  const complaint = ticket.complaint_content?.trim() || ticket.complaint_title?.trim() || `Reclamação ${ticket.id}`;
  const messages = partsOf(complaintExternalId(ticket.id), complaint, dateOf(ticket.creation_date), '1');
  const consumer = (ticket.interactions ?? [])
    .filter((i) => RA_CONSUMER_INTERACTION_TYPES.includes(i.ticket_interaction_type_id) && i.message?.trim())
    .sort((a, b) => dateOf(a.creation_date) - dateOf(b.creation_date))
    .flatMap((i) => partsOf(interactionExternalId(i.ticket_interaction_id), i.message?.trim() ?? '', dateOf(i.creation_date), i.ticket_interaction_type_id));
  return {
    threadKey: `raticket:${ticket.id}`,
    address: customer?.id ? `c${customer.id}` : `t${ticket.id}`,
    name: customer?.name?.trim() || `Consumidor ${ticket.id}`,
    email: customer?.email?.[0],
    meta,
    messages: [...messages, ...consumer],
  };
}
