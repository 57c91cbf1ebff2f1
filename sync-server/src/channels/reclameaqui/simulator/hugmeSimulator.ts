import { LoopbackSimulator } from '../../simulators/simulator.js';
import { FakeHugMe, INTERACTION_TYPES, MODERATION_REASONS, type ConsumerEvaluation, type FakeHugMeOptions, type HugMeTicket, type NewComplaint } from './fakeHugMe.js';
import { customerPage } from './hugmePage.js';

/** One interaction as the simulator page shows it: who wrote, public or private, the text (always drawn as text). */
export interface InteractionView {
  id: number;
  type: number;
  name: string;
  by: 'consumer' | 'company';
  public: boolean;
  message: string;
  at: string;
  attachments: Array<{ name: string; url: string }>;
}

/** A complaint as the simulator page shows it (the consumer's side of HugMe). */
export interface ComplaintView {
  id: number;
  title: string;
  consumer: { name: string; email: string };
  city: string;
  state: string;
  status: { id: number; name: string };
  createdAt: string;
  /** The complaint's page on this simulator (the link the agent's header opens). */
  publicPath: string;
  interactions: InteractionView[];
  evaluation: { rating: number; resolved: boolean; backDoingBusiness: boolean } | null;
  /** When the company asked this consumer to evaluate (HugMe e-mails them; the page says so). */
  evaluationRequestedAt: string | null;
  moderation: { status: 'pending' | 'accepted' | 'refused'; reason: number; reasonName: string } | null;
}

const hugmeFileUrl = (id: string) => `/hugme/files/${encodeURIComponent(id)}`;

/** Evaluation requests remembered at most (a demo runs for days). */
const REQUESTS_KEPT = 1_000;

/**
 * The Reclame Aqui simulator (issue 12): the fake HugMe API our account polls (fakeHugMe.ts) plus
 * the consumer's side — a page on the same loopback server where a person files a complaint,
 * reads the company's public answers and private messages, writes back, evaluates, and plays
 * Reclame Aqui deciding a moderation request. HugMe has no webhooks: what happens here reaches the
 * Atende at its next poll (the account's pollSeconds).
 */
export class HugMeSimulator extends LoopbackSimulator<FakeHugMe> {
  private readonly evaluationRequests = new Map<number, string>();

  constructor(options: FakeHugMeOptions) {
    super(new FakeHugMe(options));
    this.hugme.pages = customerPage(this);
    this.unsubscribe = [this.hugme.onChange(({ ticket, cause }) => {
      if (cause !== 'evaluation-requested') return;
      this.evaluationRequests.delete(ticket.id);
      this.evaluationRequests.set(ticket.id, new Date().toISOString());
      if (this.evaluationRequests.size > REQUESTS_KEPT) this.evaluationRequests.delete(this.evaluationRequests.keys().next().value ?? 0);
    })];
  }

  /** The fake HugMe API (its origin is the page's; `baseUrl` is what our account's apiBaseUrl points at). */
  get hugme(): FakeHugMe {
    return this.upstream;
  }

  /** Every complaint, newest first. */
  complaints(): ComplaintView[] {
    return this.hugme.tickets().sort((a, b) => b.id - a.id).map((t) => this.view(t));
  }

  complaint(id: number): ComplaintView | undefined {
    const ticket = this.hugme.ticket(id);
    return ticket ? this.view(ticket) : undefined;
  }

  fileComplaint(input: NewComplaint): ComplaintView {
    return this.view(this.hugme.fileComplaint(input));
  }

  consumerReplies(id: number, message: string): ComplaintView {
    return this.view(this.hugme.consumerReplies(id, message));
  }

  consumerEvaluates(id: number, evaluation: ConsumerEvaluation): ComplaintView {
    return this.view(this.hugme.consumerEvaluates(id, evaluation));
  }

  decideModeration(id: number, accepted: boolean): ComplaintView {
    return this.view(this.hugme.decideModeration(id, accepted));
  }

  /** A file the company attached to a private message or a moderation request. */
  file(id: string): { bytes: Buffer; mimeType: string } | undefined {
    return this.hugme.files.get(id);
  }

  private view(ticket: HugMeTicket): ComplaintView {
    const moderation = ticket.moderation;
    return {
      id: ticket.id, title: ticket.complaint_title,
      consumer: { name: ticket.customer.name, email: ticket.customer.email[0] ?? '' },
      city: ticket.location.city, state: ticket.location.state, status: { ...ticket.ra_status }, createdAt: ticket.creation_date,
      publicPath: new URL(ticket.public_url).pathname,
      interactions: ticket.interactions.map((i) => ({
        id: i.ticket_interaction_id, type: i.ticket_interaction_type_id,
        name: INTERACTION_TYPES[i.ticket_interaction_type_id]?.name ?? `Interação ${i.ticket_interaction_type_id}`,
        by: INTERACTION_TYPES[i.ticket_interaction_type_id]?.by ?? 'consumer', public: !i.privacy, message: i.message, at: i.creation_date,
        attachments: i.attachments.map((a) => ({ name: a.name, url: hugmeFileUrl(a.id) })),
      })),
      evaluation: ticket.rating === null ? null : { rating: ticket.rating, resolved: ticket.resolved_issue === true, backDoingBusiness: ticket.back_doing_business === true },
      evaluationRequestedAt: this.evaluationRequests.get(ticket.id) ?? null,
      moderation: moderation ? { ...moderation, reasonName: MODERATION_REASONS[moderation.reason]?.name ?? `Motivo ${moderation.reason}` } : null,
    };
  }
}
