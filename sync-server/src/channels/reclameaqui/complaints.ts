import { docId, RA_META, RA_MODERATION_UNKNOWN, type ContactDoc, type ConversationDoc, type MessageDoc } from '@atende/protocol';
import type { ChannelAccountDoc } from '../../channelAccounts/service.js';
import type { ContactDirectory } from '../../contacts/directory.js';
import { mergeChannelMeta } from '../../conversations/channelMeta.js';
import { ConversationEvents } from '../../conversations/events.js';
import { conversationIdOf, threadIdOf, type InboundService, type ThreadDoc } from '../../conversations/inbound.js';
import { findByExternalId } from '../../conversations/messages.js';
import type { DocStore } from '../../store/index.js';
import { getWire, toWire, updateWire } from '../../store/wire.js';
import { upstreamMessageKey } from '../inbound.js';
import type { RaTicket } from './client.js';
import { headerOver, ticketInbound, type TicketInbound, type TicketMessage } from './tickets.js';

/** Who wrote an answer the company gave on the site itself (no agent of Atende). */
export const SITE_AUTHOR = 'Reclame Aqui (site)';

/**
 * How far apart an answer Atende sent and the interaction HugMe lists for it may be, when HugMe
 * gave no interaction id back (see `claimOurAnswer`).
 */
export const OUR_ANSWER_WINDOW_MS = 10 * 60_000;

/**
 * - 'stored': everything the ticket holds is stored (again, harmlessly, when it already was);
 * - 'deferred': an answer of the company may be one Atende is sending right now, its upstream id
 *   not recorded yet: the rest is stored, and the poller reads the ticket again (look-back).
 */
export type ComplaintOutcome = 'stored' | 'deferred';

export interface ComplaintSyncDeps {
  store: DocStore;
  contacts: ContactDirectory;
  inbound: InboundService;
  /** Where an upstream value the channel does not know is reported (once per value). */
  log?: (message: string) => void;
}

/**
 * One complaint as HugMe has it now, into its conversation (issue 12): the consumer's messages
 * and evaluation (inbound, R-CH-10), the company's answers written on the site (as sent), the
 * header (R-CH-06) and the moderation's outcome (R-CH-09). Every write is keyed by the upstream,
 * so a ticket read any number of times stores each thing once.
 */
export class ComplaintSync {
  private readonly events: ConversationEvents;
  private readonly reported = new Set<string>();

  constructor(private readonly deps: ComplaintSyncDeps) {
    this.events = new ConversationEvents(deps.store);
  }

  async sync(account: ChannelAccountDoc, ticket: RaTicket): Promise<ComplaintOutcome> {
    const complaint = ticketInbound(ticket);
    this.reportUnknownModeration(account, complaint);
    const contact = await this.deps.contacts.contactFor('reclameaqui', complaint.address, {
      name: complaint.name, ...(complaint.email ? { email: complaint.email } : {}),
    });
    // A consumer's message after the conversation was finished opens a new one (the core's rule):
    // it starts with the complaint's header as the thread's latest conversation has it.
    const latest = await this.latestConversation(account, complaint);
    const opening = headerOver(latest?.channelMeta ?? {}, complaint.meta);
    let outcome: ComplaintOutcome = 'stored';
    // The parts of a long answer follow their first: one Atende sent is skipped whole.
    const passed = new Set<string>();
    for (const m of complaint.messages) {
      if (m.by === 'consumer') {
        await this.deps.inbound.receive({
          account, contact, messageKey: upstreamMessageKey(account._id, m.externalId), authorName: complaint.name, kind: 'text',
          text: m.text, payload: m.payload, externalId: m.externalId, threadKey: complaint.threadKey, channelMeta: opening,
          visibility: m.visibility,
        });
        continue;
      }
      if (m.interactionId && passed.has(m.interactionId)) continue;
      const answer = await this.companyAnswer(account, contact, complaint, m);
      if (answer === 'stored') continue;
      if (answer === 'deferred') outcome = 'deferred';
      if (m.interactionId) passed.add(m.interactionId);
    }
    await this.header(account, complaint, ticket.last_modification_date);
    return outcome;
  }

  /** A moderation status HugMe sent that the protocol's table does not know: one log line per value. */
  private reportUnknownModeration(account: ChannelAccountDoc, complaint: TicketInbound): void {
    const moderation = complaint.moderation;
    if (moderation?.status !== RA_MODERATION_UNKNOWN || this.reported.has(moderation.upstream)) return;
    this.reported.add(moderation.upstream);
    const shown = moderation.upstream.slice(0, 40).replace(/[^\w .:-]/g, '?');
    this.deps.log?.(`reclameaqui ${account._id}: unknown moderation status "${shown}" (read as not pending)`);
  }

  /**
   * An answer of the company, as sent by no agent, unless Atende sent it itself (its message
   * carries the interaction's id once HugMe answered). An answer of ours still on its way has no
   * id yet: one with the same text waits for the next read rather than being doubled.
   */
  private async companyAnswer(account: ChannelAccountDoc, contact: ContactDoc, complaint: TicketInbound, m: TicketMessage): Promise<'stored' | 'skipped' | 'deferred'> {
    const messageKey = upstreamMessageKey(account._id, m.externalId);
    if (await this.deps.store.get(docId('message', messageKey))) return 'stored';
    // Ours, its interaction id recorded (HugMe's answer to the send, or an earlier pass's match).
    if (await findByExternalId(this.deps.store, account._id, m.externalId)) return 'skipped';
    const latest = await this.latestConversation(account, complaint);
    if (latest && (await this.answerInFlight(latest.id, m.text))) return 'deferred';
    if (await this.claimOurAnswer(account, complaint, m)) return 'skipped';
    const stored = await this.deps.inbound.receiveEcho({
      account, contact, messageKey, authorName: SITE_AUTHOR, kind: 'text', text: m.text, payload: m.payload,
      externalId: m.externalId, threadKey: complaint.threadKey, visibility: m.visibility,
    });
    return stored ? 'stored' : 'skipped';
  }

  private async answerInFlight(conversationId: string, text: string): Promise<boolean> {
    const queued = await this.deps.store.find({ selector: { type: 'message', conversationId, direction: 'out', status: 'queued' }, limit: 50 });
    return queued.some((q) => !q._deleted && String(q.text).trim() === text);
  }

  /**
   * Model assumption: HugMe answers message/public and message/private with the interaction's
   * `ticket_interaction_id` (CHANNELS.md does not say), which the sent message then carries. When
   * it gave none, the interaction is ours if an agent's message of this complaint (its latest two
   * conversations), sent with no upstream id, has the same text and visibility and was sent within
   * OUR_ANSWER_WINDOW_MS of it: that message takes the interaction's id (a conditional write, so
   * two equal answers claim one interaction each), and the answer is not imported as the site's.
   */
  private async claimOurAnswer(account: ChannelAccountDoc, complaint: TicketInbound, m: TicketMessage): Promise<boolean> {
    const threadId = threadIdOf(account._id, complaint.threadKey);
    const seq = ((await this.deps.store.get(threadId)) as ThreadDoc | undefined)?.seq ?? 0;
    for (const n of [seq, seq - 1].filter((k) => k > 0)) {
      const conversationId = conversationIdOf(threadId, n);
      const found = await this.deps.store.find({ selector: { type: 'message', conversationId, direction: 'out', externalId: null }, limit: 200 });
      const ours = found
        .filter((d) => !d._deleted)
        .map((d) => toWire<MessageDoc>(d))
        .filter((o) => o.authorId !== null && ['sent', 'delivered', 'read'].includes(o.status) && o.text.trim() === m.text
          && o.visibility === m.visibility && Math.abs(o.updatedAt - m.at) <= OUR_ANSWER_WINDOW_MS)
        .sort((a, b) => a.createdAt - b.createdAt);
      for (const candidate of ours) {
        const { written } = await updateWire<MessageDoc>(this.deps.store, candidate.id, (o) =>
          o && o.externalId === null ? { ...o, externalId: m.externalId, updatedAt: Math.max(Date.now(), o.updatedAt + 1) } : undefined,
        );
        if (written) return true;
      }
    }
    return false;
  }

  private async latestConversation(account: ChannelAccountDoc, complaint: TicketInbound): Promise<ConversationDoc | undefined> {
    const thread = (await this.deps.store.get(threadIdOf(account._id, complaint.threadKey))) as ThreadDoc | undefined;
    return thread?.openConversationId ? getWire<ConversationDoc>(this.deps.store, thread.openConversationId) : undefined;
  }

  /**
   * The header follows the complaint (status, last public word, evaluation, moderation), merged
   * into channelMeta so keys others write (evaluationRequestedAt, the origin) stay. A moderation
   * seen pending and now decided writes its event first, with an id from the ticket's change: a
   * pass that stops before the header is written writes the same event again, which the store
   * keeps once; after the header says decided, no pass writes it again.
   */
  private async header(account: ChannelAccountDoc, complaint: TicketInbound, changedAt: string): Promise<void> {
    const conversation = await this.latestConversation(account, complaint);
    if (!conversation) return;
    const status = complaint.moderation?.status;
    const decided = status === 'accepted' || status === 'refused' ? { status, reason: complaint.moderation?.reason ?? null } : null;
    if (decided && conversation.channelMeta[RA_META.moderationStatus] === 'pending') {
      const at = Date.parse(changedAt);
      await this.events.record(conversation.id, [{
        key: `ramoderation.${decided.status}.${Number.isFinite(at) ? at : 0}`,
        payload: { event: 'raModerationDecided', reason: decided.reason ?? conversation.channelMeta[RA_META.moderationReason] ?? null, accepted: decided.status === 'accepted' },
        at: Date.now(),
      }]);
    }
    await mergeChannelMeta(this.deps.store, conversation.id, (current) => headerOver(current, complaint.meta));
  }
}
