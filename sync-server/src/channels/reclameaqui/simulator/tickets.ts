import {
  EVALUATED_STATUSES, INTERACTION, INTERACTION_TYPES, RA_STATUSES, STATUS, type FilterField, type ListQuery, matches,
} from './hugmeContract.js';

/**
 * The fake HugMe's complaints: the ticket shape it answers, the consumer's and the company's
 * changes, the listing, and the reputation computed from them. Every change moves
 * `last_modification_date` strictly forward, since pollers take it as their cursor.
 *
 * Model assumptions (CHANNELS.md lists the fields, not their exact placement): the consumer's city
 * and state are in `location {city, state}`; the complaint's page is `public_url`; `moderation`
 * is null until the company asks for it; dates are ISO 8601 in UTC with milliseconds.
 */

export interface HugMeAttachment { id: string; name: string; mime_type: string; size: number }

export interface HugMeInteraction {
  ticket_interaction_id: number;
  ticket_interaction_type_id: number;
  message: string;
  privacy: boolean;
  creation_date: string;
  attachments: HugMeAttachment[];
}

export interface HugMeTicket {
  id: number;
  complaint_title: string;
  complaint_content: string;
  customer: { id: number; name: string; email: string[]; phone_numbers: string[] };
  location: { city: string; state: string };
  creation_date: string;
  last_modification_date: string;
  ra_status: { id: number; name: string };
  interactions: HugMeInteraction[];
  rating: number | null;
  resolved_issue: boolean | null;
  back_doing_business: boolean | null;
  /** Model assumption: these status values (CHANNELS.md names `moderation {status, reason}` only); the client reads them through protocol RA_UPSTREAM_MODERATION_STATUSES. */
  moderation: { status: 'pending' | 'accepted' | 'refused'; reason: number } | null;
  public_url: string;
}

export interface NewComplaint {
  customer: { name: string; email: string | string[]; phone?: string | string[] };
  title: string;
  content: string;
  city: string;
  state: string;
}

export interface ConsumerEvaluation { rating: number; resolved: boolean; backDoingBusiness: boolean; comment?: string }

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** A ticket's value of a listing field, as a number (dates as epoch ms). */
function fieldOf(ticket: HugMeTicket, field: FilterField): number {
  switch (field) {
    case 'id': return ticket.id;
    case 'ra_status.id': return ticket.ra_status.id;
    case 'creation_date': return Date.parse(ticket.creation_date);
    case 'last_modification_date': return Date.parse(ticket.last_modification_date);
  }
}

const slug = (text: string) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);

export class TicketBook {
  private readonly tickets = new Map<number, HugMeTicket>();
  private lastStamp = 0;
  private ticketIds: number;
  private interactionIds: number;
  private customerIds = 0;

  /** `firstId`: ticket and interaction ids count from after it (default: tickets from 100 001, interactions from 1). */
  constructor(private readonly now: () => number, private readonly pageUrl: (slugAndId: string) => string, firstId?: number) {
    this.ticketIds = firstId ?? 100_000;
    this.interactionIds = firstId ?? 0;
  }

  get(id: number): HugMeTicket | undefined {
    return this.tickets.get(id);
  }

  all(): HugMeTicket[] {
    return [...this.tickets.values()];
  }

  /** The next change's time: the clock, but always after the previous change (pollers resume from it). */
  stamp(): string {
    this.lastStamp = Math.max(this.now(), this.lastStamp + 1);
    return new Date(this.lastStamp).toISOString();
  }

  file(input: NewComplaint): HugMeTicket {
    const id = ++this.ticketIds;
    const at = this.stamp();
    const emails = list(input.customer.email);
    const known = this.all().find((t) => t.customer.email.some((e) => emails.includes(e)));
    const ticket: HugMeTicket = {
      id, complaint_title: input.title, complaint_content: input.content,
      customer: { id: known?.customer.id ?? ++this.customerIds, name: input.customer.name, email: emails, phone_numbers: list(input.customer.phone) },
      location: { city: input.city, state: input.state },
      creation_date: at, last_modification_date: at,
      ra_status: { id: STATUS.notAnswered, name: RA_STATUSES[STATUS.notAnswered] ?? '' },
      interactions: [], rating: null, resolved_issue: null, back_doing_business: null, moderation: null,
      public_url: this.pageUrl(`${slug(input.title) || 'reclamacao'}_${id}`),
    };
    ticket.interactions.push(this.interaction(INTERACTION.complaint, input.content, at));
    this.tickets.set(id, ticket);
    return ticket;
  }

  /** Adds an interaction (and moves the ticket's modification date). */
  addInteraction(ticket: HugMeTicket, type: number, message: string, attachments: HugMeAttachment[] = []): HugMeInteraction {
    const at = this.stamp();
    const interaction = { ...this.interaction(type, message, at), attachments };
    ticket.interactions.push(interaction);
    ticket.last_modification_date = at;
    return interaction;
  }

  setStatus(ticket: HugMeTicket, statusId: number): void {
    ticket.ra_status = { id: statusId, name: RA_STATUSES[statusId] ?? `status ${statusId}` };
    ticket.last_modification_date = this.stamp();
  }

  /** Marks a change that adds no interaction (a moderation decision). */
  touch(ticket: HugMeTicket): void {
    ticket.last_modification_date = this.stamp();
  }

  /**
   * Model assumption: the evaluation interaction's message repeats the answers as "Nota: …",
   * "Problema resolvido: Sim|Não", "Voltaria a fazer negócio: Sim|Não" lines, then the comment
   * (the client strips those lines to find the comment, reclameaqui/tickets.ts).
   */
  evaluate(ticket: HugMeTicket, evaluation: ConsumerEvaluation): void {
    const answers = [
      `Nota: ${evaluation.rating}`, `Problema resolvido: ${evaluation.resolved ? 'Sim' : 'Não'}`,
      `Voltaria a fazer negócio: ${evaluation.backDoingBusiness ? 'Sim' : 'Não'}`, ...(evaluation.comment ? [evaluation.comment] : []),
    ];
    this.addInteraction(ticket, INTERACTION.evaluation, answers.join('\n'));
    Object.assign(ticket, { rating: evaluation.rating, resolved_issue: evaluation.resolved, back_doing_business: evaluation.backDoingBusiness });
    // The site shows "Avaliada" first and then settles on resolved / not resolved: two changes.
    this.setStatus(ticket, STATUS.evaluated);
    this.setStatus(ticket, evaluation.resolved ? STATUS.resolved : STATUS.notResolved);
  }

  /** Why the company may not ask this ticket's consumer to evaluate it, if it may not. */
  evaluationRefusal(ticket: HugMeTicket): string | undefined {
    if (EVALUATED_STATUSES.includes(ticket.ra_status.id) || ticket.rating !== null) return 'complaint already evaluated';
    const lastPublic = ticket.interactions.filter((i) => !i.privacy).at(-1);
    if (!lastPublic || INTERACTION_TYPES[lastPublic.ticket_interaction_type_id]?.by !== 'company') {
      return 'the last public interaction must be the company\'s answer';
    }
    return undefined;
  }

  /** The listing: filters, then sort (stable by id), then the page; `total` counts every match. */
  list(query: ListQuery): { data: HugMeTicket[]; total: number } {
    const found = this.all().filter((t) => query.filters.every((f) => matches(fieldOf(t, f.field), f)));
    const sort = [...query.sort, { field: 'id' as const, dir: 1 as const }];
    found.sort((a, b) => {
      for (const s of sort) {
        const d = fieldOf(a, s.field) - fieldOf(b, s.field);
        if (d !== 0) return d * s.dir;
      }
      return 0;
    });
    const start = (query.page - 1) * query.size;
    return { data: found.slice(start, start + query.size), total: found.length };
  }

  clear(): void {
    this.tickets.clear();
  }

  private interaction(type: number, message: string, at: string): HugMeInteraction {
    return {
      ticket_interaction_id: ++this.interactionIds, ticket_interaction_type_id: type, message,
      privacy: INTERACTION_TYPES[type]?.privacy ?? true, creation_date: at, attachments: [],
    };
  }
}
