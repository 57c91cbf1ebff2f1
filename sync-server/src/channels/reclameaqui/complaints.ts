import { docId, RA_META, type ContactDoc, type ConversationDoc } from '@atende/protocol';
import type { ChannelAccountDoc } from '../../channelAccounts/service.js';
import type { ContactDirectory } from '../../contacts/directory.js';
import { ConversationEvents } from '../../conversations/events.js';
import { threadIdOf, type InboundService, type ThreadDoc } from '../../conversations/inbound.js';
import type { DocStore } from '../../store/index.js';
import { getWire, updateWire } from '../../store/wire.js';
import { upstreamMessageKey } from '../inbound.js';
import type { RaTicket } from './client.js';
import { ticketInbound, type TicketInbound, type TicketMessage } from './tickets.js';

/** Who wrote an answer the company gave on the site itself (no agent of Atende). */
export const SITE_AUTHOR = 'Reclame Aqui (site)';

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
}

/**
 * One complaint as HugMe has it now, into its conversation (issue 12): the consumer's messages
 * and evaluation (inbound, R-CH-10), the company's answers written on the site (as sent), the
 * header (R-CH-06) and the moderation's outcome (R-CH-09). Every write is keyed by the upstream,
 * so a ticket read any number of times stores each thing once.
 */
export class ComplaintSync {
  private readonly events: ConversationEvents;

  constructor(private readonly deps: ComplaintSyncDeps) {
    this.events = new ConversationEvents(deps.store);
  }

  async store(account: ChannelAccountDoc, ticket: RaTicket): Promise<ComplaintOutcome> {
    const t = ticketInbound(ticket);
    const contact = await this.deps.contacts.contactFor('reclameaqui', t.address, { name: t.name, ...(t.email ? { email: t.email } : {}) });
    let outcome: ComplaintOutcome = 'stored';
    // The parts of a long answer follow their first: one Atende sent is skipped whole.
    const passed = new Set<string>();
    for (const m of t.messages) {
      if (m.by === 'consumer') {
        await this.deps.inbound.receive({
          account, contact, messageKey: upstreamMessageKey(account._id, m.externalId), authorName: t.name, kind: 'text',
          text: m.text, payload: m.payload, externalId: m.externalId, threadKey: t.threadKey, channelMeta: t.meta,
        });
        continue;
      }
      if (m.interactionId && passed.has(m.interactionId)) continue;
      const answer = await this.companyAnswer(account, contact, t, m);
      if (answer === 'stored') continue;
      if (answer === 'deferred') outcome = 'deferred';
      if (m.interactionId) passed.add(m.interactionId);
    }
    await this.header(account, t, ticket.last_modification_date);
    return outcome;
  }

  /**
   * An answer of the company, as sent by no agent, unless Atende sent it itself (its message
   * carries the interaction's id once HugMe answered). An answer of ours still on its way has no
   * id yet: one with the same text waits for the next read rather than being doubled.
   */
  private async companyAnswer(account: ChannelAccountDoc, contact: ContactDoc, t: TicketInbound, m: TicketMessage): Promise<'stored' | 'skipped' | 'deferred'> {
    const messageKey = upstreamMessageKey(account._id, m.externalId);
    if (await this.deps.store.get(docId('message', messageKey))) return 'stored';
    const conversationId = await this.latestConversationId(account, t);
    if (conversationId && (await this.answerInFlight(conversationId, m.text))) return 'deferred';
    const stored = await this.deps.inbound.receiveEcho({
      account, contact, messageKey, authorName: SITE_AUTHOR, kind: 'text', text: m.text, payload: m.payload,
      externalId: m.externalId, threadKey: t.threadKey, visibility: m.visibility,
    });
    return stored ? 'stored' : 'skipped';
  }

  private async answerInFlight(conversationId: string, text: string): Promise<boolean> {
    const queued = await this.deps.store.find({ selector: { type: 'message', conversationId, direction: 'out', status: 'queued' }, limit: 50 });
    return queued.some((q) => !q._deleted && String(q.text).trim() === text);
  }

  private async latestConversationId(account: ChannelAccountDoc, t: TicketInbound): Promise<string | undefined> {
    const thread = (await this.deps.store.get(threadIdOf(account._id, t.threadKey))) as ThreadDoc | undefined;
    return thread?.openConversationId ?? undefined;
  }

  /**
   * The header follows the complaint (status, last public word, evaluation, moderation), merged
   * into channelMeta so keys others write (evaluationRequestedAt, the origin) stay. A moderation
   * seen pending and now decided writes its event first, with an id from the ticket's change: a
   * pass that stops before the header is written writes the same event again, which the store
   * keeps once; after the header says decided, no pass writes it again.
   */
  private async header(account: ChannelAccountDoc, t: TicketInbound, changedAt: string): Promise<void> {
    const conversationId = await this.latestConversationId(account, t);
    const conversation = conversationId ? await getWire<ConversationDoc>(this.deps.store, conversationId) : undefined;
    if (!conversation) return;
    const decided = t.moderation && t.moderation.status !== 'pending' ? t.moderation : null;
    if (decided && conversation.channelMeta[RA_META.moderationStatus] === 'pending') {
      const at = Date.parse(changedAt);
      await this.events.record(conversation.id, [{
        key: `ramoderation.${decided.status}.${Number.isFinite(at) ? at : 0}`,
        payload: { event: 'raModerationDecided', reason: decided.reason ?? conversation.channelMeta[RA_META.moderationReason] ?? null, accepted: decided.status === 'accepted' },
        at: Date.now(),
      }]);
    }
    await updateWire<ConversationDoc>(this.deps.store, conversation.id, (c) => {
      if (!c || Object.entries(t.meta).every(([k, v]) => c.channelMeta[k] === v)) return undefined;
      return { ...c, channelMeta: { ...c.channelMeta, ...t.meta }, updatedAt: Math.max(Date.now(), c.updatedAt + 1) };
    });
  }
}
