import {
  advanceStatus, agentMessageId, answerRefusal, applyUpstreamReport, assertAccepted, assertMay, canResend, defaultVisibility, DomainError, docId,
  customerFacingName, notFound, upstreamText, whatsappRefusal, type AnswerVisibility, type Attachment, type ConversationDoc, type MessageDoc, type MessageKind, type MessageStatus, type UserDoc,
} from '@atende/protocol';
import { visibleConversation } from '../access/conversations.js';
import { attachmentOf, type MediaService } from '../media/service.js';
import { newJob, type JobDoc } from '../jobs/types.js';
import type { DocStore } from '../store/index.js';
import { getWire, toStored, toWire, updateWire } from '../store/wire.js';
import { outgoingMessage, SEND_JOB, sendJobOf, storeOutgoing } from './outgoing.js';
import { applyEdit, applyStatusUpTo } from './upstreamUpdates.js';
import { assertFileCount, assertTextFits } from './replyContent.js';
import { assertReplyWindowOpen, type ReplyAccount } from './replyWindow.js';

// Where the channels' workers and older tests import it from.
export { SEND_JOB };

export interface AgentMessage {
  id: string;
  text: string;
  mediaIds?: string[] | undefined;
  /** R-CH-07: omitted, the channel's default (private on Reclame Aqui, public elsewhere). */
  visibility?: AnswerVisibility | undefined;
}

/** What an agent's outgoing message carries, decided by its command once the conversation is known. */
export interface OutgoingContent {
  kind: MessageKind;
  text: string;
  attachments: Attachment[];
  payload: MessageDoc['payload'];
  /** Approved WhatsApp templates may go outside the 24-hour window; free text and files may not (R-WA-05). */
  outsideWindow?: boolean;
  /** Who reads it (R-CH-07); public when not said. */
  visibility?: AnswerVisibility;
}

/**
 * The agent's side of messages (R-WS-04, R-OPS-02): a message is stored `queued` together with
 * its send job, and the request returns; workers move it to sent → delivered → read, or failed.
 */
export class MessageService {
  constructor(
    private readonly store: DocStore,
    private readonly media: MediaService,
    /** The reply-window clock (tests inject one). */
    private readonly now: () => number = Date.now,
  ) {}

  /** The conversation's channel account settings, for rules that depend on them (HUMAN_AGENT). */
  private async accountOf(conversation: ConversationDoc): Promise<ReplyAccount | undefined> {
    if (conversation.channel !== 'messenger' && conversation.channel !== 'instagram') return undefined;
    const account = await this.store.get(conversation.channelAccountId);
    return account && !account._deleted ? (account as ReplyAccount) : undefined;
  }

  async send(user: UserDoc, conversationId: string, body: AgentMessage): Promise<{ message: MessageDoc; created: boolean }> {
    return this.queue(user, conversationId, body.id, async (conversation) => {
      // Any file the agent may read (their uploads, files of conversations they see), within what
      // the conversation's channel accepts (R-WS-04).
      const attachments = await this.attachable(body.mediaIds ?? [], user);
      // The answer's visibility rules first (R-CH-07): they name the problem better than a file type refusal.
      const visibility = body.visibility ?? defaultVisibility(conversation.channel);
      const refusal = answerRefusal(conversation.channel, visibility, attachments);
      if (refusal) throw new DomainError('unprocessable', refusal.code, refusal.message);
      assertAccepted(conversation.channel, attachments);
      if (!body.text.trim() && attachments.length === 0) {
        throw new DomainError('invalid', 'invalid_input', 'A message needs text or a file');
      }
      // Stored as counted (channelTextLength trims): the upstream gets exactly the text that was checked.
      return { kind: attachments[0]?.kind ?? 'text', text: body.text.trim(), attachments, payload: {}, visibility };
    });
  }

  /**
   * The files an author may attach, not yet recorded on the conversation: a file opens to the
   * conversation's readers only once a message carrying it is allowed (`queue`), never on a refusal.
   */
  async attachable(mediaIds: readonly string[], user: UserDoc): Promise<Attachment[]> {
    const attachments: Attachment[] = [];
    for (const mediaId of new Set(mediaIds)) {
      const media = await this.media.get(mediaId);
      if (!media || !(await this.media.mayRead(mediaId, { kind: 'user', user }))) throw notFound('Media');
      attachments.push(attachmentOf(media));
    }
    return attachments;
  }

  /**
   * Stores an agent's outgoing message `queued` with its send job, idempotent on the client id
   * (text here, templates in templateMessages.ts). `content` runs once the conversation is known
   * and the author may reply in it, and not at all for a repeat.
   */
  async queue(
    user: UserDoc, conversationId: string, clientId: string,
    content: (conversation: ConversationDoc) => Promise<OutgoingContent>,
  ): Promise<{ message: MessageDoc; created: boolean }> {
    // Namespaced by its author (issue 14): no one else's message can hold this id. Before issue 14
    // the plain client id was the message id: an outbox entry sent again after an upgrade finds it.
    const id = agentMessageId(user.id, clientId);
    // The author's own repeat (issue 8 point 8) is answered before the conversation's rules: it may
    // have been finished or moved to another team since the first attempt stored the message.
    const existing = await getWire<MessageDoc>(this.store, id);
    const legacy = existing ? undefined : await getWire<MessageDoc>(this.store, docId('message', clientId));
    const repeat = [existing, legacy].find((m) => m && m.conversationId === conversationId && m.authorId === user.id);
    if (repeat) return this.repeated(repeat);
    const conversation = await visibleConversation(this.store, user, conversationId);
    // The author's own id used in another conversation: told only to who may see this one.
    if (existing) this.sameMessage(existing, conversationId, user);
    assertMay(user, 'reply', conversation);
    const outgoing = await content(conversation);
    // The summary is built from the revision it is written over: anything that lands meanwhile (a
    // transfer, a finish) makes that write conflict instead of being overwritten.
    const stored = await this.store.get(conversationId);
    if (!stored || stored._deleted) throw notFound('conversation');
    const current = toWire<ConversationDoc>(stored);
    assertMay(user, 'reply', current);
    const now = this.now();
    if (!outgoing.outsideWindow) assertReplyWindowOpen(current, await this.accountOf(current), now);
    // What leaves must fit: with the name customers see (the alias, issue 18) in front while colleagues are invited (R-WS-05).
    assertTextFits(current.channel, upstreamText(current, { direction: 'out', authorId: user.id, authorName: customerFacingName(user), kind: outgoing.kind, text: outgoing.text }));
    assertFileCount(current.channel, outgoing.attachments);
    const message = outgoingMessage(current, {
      id, at: now, authorId: user.id, authorName: user.name, kind: outgoing.kind, text: outgoing.text,
      attachments: outgoing.attachments, payload: outgoing.payload, visibility: outgoing.visibility ?? 'public',
    });
    // Recorded before the message is written, so no stored message carries a file its readers cannot open.
    for (const attachment of outgoing.attachments) await this.media.recordUse(attachment.mediaId, conversationId);
    const written = await storeOutgoing(this.store, message, { over: { conversation: current, rev: stored._rev } });
    if (written) return { message: written, created: true };
    const winner = await getWire<MessageDoc>(this.store, id);
    if (!winner) throw new Error(`message ${id} not stored`);
    return { message: this.sameMessage(winner, conversationId, user), created: false };
  }

  private async repeated(message: MessageDoc): Promise<{ message: MessageDoc; created: boolean }> {
    // A retry after a crash that stored the message but not its job must not answer "stored" for good.
    if (message.status === 'queued') await this.ensureSendJob(message);
    return { message, created: false };
  }

  private sameMessage(existing: MessageDoc, conversationId: string, user: UserDoc): MessageDoc {
    if (existing.conversationId !== conversationId || existing.authorId !== user.id) {
      throw new DomainError('conflict', 'id_conflict', 'That message id is already used');
    }
    return existing;
  }

  /**
   * The send job of a message still `queued`: the first job, written when missing (safe: its id is
   * fixed, and a message whose first job never existed was never sent, failed or resent); or, when
   * that job ended without its outcome reaching the message (a crash, a failed dead-letter write),
   * a follow-up job that reads the same send log, so what the first attempt did is honoured and
   * nothing is sent twice. (A purge of done jobs must keep those of messages still queued.)
   */
  private async ensureSendJob(message: MessageDoc): Promise<void> {
    const key = message.id.slice('message:'.length);
    const first = sendJobOf(message);
    const [written] = await this.store.bulkWrite([first]);
    if (written?.ok) return;
    const job = (await this.store.get(first._id, { fresh: true })) as JobDoc | undefined;
    if (!job || job.state === 'pending' || job.state === 'running') return;
    const stored = await this.store.get(message.id, { fresh: true });
    if (stored?.status !== 'queued') return;
    const generation = String(stored._rev).split('-')[0];
    const sendKey = typeof job.payload.sendKey === 'string' ? job.payload.sendKey : job.key;
    await this.store.bulkWrite([newJob(SEND_JOB, `${key}.q${generation}`, { messageId: message.id, sendKey })]);
  }

  /**
   * Start-up recovery: outgoing messages left `queued` without a send job (a node died between the
   * two writes on a store whose bulk writes are not atomic) get their job. Answers how many were found.
   */
  async requeueOrphans(olderThanMs = 0, limit = 1_000): Promise<number> {
    const stale = await this.store.find({
      selector: { status: 'queued', type: 'message', direction: 'out', updatedAt: { $lt: Date.now() - olderThanMs } },
      limit,
    });
    for (const m of stale) if (m.status === 'queued') await this.ensureSendJob({ ...(m as unknown as MessageDoc), id: m._id });
    return stale.length;
  }

  /**
   * "Reenviar": a failed message goes back to `queued` with a new send job. The job id comes from
   * the failed revision, so two clicks on the same failure enqueue one send.
   */
  async resend(user: UserDoc, conversationId: string, messageId: string): Promise<MessageDoc> {
    const conversation = await visibleConversation(this.store, user, conversationId);
    assertMay(user, 'resend', conversation);
    const stored = messageId.startsWith('message:') ? await this.store.get(messageId, { fresh: true }) : undefined;
    if (!stored || stored._deleted || stored.conversationId !== conversationId || stored.direction !== 'out') throw notFound('message');
    const message = { ...(stored as unknown as MessageDoc), id: stored._id };
    if (!canResend(message.status)) {
      if (message.status === 'queued') return message; // a repeated click while it is on its way
      throw new DomainError('conflict', 'not_failed', 'Only a failed message can be sent again');
    }
    // A failed template may be sent again outside the window, as it was the first time.
    if (message.kind !== 'template') assertReplyWindowOpen(conversation, await this.accountOf(conversation), this.now());
    assertTextFits(conversation.channel, message.text);
    assertFileCount(conversation.channel, message.attachments);
    const revision = String(stored._rev).split('-')[0];
    const job = newJob(SEND_JOB, `${messageId.slice('message:'.length)}.r${revision}`, { messageId });
    const next = { ...message, status: 'queued' as const, error: null, updatedAt: Math.max(Date.now(), message.updatedAt + 1) };
    const [result] = await this.store.bulkWrite([toStored(next, stored._rev), job]);
    if (result?.ok) return next;
    const latest = await getWire<MessageDoc>(this.store, messageId);
    if (latest?.status === 'queued') return latest;
    throw new DomainError('conflict', 'not_failed', 'The message changed meanwhile; try again');
  }

  /** The upstream took the message: store its id and status (never moving backwards). */
  async recordSent(messageId: string, externalId: string | null, status: MessageStatus): Promise<MessageDoc | undefined> {
    const { doc } = await updateWire<MessageDoc>(this.store, messageId, (m) => {
      if (!m) return undefined;
      const next = advanceStatus(m.status === 'failed' ? 'queued' : m.status, status);
      if (next === m.status && (externalId ?? m.externalId) === m.externalId) return undefined;
      return { ...m, status: next, externalId: externalId ?? m.externalId, error: null, updatedAt: Math.max(Date.now(), m.updatedAt + 1) };
    });
    return doc;
  }

  /** The dead-letter state the agent sees: `failed` with a readable reason and "Reenviar". */
  async recordFailed(messageId: string, reason: string): Promise<void> {
    await updateWire<MessageDoc>(this.store, messageId, (m) =>
      m && m.status === 'queued'
        ? { ...m, status: 'failed', error: reason.slice(0, 500), updatedAt: Math.max(Date.now(), m.updatedAt + 1) }
        : undefined,
    );
  }

  /**
   * An upstream delivery report (R-CH-03): found by the upstream id within the account, applied
   * furthest-status-wins. Answers false when no such message is recorded (yet).
   */
  async applyStatus(channelAccountId: string, externalId: string, status: MessageStatus, error?: string): Promise<boolean> {
    const found = await findByExternalId(this.store, channelAccountId, externalId, 'out');
    if (!found) return false;
    const reason = failureReason(found.channel, error);
    await updateWire<MessageDoc>(this.store, found.messageId, (m) => {
      if (!m) return undefined;
      const next = applyUpstreamReport(m.status, status);
      if (next === m.status) return undefined;
      return { ...m, status: next, error: next === 'failed' ? reason : null, updatedAt: Math.max(Date.now(), m.updatedAt + 1) };
    });
    return true;
  }

  /** A delivery/read watermark (upstreamUpdates.ts); answers how many messages moved. */
  applyStatusUpTo(channelAccountId: string, contactId: string, status: 'delivered' | 'read', at: number): Promise<number> {
    return applyStatusUpTo(this.store, channelAccountId, contactId, status, at);
  }

  /** A customer's edit of an inbound message (upstreamUpdates.ts); false when no such message is stored. */
  applyEdit(messageKey: string, text: string, at: number, deleted = false): Promise<boolean> {
    return applyEdit(this.store, messageKey, text, at, deleted);
  }
}

/**
 * The message of a channel account that carries an upstream id (optionally of one direction), and
 * its conversation's channel. Upstream ids are unique per upstream account, not across accounts:
 * only this account's conversations count.
 */
export async function findByExternalId(
  store: DocStore, channelAccountId: string, externalId: string, direction?: MessageDoc['direction'],
): Promise<{ messageId: string; channel: unknown } | undefined> {
  const selector = direction ? { externalId, type: 'message', direction } : { externalId, type: 'message' };
  for (const m of await store.find({ selector, limit: 20 })) {
    const conversation = m._deleted ? undefined : await store.get(String(m.conversationId));
    if (conversation && !conversation._deleted && conversation.channelAccountId === channelAccountId) {
      return { messageId: m._id, channel: conversation.channel };
    }
  }
  return undefined;
}

/**
 * Why a delivery report failed, for the agent: WhatsApp's code as its pt-BR sentence (R-CH-03);
 * otherwise a fixed sentence. Upstream texts can carry anything: only word characters are kept.
 */
function failureReason(channel: unknown, error: string | undefined): string {
  if (!error) return 'Não entregue pelo canal.';
  // The code (and upstream title) stay in parentheses for whoever the agent asks for help.
  const detail = error.replace(/[^\w .:-]/g, '').slice(0, 80);
  const known = channel === 'whatsapp' ? whatsappRefusal(Number(/^\d+/.exec(error)?.[0])) : undefined;
  return known ? `${known} (${detail})` : `Não entregue pelo canal (${detail}).`;
}
