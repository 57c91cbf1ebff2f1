import {
  conversationEventText, keyOf, mayLinkTicket, MAX_TICKET_LINKS, notFound, ticketIdConflict, ticketIntegrationMissing, ticketLinksFull,
  ticketMessagesForeign, type ConversationDoc, type ConversationEventPayload, type MessageDoc, type TicketBody, type TicketLink, type UserDoc,
} from '@atende/protocol';
import { visibleConversation } from '../access/conversations.js';
import { eventMessageId } from '../conversations/events.js';
import { writeWithOutbox } from '../conversations/outbox.js';
import { newJob, type JobDoc } from '../jobs/types.js';
import type { DocStore, StoredDoc } from '../store/index.js';
import { toStored, toWire } from '../store/wire.js';

/** The outbox job that asks the ticket system for a ticket (job.ts). */
export const TICKET_JOB = 'ticket-create';

export const ticketJob = (conversationId: string, linkId: string): JobDoc =>
  newJob(TICKET_JOB, `${keyOf(conversationId)}.${linkId}`, { conversationId, linkId });

/**
 * Linking messages to tickets (R-WS-14). The link is a `TicketLink` on the conversation, written
 * by a revision-checked read-modify-write; a link to create travels with its job in the same store
 * write (the outbox), so it survives a crash and is asked of the ticket system exactly by the job.
 * The command id is the link's id: a repeat by its author answers the conversation as it is.
 */
export class TicketService {
  constructor(
    private readonly store: DocStore,
    private readonly integrated: () => boolean,
    private readonly now: () => number = Date.now,
  ) {}

  async link(user: UserDoc, conversationId: string, body: TicketBody): Promise<{ conversation: ConversationDoc; created: boolean }> {
    const seen = withLinks(await visibleConversation(this.store, user, conversationId));
    const repeat = this.repeatOf(seen, body.id, user);
    if (repeat) {
      // The first attempt may have stopped between the link and its line: the repeat writes it (once).
      await this.recordLinked(seen, repeat);
      return { conversation: seen, created: false };
    }
    const permission = mayLinkTicket(user, seen);
    if (!permission.ok) throw permission.error;
    const number = body.number ?? null;
    if (number === null && !this.integrated()) throw ticketIntegrationMissing();
    const messageIds = [...new Set(body.messageIds)];
    await this.checkMessages(conversationId, messageIds);

    let created = false;
    const conversation = await writeWithOutbox<ConversationDoc>(this.store, conversationId, (stored) => {
      // Decided by the attempt that is written: one that lost a conflict created nothing.
      created = false;
      if (!stored) throw notFound('conversation');
      const current = withLinks(stored);
      // A repeat racing its first attempt finds the link that attempt wrote.
      if (this.repeatOf(current, body.id, user)) return undefined;
      const allowed = mayLinkTicket(user, current);
      if (!allowed.ok) throw allowed.error;
      if (current.ticketLinks.length >= MAX_TICKET_LINKS) throw ticketLinksFull();
      const at = this.now();
      const link: TicketLink = {
        id: body.id, number, messageIds, status: number === null ? 'creating' : 'linked', error: null, url: null, at, byUserId: user.id,
      };
      created = true;
      const doc: ConversationDoc = { ...current, ticketLinks: [...current.ticketLinks, link], updatedAt: Math.max(at, current.updatedAt) };
      // A link by number carries its trace line in the same store write.
      return { doc, jobs: number === null ? [ticketJob(conversationId, body.id)] : [], with: this.traceOf(current, link) };
    });
    const link = conversation.ticketLinks.find((l) => l.id === body.id);
    // A repeat racing its first attempt found the link written: its line too, whatever that attempt managed.
    if (!created && link) await this.recordLinked(conversation, link);
    return { conversation, created };
  }

  /**
   * The author's own link with this id is a repeat; anyone else's (or an id of another kind of
   * link) is a conflict, told only to who may see the conversation.
   */
  private repeatOf(c: ConversationDoc, linkId: string, user: UserDoc): TicketLink | undefined {
    const link = c.ticketLinks.find((l) => l.id === linkId);
    if (!link) return undefined;
    if (link.byUserId !== user.id) throw ticketIdConflict();
    return link;
  }

  /** Every message must be one of this conversation's customer or agent messages (422 otherwise, naming none). */
  private async checkMessages(conversationId: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    if (!ids.every((id) => id.startsWith('message:'))) throw ticketMessagesForeign();
    const found = await Promise.all(ids.map((id) => this.store.get(id)));
    const belongs = (doc: StoredDoc | undefined) =>
      doc !== undefined && !doc._deleted && doc.type === 'message' && doc.conversationId === conversationId && doc.direction !== 'internal';
    if (!found.every(belongs)) throw ticketMessagesForeign();
  }

  /**
   * The trace line "Conversa vinculada ao ticket N" in the transcript, so History shows when and by
   * whom. Private: the website visitor's transcript and notices take public messages only. Its id
   * comes from the link's, so the job's retry (or the command's) writes it once: a line already
   * there makes this write conflict, which is the answer wanted.
   */
  async recordLinked(c: ConversationDoc, link: TicketLink): Promise<void> {
    const trace = this.traceOf(c, link);
    if (trace.length > 0) await this.store.bulkWrite(trace);
  }

  /** The link's trace line, once it has a number (none for a link still being created or failed). */
  private traceOf(c: ConversationDoc, link: TicketLink): StoredDoc[] {
    if (link.number === null || link.status !== 'linked') return [];
    const payload: ConversationEventPayload = { event: 'ticketLinked', number: link.number, messageCount: link.messageIds.length, byUserId: link.byUserId };
    const at = this.now();
    const message: MessageDoc = {
      id: eventMessageId(c.id, `ticket.${link.id}`), type: 'message', createdAt: at, updatedAt: at,
      conversationId: c.id, teamId: c.teamId, formerTeamIds: [],
      direction: 'system', authorId: null, authorName: '', kind: 'event', text: conversationEventText(payload),
      attachments: [], visibility: 'private', status: 'sent', error: null, externalId: null, payload,
    };
    return [toStored(message)];
  }

  /** The job's and the dead letter's write: the link `linkId` as `update` makes it, if it is still being created. */
  async settle(conversationId: string, linkId: string, update: (link: TicketLink) => TicketLink): Promise<{ conversation: ConversationDoc; link: TicketLink } | undefined> {
    let settled: TicketLink | undefined;
    const conversation = await writeWithOutbox<ConversationDoc>(this.store, conversationId, (stored) => {
      settled = undefined;
      if (!stored) throw new ConversationGone();
      const current = withLinks(stored);
      const link = current.ticketLinks.find((l) => l.id === linkId);
      if (link?.status !== 'creating') return undefined;
      const next = update(link);
      settled = next;
      const at = this.now();
      const ticketLinks = current.ticketLinks.map((l) => (l.id === linkId ? next : l));
      // A link now 'linked' carries its trace line in the same store write.
      return { doc: { ...current, ticketLinks, updatedAt: Math.max(at, current.updatedAt) }, jobs: [], with: this.traceOf(current, next) };
    }).catch((error: unknown) => {
      // A conversation removed meanwhile has no link left to settle.
      if (error instanceof ConversationGone) return undefined;
      throw error;
    });
    return conversation && settled ? { conversation, link: settled } : undefined;
  }

  /** The conversation as stored now (fresh), for the job. */
  async current(conversationId: string): Promise<ConversationDoc | undefined> {
    const stored = await this.store.get(conversationId, { fresh: true });
    return stored && !stored._deleted ? withLinks(toWire<ConversationDoc>(stored)) : undefined;
  }
}

class ConversationGone extends Error {}

/**
 * Conversations stored before issue 13 may lack `ticketLinks`, or hold them in the older form
 * (bare strings, never written in practice): the domain reads only link objects.
 */
function withLinks(c: ConversationDoc): ConversationDoc {
  const links: unknown[] = Array.isArray(c.ticketLinks) ? c.ticketLinks : [];
  return { ...c, ticketLinks: links.filter((l): l is TicketLink => typeof l === 'object' && l !== null) };
}
