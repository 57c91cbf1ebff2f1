import {
  MESSAGE_TEXT_MAX, RA_COMPANY_INTERACTION_TYPES, RA_CONSUMER_INTERACTION_TYPES, RA_EVALUATED_STATUS_IDS, RA_EVALUATION_INTERACTION_TYPE,
  RA_META, raInteractionTypeOf, raEvaluationFitting, raEvaluationPayload, raEvaluationText, raInteractionVisibility, raModerationStatusOf,
  raStatusName, reclameAquiMetaOf, type AnswerVisibility, type MessageDoc,
} from '@atende/protocol';
import type { RaTicket } from './client.js';

type Interaction = NonNullable<RaTicket['interactions']>[number];

/** One message of a complaint's thread, as the poller stores it. */
export interface TicketMessage {
  externalId: string;
  text: string;
  at: number;
  payload: MessageDoc['payload'];
  /** The consumer's (an inbound message) or the company's written on the site (stored as sent). */
  by: 'consumer' | 'company';
  visibility: AnswerVisibility;
  /** The interaction it comes from (the parts of a long one share it); null for the complaint itself. */
  interactionId: string | null;
}

/** What the domain stores of a complaint: its consumer, its header and its thread's messages. */
export interface TicketInbound {
  /** The conversation thread: one per complaint. */
  threadKey: string;
  /** The consumer's address on the channel: HugMe's customer id (else the complaint's own). */
  address: string;
  name: string;
  email: string | undefined;
  /** The conversation's header (R-CH-06, R-CH-09, R-CH-10), as the channelMeta keys the poller owns. */
  meta: Record<string, string>;
  /** The complaint first, then the interactions (the consumer's and the company's on the site), oldest first. */
  messages: TicketMessage[];
  /**
   * The moderation as HugMe has it now, or null when none was asked. A status not in the
   * protocol's table is RA_MODERATION_UNKNOWN, with the upstream's value in `upstream` (for the log).
   */
  moderation: { status: ReturnType<typeof raModerationStatusOf>; reason: string | null; upstream: string } | null;
}

const dateOf = (iso: string | null | undefined): number => {
  const at = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(at) ? at : Date.now();
};

/**
 * The complaint's page when HugMe gives one. The client kept it only on reclameaqui.com.br or the
 * account's own API host (ticketSchema.ts `complaintPageUrl`); this checks the scheme once more.
 */
const pageUrlOf = (ticket: RaTicket): string | null => {
  const url = ticket.public_url ?? null;
  return url && /^https?:\/\//i.test(url) ? url : null;
};

/** The upstream id of the complaint's own text: it is the thread's first message. */
export const complaintExternalId = (ticketId: string) => `ra-ticket-${ticketId}`;
export const interactionExternalId = (interactionId: string) => `ra-interaction-${interactionId}`;

/**
 * A text as messages of at most MESSAGE_TEXT_MAX characters (complaints run to 10,000), cut at a
 * space where there is one; the first part keeps the upstream id, the others `<id>-p2`, `-p3`…
 */
function partsOf(
  externalId: string, text: string, at: number, type: string, by: TicketMessage['by'], visibility: AnswerVisibility, interactionId: string | null,
): TicketMessage[] {
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
    by, visibility, interactionId,
  }));
}

/** The lines HugMe's evaluation message repeats from the ticket's fields ("Nota: 9", "Problema resolvido: Sim"…). */
const EVALUATION_ANSWER_LINE = /^\s*(nota|problema resolvido|voltaria a fazer neg[oó]cio)\s*:/i;

/**
 * The consumer's comment of an evaluation. Model assumption (CHANNELS.md names the ticket's
 * rating, resolved_issue and back_doing_business, not where the comment is): a `comment` field of
 * the interaction when HugMe sends one; else the interaction's message without the answer lines it
 * repeats ("Nota: …", "Problema resolvido: …", "Voltaria a fazer negócio: …"), as the fake writes it.
 */
function evaluationComment(interaction: Interaction): string | null {
  const field = (interaction as { comment?: unknown }).comment;
  if (typeof field === 'string') return field.trim() || null;
  const lines = (interaction.message ?? '').split('\n').filter((line) => !EVALUATION_ANSWER_LINE.test(line));
  return lines.join('\n').trim() || null;
}

/** The evaluation as ONE message (R-CH-10): the card's payload, and a text that fits one message. */
function evaluationMessage(ticket: RaTicket, interaction: Interaction): TicketMessage {
  const evaluation = raEvaluationFitting({
    rating: ticket.rating ?? null, resolved: ticket.resolved_issue ?? null,
    backDoingBusiness: ticket.back_doing_business ?? null, comment: evaluationComment(interaction),
  }, MESSAGE_TEXT_MAX);
  return {
    externalId: interactionExternalId(interaction.ticket_interaction_id), text: raEvaluationText(evaluation),
    at: dateOf(interaction.creation_date), payload: { ...raEvaluationPayload(evaluation), raInteractionType: RA_EVALUATION_INTERACTION_TYPE },
    by: 'consumer', visibility: raInteractionVisibility(RA_EVALUATION_INTERACTION_TYPE, interaction.privacy), interactionId: interaction.ticket_interaction_id,
  };
}

/** An interaction as its message(s): the consumer's, the evaluation, the company's on the site; others none. */
function messagesOf(ticket: RaTicket, i: Interaction): TicketMessage[] {
  const type = i.ticket_interaction_type_id;
  if (type === RA_EVALUATION_INTERACTION_TYPE) return [evaluationMessage(ticket, i)];
  const text = i.message?.trim() ?? '';
  const by = RA_CONSUMER_INTERACTION_TYPES.includes(type) ? 'consumer' : RA_COMPANY_INTERACTION_TYPES.includes(type) ? 'company' : null;
  if (!by || !text) return [];
  const visibility = raInteractionVisibility(type, i.privacy);
  return partsOf(interactionExternalId(i.ticket_interaction_id), text, dateOf(i.creation_date), type, by, visibility, i.ticket_interaction_id);
}

/**
 * The header's fields the poller keeps current on every pass (R-CH-06, R-CH-09, R-CH-10). Keys it
 * does not know stay as others wrote them; `evaluated` is never written back to false.
 */
function headerMetaOf(ticket: RaTicket, interactions: Interaction[], moderation: TicketInbound['moderation']): Record<string, string> {
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
  // The complaint itself is the consumer's public word: it counts when HugMe does not list it.
  const publicWords = interactions.filter((i) => byOf(i) && raInteractionVisibility(i.ticket_interaction_type_id, i.privacy) === 'public');
  const lastPublic = publicWords.at(-1);
  meta[RA_META.lastPublicBy] = lastPublic ? byOf(lastPublic) ?? 'consumer' : 'consumer';
  const lastPublicAt = lastPublic ? lastPublic.creation_date : ticket.creation_date;
  if (lastPublicAt) meta[RA_META.lastPublicAt] = lastPublicAt;
  if (publicWords.some((i) => byOf(i) === 'company')) meta[RA_META.answeredPublicly] = 'true';
  if ((ticket.rating !== null && ticket.rating !== undefined) || RA_EVALUATED_STATUS_IDS.includes(status?.id ?? '')) meta[RA_META.evaluated] = 'true';
  if (moderation) {
    meta[RA_META.moderationStatus] = moderation.status;
    if (moderation.reason) meta[RA_META.moderationReason] = moderation.reason;
  }
  return meta;
}

/** Who writes an interaction of this type (RA_INTERACTION_TYPES); undefined for a type we do not know. */
const byOf = (i: Interaction) => raInteractionTypeOf(i.ticket_interaction_type_id)?.by;

const moderationOf = (ticket: RaTicket): TicketInbound['moderation'] => {
  const upstream = ticket.moderation?.status;
  if (upstream === undefined) return null;
  return { status: raModerationStatusOf(upstream), reason: ticket.moderation?.reason ?? null, upstream };
};

/** The header keys of a complaint (RA_META): what a conversation of the same complaint carries over. */
const RA_KEYS: readonly string[] = Object.values(RA_META);

/**
 * The header to store over a conversation's `current` channelMeta: its complaint keys, then the
 * ticket's. One exception: HugMe publishes a change 25–30 s late, so a ticket read just after our
 * public answer still shows the consumer's older public word; `lastPublicBy` goes back to the
 * consumer only when their last public word is newer than our answer (`lastPublicAt`).
 */
export function headerOver(current: Record<string, string>, upstream: Record<string, string>): Record<string, string> {
  const carried = Object.fromEntries(Object.entries(current).filter(([key]) => RA_KEYS.includes(key)));
  const next = { ...carried, ...upstream };
  const ours = Date.parse(current[RA_META.lastPublicAt] ?? '');
  const theirs = Date.parse(upstream[RA_META.lastPublicAt] ?? '');
  const unpublished = upstream[RA_META.lastPublicBy] === 'consumer' && current[RA_META.lastPublicBy] === 'company'
    && Number.isFinite(ours) && !(theirs >= ours);
  if (unpublished) {
    next[RA_META.lastPublicBy] = 'company';
    next[RA_META.lastPublicAt] = current[RA_META.lastPublicAt] ?? '';
  }
  return next;
}

/** A HugMe ticket as the channel stores it; interaction types are data (protocol/reclameAqui.ts). */
export function ticketInbound(ticket: RaTicket): TicketInbound {
  const customer = ticket.customer ?? undefined;
  // Oldest first; a stable sort keeps HugMe's order for interactions of the same instant.
  const interactions = [...(ticket.interactions ?? [])].sort((a, b) => dateOf(a.creation_date) - dateOf(b.creation_date));
  const moderation = moderationOf(ticket);
  // The title is in the header; the first message is what the consumer wrote.
  const complaint = ticket.complaint_content?.trim() || ticket.complaint_title?.trim() || `Reclamação ${ticket.id}`;
  return {
    threadKey: `raticket:${ticket.id}`,
    address: customer?.id ? `c${customer.id}` : `t${ticket.id}`,
    name: customer?.name?.trim() || `Consumidor ${ticket.id}`,
    email: customer?.email?.[0],
    meta: headerMetaOf(ticket, interactions, moderation),
    messages: [
      ...partsOf(complaintExternalId(ticket.id), complaint, dateOf(ticket.creation_date), '1', 'consumer', raInteractionVisibility('1'), null),
      ...interactions.flatMap((i) => messagesOf(ticket, i)),
    ],
    moderation,
  };
}
