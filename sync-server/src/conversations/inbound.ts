import { createHash } from 'node:crypto';
import {
  docId, keyOf, onInbound, ORIGIN_NUMBER_META, type Attachment, type ContactDoc, type ConversationDoc, type MessageDoc,
  type MessageKind,
} from '@atende/protocol';
import { displayPhoneNumberOf, type ChannelAccountDoc } from '../channelAccounts/service.js';
import { linkContactToTeam } from '../contacts/teams.js';
import type { JobDoc } from '../jobs/types.js';
import { updateDoc, type DocStore, type StoredDoc } from '../store/index.js';
import { getWire, toStored, toWire, updateWire } from '../store/wire.js';
import { findByExternalId } from './messages.js';
import { queuedJob } from './events.js';
import { reopenedByCustomer } from './context.js';
import { inTeam, previewOf, summarise, withCustomerWroteAt } from './summary.js';
import type { ProtocolNumbers } from './protocolNumbers.js';

/** A customer's message as every channel edge hands it over, already normalised. */
export interface InboundInput {
  account: ChannelAccountDoc;
  contact: ContactDoc;
  /** Unique per upstream message, so a redelivery stores nothing twice (R-CH-11). */
  messageKey: string;
  authorName: string;
  kind: MessageKind;
  text: string;
  payload?: MessageDoc['payload'];
  attachments?: Attachment[];
  externalId: string | null;
  /** Outbox work caused by this message (e.g. downloading its media), written with it. */
  jobs?: (message: MessageDoc) => JobDoc[];
  /**
   * A thread of its own instead of the contact's (Reclame Aqui: one per complaint, so two
   * complaints of one consumer are two conversations). Stable per upstream thread.
   */
  threadKey?: string;
  /** `channelMeta` a conversation this message opens starts with (Reclame Aqui: the complaint's header). */
  channelMeta?: Record<string, string>;
  /** Who sees it upstream (Reclame Aqui: the consumer's private messages); public when not said. */
  visibility?: MessageDoc['visibility'];
}

/** The company's own message written upstream outside Atende (Reclame Aqui: an answer on the complaint's page). */
export type EchoInput = Omit<InboundInput, 'jobs' | 'channelMeta'> & { externalId: string; visibility: MessageDoc['visibility'] };

export interface Received {
  message: MessageDoc;
  conversation: ConversationDoc;
  created: boolean;
}

/** Points at the contact's latest conversation on one channel account: a hint, never the arbiter. */
export interface ThreadDoc extends StoredDoc {
  type: 'thread';
  openConversationId: string | null;
  seq?: number;
}

export const threadIdOf = (accountId: string, contactId: string) => `thread:${keyOf(accountId)}.${keyOf(contactId)}`;

/** The thread a customer's message belongs to: its own (`threadKey`) or the contact's on the account. */
const threadOf = (input: InboundInput) => threadIdOf(input.account._id, input.threadKey ?? input.contact.id);

/**
 * The n-th conversation of a thread has a deterministic id, so two nodes opening it at once write
 * the same document: the store lets exactly one create it and the other appends to it. An agent
 * starting a conversation (start.ts) opens the next one of the same thread, so the customer's
 * reply appends to it.
 */
export function conversationIdOf(threadId: string, seq: number): string {
  return `conversation:t${createHash('sha256').update(threadId).digest('base64url').slice(0, 22)}-${seq}`;
}

/** Moves the thread's hint to its `seq`-th conversation, unless a later one is already there. */
export async function pointThreadAt(store: DocStore, threadId: string, conversationId: string, seq: number): Promise<void> {
  await updateDoc<ThreadDoc>(store, threadId, (current) => {
    const live = current && !current._deleted ? current : undefined;
    if (live && ((live.seq ?? 0) > seq || live.openConversationId === conversationId)) return undefined;
    return { ...(live ?? { _id: threadId }), type: 'thread', openConversationId: conversationId, seq };
  });
}

/** The number a conversation goes through (R-WS-02), kept on it for cards and headers. */
function originMetaOf(account: ChannelAccountDoc): Record<string, string> {
  const number = displayPhoneNumberOf(account);
  return number ? { [ORIGIN_NUMBER_META]: number } : {};
}

/** How a new conversation opens: by the customer (waiting) or by an agent (active, R-WA-01). */
export type Opening = Pick<ConversationDoc,
  'status' | 'agentId' | 'startedBy' | 'waitingSince' | 'takenAt' | 'lastInboundAt' | 'lastMessageAt' | 'lastPreview' | 'channelMeta'>;

/** A thread's next conversation as first written, whoever opens it; `opening.channelMeta` adds to the origin number. */
export function openingConversation(
  id: string, account: ChannelAccountDoc, contactId: string, protocol: string, now: number, opening: Opening,
): ConversationDoc {
  return {
    id, type: 'conversation', createdAt: now, updatedAt: now,
    contactId, channel: account.kind, channelAccountId: account._id, teamId: account.entryTeamId, formerTeamIds: [],
    invitedAgentIds: [], protocol, finishedAt: null, finishedBy: null, disposition: null, finishNote: '', tags: [],
    transfers: [], ticketLinks: [], ...opening, channelMeta: { ...originMetaOf(account), ...opening.channelMeta },
    // The service figures' first times (issue 16): one opening in the queue or with its agent starts them.
    queuedAt: opening.waitingSince, firstTakenAt: opening.takenAt, firstResponseAt: null,
  };
}

/** The chatbot's part in a customer's message (R-RT-04, flows/index.ts); absent: no bot. */
export interface InboundHooks {
  /** Whether a conversation opening in this team, on this channel, starts with its bot (status `bot`) instead of waiting. */
  opensWithBot?: (teamId: string, channel: ChannelAccountDoc['kind']) => Promise<boolean>;
  /** Outbox work a stored customer message causes in its conversation (the bot's answer), written with it. */
  jobsFor?: (message: MessageDoc, conversation: ConversationDoc) => JobDoc[];
}

/** Opens or continues the customer's conversation and stores the message durably, in one write. */
export class InboundService {
  constructor(
    private readonly store: DocStore,
    private readonly protocols: ProtocolNumbers,
    private readonly hooks: InboundHooks = {},
  ) {}

  /** The message's own jobs and the bot's, if its conversation is with the bot. */
  private jobsOf(input: InboundInput, message: MessageDoc, conversation: ConversationDoc): JobDoc[] {
    return [...(input.jobs?.(message) ?? []), ...(this.hooks.jobsFor?.(message, conversation) ?? [])];
  }

  /** A conversation with the bot enters no queue until the bot hands it off (its own queue notice then). */
  private static queued(conversation: ConversationDoc): JobDoc[] {
    return conversation.status === 'waiting' ? [queuedJob(conversation.id, 0)] : [];
  }

  async receive(input: InboundInput): Promise<Received> {
    const messageId = docId('message', input.messageKey);
    const threadId = threadOf(input);
    // Read together: the message is almost never there, and the thread is needed when it is not.
    const [existing, thread] = await Promise.all([
      getWire<MessageDoc>(this.store, messageId),
      this.store.get(threadId) as Promise<ThreadDoc | undefined>,
    ]);
    if (existing) return { message: existing, conversation: await this.conversationOf(existing), created: false };
    const stored = thread?.openConversationId ? await this.store.get(thread.openConversationId) : undefined;
    const latest = stored && !stored._deleted ? toWire<ConversationDoc>(stored) : undefined;
    const now = Date.now();
    if (latest && onInbound(latest) === 'append') return this.append(input, latest, stored?._rev, messageId, now);
    // Common case of a first message: conversation, message, outbox and thread hint in one write.
    const seq = (thread?.seq ?? 0) + 1;
    const conversation = await this.newConversation(conversationIdOf(threadId, seq), input, now);
    const message = this.messageOf(input, messageId, conversation, now);
    const hint: ThreadDoc = { ...(thread ?? { _id: threadId, type: 'thread' }), type: 'thread', openConversationId: conversation.id, seq };
    // The queue notice (issue 9) is outbox work: it needs the team's queue, not the customer's wait.
    const results = await this.store.bulkWrite([toStored(conversation), toStored(message), ...this.jobsOf(input, message, conversation), hint, ...InboundService.queued(conversation)]);
    const ok = (id: string) => results.some((r) => r.id === id && r.ok);
    if (!ok(message.id)) return this.settleDuplicate(messageId, conversation);
    if (ok(conversation.id)) return { message, conversation, created: true };
    // Another writer opened that conversation first (or the hint was stale): our message names it.
    return this.reconcile(input, message, threadId);
  }

  /**
   * A message the company wrote upstream outside Atende, stored as sent by no agent in the
   * thread's latest conversation: it never opens or reopens one. Skipped (undefined) when already
   * stored, when a message of the account already carries its upstream id (Atende sent it, and
   * recorded the id the upstream gave it), or when the thread has no conversation yet.
   */
  async receiveEcho(input: EchoInput): Promise<MessageDoc | undefined> {
    const messageId = docId('message', input.messageKey);
    if (await this.store.get(messageId)) return undefined;
    if (await findByExternalId(this.store, input.account._id, input.externalId)) return undefined;
    const thread = (await this.store.get(threadOf(input))) as ThreadDoc | undefined;
    const conversation = thread?.openConversationId ? await getWire<ConversationDoc>(this.store, thread.openConversationId) : undefined;
    if (!conversation) return undefined;
    const message: MessageDoc = {
      ...this.messageOf(input, messageId, conversation, Date.now()),
      direction: 'out', authorId: null, visibility: input.visibility, status: 'sent',
    };
    const [written] = await this.store.bulkWrite([toStored(message)]);
    if (!written?.ok) return undefined;
    await updateWire<ConversationDoc>(this.store, conversation.id, (c) => c && summarise(c, message));
    return message;
  }

  /**
   * Our message is stored but the conversation it names changed before the summary landed (opened
   * by a racing writer, finished, transferred): move it where the customer's next message would go
   * — the thread's open conversation, in its current team — and summarise there. A message
   * arriving as the agent finishes thus opens a new waiting conversation instead of vanishing.
   */
  private async reconcile(input: InboundInput, message: MessageDoc, threadId: string): Promise<Received> {
    const named = await this.store.get(message.conversationId, { fresh: true });
    const current = named && !named._deleted ? toWire<ConversationDoc>(named) : undefined;
    let target = current;
    if (!target || onInbound(target) !== 'append') {
      const thread = (await this.store.get(threadId, { fresh: true })) as ThreadDoc | undefined;
      target = await this.openConversationFrom(input, threadId, Math.max(1, thread?.seq ?? 1), Date.now());
    }
    let placed = message;
    if (target.id !== message.conversationId || target.teamId !== message.teamId) {
      const into = target;
      const { doc } = await updateWire<MessageDoc>(this.store, message.id, (m) =>
        m && inTeam({ ...m, conversationId: into.id }, into.teamId),
      );
      placed = doc ?? message;
    }
    await this.touch(target.id, placed);
    return { message: placed, conversation: target, created: true };
  }

  /** The open conversation of a thread, opening the next one when the latest is finished. */
  private async openConversationFrom(input: InboundInput, threadId: string, seq: number, now: number): Promise<ConversationDoc> {
    for (let n = seq; n < seq + 50; n++) {
      const id = conversationIdOf(threadId, n);
      const found = await getWire<ConversationDoc>(this.store, id);
      if (found && onInbound(found) === 'append') return found;
      if (found) continue;
      const created = await this.newConversation(id, input, now);
      const thread = (await this.store.get(threadId, { fresh: true })) as ThreadDoc | undefined;
      const hint: ThreadDoc = { ...(thread ?? { _id: threadId, type: 'thread' }), type: 'thread', openConversationId: id, seq: n };
      const [result] = await this.store.bulkWrite([toStored(created), hint, ...InboundService.queued(created)]);
      if (result?.ok) return created;
      n -= 1; // lost the race for this one: read it again
      if ((await getWire<ConversationDoc>(this.store, id))?.status === 'finished') n += 1;
    }
    throw new Error(`thread ${threadId}: too much contention`);
  }

  /** The contact's open conversation on an account, if any (for typing and the like). */
  async openConversationOf(accountId: string, contactId: string): Promise<ConversationDoc | undefined> {
    const thread = (await this.store.get(threadIdOf(accountId, contactId))) as ThreadDoc | undefined;
    if (!thread?.openConversationId) return undefined;
    const conversation = await getWire<ConversationDoc>(this.store, thread.openConversationId);
    return conversation && onInbound(conversation) === 'append' ? conversation : undefined;
  }

  /** `rev` is the revision `conversation` was read at: a later write makes ours conflict, and `reconcile` redoes it. */
  private async append(input: InboundInput, conversation: ConversationDoc, rev: string | undefined, messageId: string, now: number): Promise<Received> {
    const message = this.messageOf(input, messageId, conversation, now);
    const updated = reopenedByCustomer(summarise(conversation, message));
    const summary = toStored(updated, rev);
    const results = await this.store.bulkWrite([toStored(message), ...this.jobsOf(input, message, conversation), summary]);
    if (!results.some((r) => r.id === message.id && r.ok)) return this.settleDuplicate(messageId, conversation);
    if (!results.some((r) => r.id === conversation.id && r.ok)) {
      return this.reconcile(input, message, threadOf(input));
    }
    return { message, conversation: updated, created: true };
  }

  private async settleDuplicate(messageId: string, fallback: ConversationDoc): Promise<Received> {
    const winner = await getWire<MessageDoc>(this.store, messageId);
    if (!winner) throw new Error(`inbound ${messageId}: write failed`);
    return { message: winner, conversation: (await getWire<ConversationDoc>(this.store, winner.conversationId)) ?? fallback, created: false };
  }

  private async conversationOf(message: MessageDoc): Promise<ConversationDoc> {
    const conversation = await getWire<ConversationDoc>(this.store, message.conversationId);
    if (!conversation) throw new Error(`message ${message.id} has no conversation`);
    return conversation;
  }

  /** Keeps the conversation's list fields current after a message was added. */
  private async touch(conversationId: string, message: MessageDoc): Promise<void> {
    await updateWire<ConversationDoc>(this.store, conversationId, (c) => c && reopenedByCustomer(summarise(c, message)));
  }

  private async newConversation(id: string, input: InboundInput, now: number): Promise<ConversationDoc> {
    // The team's agents may replicate the contact from now on; linked before the conversation is
    // written, so a crash in between leaves a visible contact, never a conversation without one.
    const [protocol, bot] = await Promise.all([
      this.protocols.next(now),
      this.hooks.opensWithBot?.(input.account.entryTeamId, input.account.kind) ?? false,
      linkContactToTeam(this.store, input.contact, input.account.entryTeamId),
    ]);
    return withCustomerWroteAt(openingConversation(id, input.account, input.contact.id, protocol, now, {
      status: bot ? 'bot' : 'waiting', agentId: null, startedBy: 'customer', waitingSince: bot ? null : now, takenAt: null,
      lastInboundAt: now, lastMessageAt: now, lastPreview: previewOf(input), channelMeta: input.channelMeta ?? {},
    }), { createdAt: now, payload: input.payload ?? {}, externalId: input.externalId });
  }

  private messageOf(input: InboundInput, id: string, conversation: ConversationDoc, now: number): MessageDoc {
    return {
      id, type: 'message', createdAt: now, updatedAt: now,
      conversationId: conversation.id, teamId: conversation.teamId, formerTeamIds: [],
      direction: 'in', authorId: input.contact.id, authorName: input.authorName, kind: input.kind,
      text: input.text, attachments: input.attachments ?? [], visibility: input.visibility ?? 'public', status: 'delivered',
      error: null, externalId: input.externalId, payload: input.payload ?? {},
    };
  }
}
