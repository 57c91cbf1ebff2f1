import {
  canStartOn, checkWhatsAppNumber, CUSTOMER_WROTE_AT_META, conversationErrors, customerWroteAtOf, DomainError, forbidden, INVALID_NUMBER_MESSAGE, keyOf,
  mayStartConversations, notFound, START_WITHHELD_MESSAGE, transition,
  type ContactDoc, type ConversationDoc, type StartConversationBody, type UserDoc,
} from '@atende/protocol';
import { displayPhoneNumberOf, isEnabled, type ChannelAccountDoc, type ChannelAccounts } from '../channelAccounts/service.js';
import type { ContactDirectory } from '../contacts/directory.js';
import { linkContactToTeam } from '../contacts/teams.js';
import { viewerOf, visibilityOf } from '../access/scope.js';
import type { DocStore, StoredDoc } from '../store/index.js';
import { toStored, toWire } from '../store/wire.js';
import { ConversationEvents, finishedEvent, joinedEvent } from './events.js';
import { conversationIdOf, openingConversation, pointThreadAt, threadIdOf, type ThreadDoc } from './inbound.js';
import { writeWithOutbox } from './outbox.js';
import type { ProtocolNumbers } from './protocolNumbers.js';
import type { ConversationService } from './service.js';

/** Which conversation a start command opened, so a repeat of its id answers that one. Server-only. */
interface StartDoc extends StoredDoc {
  type: 'start';
  userId: string;
  conversationId: string;
}

/**
 * Per user, as command receipts are (context.ts): another user's command with the same id is their
 * own command, and learns nothing about this one.
 */
const startIdOf = (user: UserDoc, commandId: string) => `start:${keyOf(user.id)}.${commandId}`;

/** Conversations of one thread looked at before giving up (each is finished or lost to a racer). */
const MAX_STEPS = 50;

/** What a started conversation keeps of the customer's latest message on the number (summary.ts). */
type WindowMeta = { [CUSTOMER_WROTE_AT_META]?: string; lastInboundExternalId?: string };

/** The later of the window kept so far and the one of `conversation`. */
function latestWindow(kept: WindowMeta, conversation: ConversationDoc): WindowMeta {
  const wrote = customerWroteAtOf(conversation);
  if (wrote === null || wrote <= Number(kept[CUSTOMER_WROTE_AT_META] ?? 0)) return kept;
  const inboundId = conversation.channelMeta.lastInboundExternalId;
  return { [CUSTOMER_WROTE_AT_META]: String(wrote), ...(inboundId ? { lastInboundExternalId: inboundId } : {}) };
}

const invalidNumber = () => new DomainError('unprocessable', 'invalid_number', INVALID_NUMBER_MESSAGE);

/**
 * "Nova conversa" (R-WA-01…04, R-WA-09/10, R-WS-07/08): an agent writes first to a customer's
 * WhatsApp number. The conversation is the next one of the thread the customer's messages go to
 * (inbound.ts), with its deterministic id, so the store arbitrates two agents starting at once and
 * the customer's reply appends to it.
 */
export class ConversationStarter {
  private readonly events: ConversationEvents;

  constructor(
    private readonly store: DocStore,
    private readonly accounts: ChannelAccounts,
    private readonly contacts: ContactDirectory,
    private readonly conversations: ConversationService,
    private readonly protocols: ProtocolNumbers,
  ) {
    this.events = new ConversationEvents(store);
  }

  async start(user: UserDoc, body: StartConversationBody): Promise<ConversationDoc> {
    if (!mayStartConversations(user)) throw forbidden(START_WITHHELD_MESSAGE);
    const repeat = await this.repeated(user, body.id);
    if (repeat) return repeat;
    const number = checkWhatsAppNumber(body.to);
    // An incomplete number is as wrong as an invalid one once it is sent (R-WA-03/04).
    if (number.status !== 'valid') throw invalidNumber();
    const account = await this.accountFor(user, body);
    // WhatsApp refuses a number writing to itself (131021): no contact or conversation for it.
    if (number.e164 === displayPhoneNumberOf(account)) throw invalidNumber();
    const contact = await this.contacts.contactFor(account.kind, number.e164, { name: '', unnamed: true });
    const conversation = await this.openFor(user, account, contact);
    const remembered: StartDoc = { _id: startIdOf(user, body.id), type: 'start', userId: user.id, conversationId: conversation.id };
    // Create-only: a racing copy of this command wrote the same document.
    await this.store.bulkWrite([remembered]);
    return conversation;
  }

  /**
   * The conversation an earlier attempt of this user's command opened; 404 when it has since moved
   * where the user no longer sees it (a transfer to another team).
   */
  private async repeated(user: UserDoc, commandId: string): Promise<ConversationDoc | undefined> {
    const stored = (await this.store.get(startIdOf(user, commandId), { fresh: true })) as StartDoc | undefined;
    if (!stored || stored._deleted) return undefined;
    const conversation = await this.store.get(stored.conversationId);
    if (!conversation || conversation._deleted) return undefined;
    if (visibilityOf(viewerOf(user), conversation) !== 'visible') throw notFound('conversation');
    return toWire<ConversationDoc>(conversation);
  }

  /** The chosen account, checked against the chosen team and the user's teams. */
  private async accountFor(user: UserDoc, body: StartConversationBody): Promise<ChannelAccountDoc> {
    if (!user.teamIds.includes(body.teamId)) throw forbidden('You are not a member of that team');
    const account = await this.accounts.find(body.channelAccountId);
    if (!account || !isEnabled(account)) throw new DomainError('unprocessable', 'unknown_channel', 'No such channel account, or it is disabled');
    if (!canStartOn(account.kind)) {
      throw new DomainError('unprocessable', 'channel_cannot_start', `Conversations cannot be started on ${account.kind}; only on WhatsApp`);
    }
    if (account.entryTeamId !== body.teamId) throw forbidden('That origin number does not belong to the chosen team');
    return account;
  }

  /**
   * Walks the contact's thread on the account from the hint (R-WS-08): another agent's active
   * conversation refuses the start; the user's own is the answer; a bot or queue session is
   * closed; past the last one, the next is created — or, when a racer created it first, read.
   */
  private async openFor(user: UserDoc, account: ChannelAccountDoc, contact: ContactDoc): Promise<ConversationDoc> {
    const threadId = threadIdOf(account._id, contact.id);
    const thread = (await this.store.get(threadId, { fresh: true })) as ThreadDoc | undefined;
    let seq = Math.max(1, thread?.seq ?? 1);
    // The manual checks the agent's maximum first (R-WS-07), then the customer (R-WS-08); before
    // anything is closed. The user's own conversation with the customer needs no new place. The
    // seat itself is taken, arbitrated by the store, once the id to create is known.
    const capacity = this.conversations.capacity;
    let capacityChecked = false;
    const checkCapacity = async () => {
      if (!capacityChecked) await capacity.check(user);
      capacityChecked = true;
    };
    // WhatsApp's 24-hour window belongs to the customer and the number, not to a conversation: a
    // customer who wrote in a session closed or finished here still has it open (R-WA-05).
    let window: WindowMeta = {};
    for (let step = 0; step < MAX_STEPS; step++) {
      const id = conversationIdOf(threadId, seq);
      const stored = await this.store.get(id, { fresh: true });
      const found = stored && !stored._deleted ? toWire<ConversationDoc>(stored) : undefined;
      if (found) window = latestWindow(window, found);
      if (found?.status === 'finished') {
        seq += 1;
        continue;
      }
      if (found?.status === 'active' && found.agentId === user.id) return found;
      await checkCapacity();
      if (found?.status === 'active') throw conversationErrors.alreadyServed();
      if (found) {
        await this.closeForStart(user, found);
        continue; // read it again: finished by us, or taken meanwhile
      }
      const created = await capacity.seated(user, id, async () => {
        // Only once the start is allowed (a refused one must not hand another team's contact to
        // this team), and before the conversation is written: its team's agents must replicate it.
        await linkContactToTeam(this.store, contact, account.entryTeamId);
        return this.create(user, account, contact, id, window);
      });
      if (created) {
        await pointThreadAt(this.store, threadId, id, seq);
        await this.events.record(id, [joinedEvent(created, user)]);
        return created;
      }
      // Lost the create to a racer (another agent, or the customer writing): read what they wrote.
    }
    throw new Error(`thread ${threadId}: too much contention`);
  }

  /**
   * An agent-started conversation takes priority over the contact's bot or queue session
   * (R-WS-08): finished by the starting agent, with its trace line. Taken meanwhile: left alone.
   */
  private async closeForStart(user: UserDoc, open: ConversationDoc): Promise<void> {
    const at = Date.now();
    const closed = await writeWithOutbox<ConversationDoc>(this.store, open.id, (current) => {
      if (!current || (current.status !== 'bot' && current.status !== 'waiting')) return undefined;
      const result = transition(current, { type: 'finish', byUserId: user.id, disposition: null, note: '', at });
      if (!result.ok) throw result.error;
      return { doc: result.next, jobs: [] };
    });
    if (closed.status === 'finished' && closed.finishedBy === user.id) await this.events.record(closed.id, [finishedEvent(closed)]);
  }

  /** Create-only write of the started conversation; undefined when that id was taken first. */
  private async create(
    user: UserDoc, account: ChannelAccountDoc, contact: ContactDoc, id: string, window: WindowMeta,
  ): Promise<ConversationDoc | undefined> {
    const now = Date.now();
    const conversation = openingConversation(id, account, contact.id, await this.protocols.next(now), now, {
      status: 'active', agentId: user.id, startedBy: 'agent', waitingSince: null, takenAt: now,
      lastInboundAt: null, lastMessageAt: null, lastPreview: '',
      // The window of the customer's latest message on this number, if any; none: closed until the
      // customer answers a template (R-WA-05).
      channelMeta: { ...window },
    });
    const [written] = await this.store.bulkWrite([toStored(conversation)]);
    return written?.ok ? conversation : undefined;
  }
}
