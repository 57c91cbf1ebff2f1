import {
  agentMessageId, defaultVisibility, DomainError, keyOf, notFound, SENT_AT, tokenErrors,
  type ContactDoc, type ConversationDoc, type MessageDoc, type PublicContactsQuery, type PublicConversationsQuery,
  type PublicCreateConversationBody, type PublicSendMessageBody,
} from '@atende/protocol';
import { isEnabled, type ChannelAccounts } from '../channelAccounts/service.js';
import { isGone, liveContact } from '../contacts/live.js';
import type { InboundService } from '../conversations/inbound.js';
import { outgoingMessage, storeOutgoing } from '../conversations/outgoing.js';
import { assertTextFits } from '../conversations/replyContent.js';
import { assertReplyWindowOpen, type ReplyAccount } from '../conversations/replyWindow.js';
import { TRANSCRIPT_LIMIT } from '../conversations/transcript.js';
import { searchContacts } from '../search/contacts.js';
import { EVERYTHING_KEY, type DocStore, type StoredDoc } from '../store/index.js';
import { getWire, toWire } from '../store/wire.js';
import type { Integration } from './tokens.js';

/** Rows read for one page at most, however few match the filters: a bound on one request's work. */
const SCAN_BUDGET = 2_000;

interface Position {
  t: number;
  id: string;
}

const encodeCursor = (p: Position) => Buffer.from(JSON.stringify([p.t, p.id])).toString('base64url');
function decodeCursor(cursor: string): Position {
  try {
    const [t, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof t === 'number' && Number.isInteger(t) && t >= 0 && typeof id === 'string' && id.length <= 120) return { t, id };
  } catch {
    // falls through to the refusal
  }
  throw tokenErrors.badCursor();
}

/**
 * The public REST API's domain (R-RT-05): reads page through the store's change-ordered sync
 * index (oldest change first, a stable cursor even while documents change), and the two writes
 * go through the same paths as a customer's message (InboundService) and an agent's reply (a
 * queued message with its send job, so every channel delivers it).
 */
export class PublicApi {
  constructor(
    private readonly store: DocStore,
    private readonly accounts: ChannelAccounts,
    private readonly inbound: InboundService,
    private readonly now: () => number = Date.now,
  ) {}

  async conversations(query: PublicConversationsQuery): Promise<{ conversations: ConversationDoc[]; nextCursor: string | null }> {
    const keep = (doc: StoredDoc) =>
      (query.status === undefined || doc.status === query.status) && (query.teamId === undefined || doc.teamId === query.teamId);
    const key = query.teamId ? `team:${query.teamId}` : EVERYTHING_KEY;
    const { docs, nextCursor } = await this.page('conversation', key, query, keep);
    return { conversations: docs.map((d) => toWire<ConversationDoc>(d)), nextCursor };
  }

  async conversation(id: string): Promise<{ conversation: ConversationDoc; messages: MessageDoc[] }> {
    const stored = id.startsWith('conversation:') ? await this.store.get(id) : undefined;
    if (!stored || isGone(stored) || stored.type !== 'conversation') throw notFound('conversation');
    const found = await this.store.find({ selector: { type: 'message', conversationId: id }, limit: TRANSCRIPT_LIMIT });
    const messages = found
      .filter((doc) => doc._deleted !== true)
      .map((doc) => toWire<MessageDoc>(doc))
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { conversation: toWire<ConversationDoc>(stored), messages };
  }

  /** A search (`q`, the agents' contact search: at most its 20 best) or every contact page by page. */
  async contacts(query: PublicContactsQuery): Promise<{ contacts: ContactDoc[]; nextCursor: string | null }> {
    if (query.q !== undefined) return { contacts: (await searchContacts(this.store, query.q)).slice(0, query.limit), nextCursor: null };
    const { docs, nextCursor } = await this.page('contact', EVERYTHING_KEY, query, () => true);
    return { contacts: docs.map((d) => toWire<ContactDoc>(d)), nextCursor };
  }

  async contact(id: string): Promise<ContactDoc> {
    const contact = id.startsWith('contact:') ? await liveContact(this.store, id) : undefined;
    if (!contact) throw notFound('contact');
    return contact;
  }

  /**
   * Opens (or continues) the contact's conversation on the account with the customer's message as
   * relayed by the integration: the inbound path decides append or open, queues it for the
   * account's team, and a repeat of the command id stores nothing twice. `sentAt` 0: the relayed
   * message does not open a reply window the customer did not open on the channel.
   */
  async createConversation(
    integration: Integration, body: PublicCreateConversationBody,
  ): Promise<{ conversation: ConversationDoc; message: MessageDoc; created: boolean }> {
    const account = await this.accounts.find(body.channelAccountId);
    if (!account || !isEnabled(account)) throw tokenErrors.unknownChannel();
    const contact = await this.contact(body.contactId);
    if (!contact.addresses[account.kind]) throw tokenErrors.noAddress(account.kind);
    const received = await this.inbound.receive({
      account, contact,
      messageKey: keyOf(agentMessageId(integration.id, `open-${body.id}`)),
      authorName: contact.name || integration.name,
      kind: 'text', text: body.text, externalId: null,
      payload: { [SENT_AT]: 0, relayedBy: integration.name },
    });
    return received;
  }

  /**
   * The integration's message to the customer, stored `queued` with its send job like an agent's
   * reply (the outbox delivers it on the conversation's channel), signed with the token's name and
   * no author id. Any conversation not finished takes it (a bot answers in the queue too); the
   * channel's reply window and text limit apply as they do to agents.
   */
  async send(integration: Integration, conversationId: string, body: PublicSendMessageBody): Promise<{ message: MessageDoc; created: boolean }> {
    const id = agentMessageId(integration.id, body.id);
    const existing = await getWire<MessageDoc>(this.store, id);
    if (existing) {
      if (existing.conversationId !== conversationId) throw new DomainError('conflict', 'id_conflict', 'That message id is already used');
      return { message: existing, created: false };
    }
    const stored = conversationId.startsWith('conversation:') ? await this.store.get(conversationId, { fresh: true }) : undefined;
    if (!stored || isGone(stored) || stored.type !== 'conversation') throw notFound('conversation');
    const current = toWire<ConversationDoc>(stored);
    if (current.status === 'finished') throw tokenErrors.conversationFinished();
    const now = this.now();
    assertReplyWindowOpen(current, await this.replyAccountOf(current), now);
    assertTextFits(current.channel, body.text);
    const message = outgoingMessage(current, {
      id, at: now, authorName: integration.name, text: body.text, visibility: defaultVisibility(current.channel),
    });
    const written = await storeOutgoing(this.store, message, { over: { conversation: current, rev: stored._rev } });
    if (written) return { message: written, created: true };
    const winner = await getWire<MessageDoc>(this.store, id);
    if (winner?.conversationId !== conversationId) throw new Error(`message ${id} not stored`);
    return { message: winner, created: false };
  }

  /** Messenger/Instagram windows depend on the account's HUMAN_AGENT setting. */
  private async replyAccountOf(conversation: ConversationDoc): Promise<ReplyAccount | undefined> {
    if (conversation.channel !== 'messenger' && conversation.channel !== 'instagram') return undefined;
    const account = await this.store.get(conversation.channelAccountId);
    return account && !account._deleted ? (account as ReplyAccount) : undefined;
  }

  /** One page of a type's documents in change order, from the cursor or `updatedSince`. */
  private async page(
    type: string, key: string, query: { limit: number; cursor?: string | undefined; updatedSince?: number | undefined },
    keep: (doc: StoredDoc) => boolean,
  ): Promise<{ docs: StoredDoc[]; nextCursor: string | null }> {
    let after: Position = query.cursor !== undefined ? decodeCursor(query.cursor) : { t: Math.max(0, (query.updatedSince ?? 0) - 1), id: '\uffff' };
    const docs: StoredDoc[] = [];
    for (let scanned = 0; scanned < SCAN_BUDGET;) {
      const batch = Math.min(200, Math.max(query.limit, 50));
      const rows = await this.store.syncRange({ type, key, after, limit: batch });
      for (const row of rows) {
        after = { t: row.t, id: row.id };
        if (!isGone(row.doc) && keep(row.doc)) docs.push(row.doc);
        if (docs.length === query.limit) return { docs, nextCursor: encodeCursor(after) };
      }
      if (rows.length < batch) return { docs, nextCursor: null };
      scanned += rows.length;
    }
    return { docs, nextCursor: encodeCursor(after) };
  }
}
