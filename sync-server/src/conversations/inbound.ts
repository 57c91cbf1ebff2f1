import { docId, ulid, type ConversationDoc, type MessageDoc } from '@atende/protocol';
import type { ChannelAccountDoc } from '../channels/adapter.js';
import type { DocStore, StoredDoc } from '../store/index.js';
import { updateDoc } from '../store/index.js';
import { getWire, toStored, updateWire } from '../store/wire.js';
import { previewOf } from '../access/conversations.js';
import type { ProtocolNumbers } from './protocolNumbers.js';

/** A customer's message as every adapter hands it over, already normalised. */
export interface InboundMessage {
  account: ChannelAccountDoc;
  contactId: string;
  /** Unique per upstream message, so a redelivery stores nothing twice (R-CH-11). */
  messageKey: string;
  authorName: string;
  text: string;
  externalId: string | null;
}

/** Points at the contact's open conversation on one channel account; never replicated. */
interface ThreadDoc extends StoredDoc {
  type: 'thread';
  openConversationId: string | null;
}

const keyOf = (id: string) => id.slice(id.indexOf(':') + 1);
const threadIdOf = (accountId: string, contactId: string) => `thread:${keyOf(accountId)}.${keyOf(contactId)}`;

/** Opens or continues the customer's conversation and stores the message durably. */
export class InboundService {
  constructor(
    private readonly store: DocStore,
    private readonly protocols: ProtocolNumbers,
  ) {}

  async receive(inbound: InboundMessage): Promise<{ message: MessageDoc; created: boolean }> {
    const messageId = docId('message', inbound.messageKey);
    const existing = await getWire<MessageDoc>(this.store, messageId);
    if (existing) return { message: existing, created: false };
    const conversation = await this.openConversation(inbound);
    const now = Date.now();
    const message: MessageDoc = {
      id: messageId, type: 'message', createdAt: now, updatedAt: now,
      conversationId: conversation.id, teamId: conversation.teamId, formerTeamIds: [],
      direction: 'in', authorId: inbound.contactId, authorName: inbound.authorName, kind: 'text',
      text: inbound.text, attachments: [], visibility: 'public', status: 'delivered', error: null,
      externalId: inbound.externalId,
    };
    const [written] = await this.store.bulkWrite([toStored(message)]);
    if (!written?.ok) {
      // A concurrent redelivery of the same upstream message won the write.
      const winner = await getWire<MessageDoc>(this.store, messageId);
      if (winner) return { message: winner, created: false };
      throw new Error(`inbound message write failed: ${written?.reason}`);
    }
    await updateWire<ConversationDoc>(this.store, conversation.id, (c) =>
      c && {
        ...c,
        lastInboundAt: Math.max(c.lastInboundAt ?? 0, now),
        lastMessageAt: Math.max(c.lastMessageAt ?? 0, now),
        lastPreview: previewOf(inbound.text),
        updatedAt: Date.now(),
      },
    );
    return { message, created: true };
  }

  /** The contact's open conversation on an account, if any (for typing and the like). */
  async openConversationOf(accountId: string, contactId: string): Promise<ConversationDoc | undefined> {
    const thread = (await this.store.get(threadIdOf(accountId, contactId))) as ThreadDoc | undefined;
    if (!thread?.openConversationId) return undefined;
    const conversation = await getWire<ConversationDoc>(this.store, thread.openConversationId);
    return conversation && conversation.status !== 'finished' ? conversation : undefined;
  }

  /**
   * The thread document arbitrates which conversation is open, so two first messages racing
   * (even on different nodes) still open only one conversation.
   */
  private async openConversation(inbound: InboundMessage): Promise<ConversationDoc> {
    const threadId = threadIdOf(inbound.account._id, inbound.contactId);
    for (;;) {
      const thread = (await this.store.get(threadId)) as ThreadDoc | undefined;
      const openId = thread?.openConversationId;
      const open = openId ? await getWire<ConversationDoc>(this.store, openId) : undefined;
      if (open && open.status !== 'finished') return open;
      if (openId && !open) return this.createConversation(openId, inbound); // recover an interrupted open
      const nextId = docId('conversation', ulid());
      const { written } = await updateDoc<ThreadDoc>(this.store, threadId, (current) =>
        (current?.openConversationId ?? null) !== (openId ?? null)
          ? undefined
          : { ...(current ?? { _id: threadId, type: 'thread' }), type: 'thread', openConversationId: nextId },
      );
      if (written) return this.createConversation(nextId, inbound);
    }
  }

  private async createConversation(id: string, inbound: InboundMessage): Promise<ConversationDoc> {
    const now = Date.now();
    const conversation: ConversationDoc = {
      id, type: 'conversation', createdAt: now, updatedAt: now,
      contactId: inbound.contactId, channel: inbound.account.kind, channelAccountId: inbound.account._id,
      teamId: inbound.account.entryTeamId, formerTeamIds: [], status: 'waiting', agentId: null,
      invitedAgentIds: [], protocol: await this.protocols.next(now), startedBy: 'customer',
      waitingSince: now, takenAt: null, finishedAt: null, finishedBy: null, lastInboundAt: null,
      lastMessageAt: null, lastPreview: '', disposition: null, finishNote: '', tags: [],
      transfers: [], ticketLinks: [], channelMeta: {},
    };
    const [written] = await this.store.bulkWrite([toStored(conversation)]);
    if (written?.ok) return conversation;
    const winner = await getWire<ConversationDoc>(this.store, id);
    if (!winner) throw new Error(`conversation write failed: ${written?.ok === false ? written.reason : ''}`);
    return winner;
  }
}
