import {
  conversationReplyWindow, keyOf, mayReplyFreely, replyPolicyOf,
  type AnswerVisibility, type Attachment, type ConversationDoc, type MessageDoc, type MessageKind,
} from '@atende/protocol';
import { newJob, type JobDoc } from '../jobs/types.js';
import type { DocStore } from '../store/index.js';
import { toStored, updateWire } from '../store/wire.js';
import { inTeam, summarise } from './summary.js';

/** The job that hands a queued outgoing message to its channel (channels/jobs.ts). */
export const SEND_JOB = 'channel-send';

/** What an outgoing message says and who signs it; an agent's reply names its author, others (system, bot, integration) do not. */
export interface Outgoing {
  id: string;
  at: number;
  authorName: string;
  text: string;
  authorId?: string | null;
  kind?: MessageKind;
  attachments?: Attachment[];
  visibility?: AnswerVisibility;
  payload?: MessageDoc['payload'];
}

/**
 * One outgoing message, stored `queued` until a worker moves it to sent → delivered → read (or
 * failed), in the conversation's team. Agents' replies, the integrations' messages (public API),
 * the bot's and the organisation's own (off-hours, session timeout) all have this one shape.
 */
export function outgoingMessage(c: Pick<ConversationDoc, 'id' | 'teamId'>, m: Outgoing): MessageDoc {
  return {
    id: m.id, type: 'message', createdAt: m.at, updatedAt: m.at,
    conversationId: c.id, teamId: c.teamId, formerTeamIds: [],
    direction: 'out', authorId: m.authorId ?? null, authorName: m.authorName, kind: m.kind ?? 'text',
    text: m.text, attachments: m.attachments ?? [], visibility: m.visibility ?? 'public',
    status: 'queued', error: null, externalId: null, payload: m.payload ?? {},
  };
}

/** The part of a channel account the organisation's own messages need: the name they are signed with, the reply rules' settings. */
export interface SpeakingAccount {
  name?: unknown;
  settings?: Record<string, string | undefined>;
}

/** The channel account a conversation goes through, for the messages the organisation sends with no agent. */
export async function speakingAccount(store: DocStore, c: Pick<ConversationDoc, 'channelAccountId'>): Promise<SpeakingAccount | undefined> {
  const account = await store.get(c.channelAccountId);
  return account && !account._deleted ? (account as SpeakingAccount) : undefined;
}

/** The organisation signs as the channel account's name: who the customer knows it as there. */
export const signatureOf = (account: SpeakingAccount | undefined): string => (typeof account?.name === 'string' ? account.name : '');

/** Whether the channel takes a message now (WhatsApp's and Messenger's windows): a job that can only fail is not written. */
export const mayReachCustomer = (c: ConversationDoc, account: SpeakingAccount | undefined, at: number): boolean =>
  mayReplyFreely(conversationReplyWindow(c, at, replyPolicyOf(account?.settings)));

/** The message's first send job: its id comes from the message's, so a repeat writes it once. */
export const sendJobOf = (message: Pick<MessageDoc, 'id'>, now?: number): JobDoc =>
  newJob(SEND_JOB, keyOf(message.id), { messageId: message.id }, now === undefined ? {} : { now });

export interface StoreOutgoingOptions {
  /**
   * The conversation's revision the sender judged: its summary is written over it in the same
   * write, so anything landing meanwhile (a transfer, a finish) makes that write conflict instead
   * of being overwritten — and the summary then follows on the latest revision.
   */
  over?: { conversation: ConversationDoc; rev: string | undefined };
  /** The caller wrote the summary itself (a session timeout's finish carries it). */
  summarised?: boolean;
  /** The send job's clock (the sweeps' `now`); the wall clock when not said. */
  jobNow?: number;
}

/**
 * Stores an outgoing message with its send job, create-only: undefined when that id was stored
 * already (the caller decides what a repeat means). Otherwise answers the message as stored: the
 * conversation's card follows it, and a transfer that landed meanwhile takes the message along
 * to the conversation's new team.
 */
export async function storeOutgoing(store: DocStore, message: MessageDoc, options: StoreOutgoingOptions = {}): Promise<MessageDoc | undefined> {
  const { over } = options;
  const docs = [toStored(message), sendJobOf(message, options.jobNow)];
  if (over && !options.summarised) docs.push(toStored(summarise(over.conversation, message), over.rev));
  const results = await store.bulkWrite(docs);
  const ok = (docId: string) => results.some((r) => r.id === docId && r.ok);
  if (!ok(message.id)) return undefined;
  if (options.summarised || (over && ok(message.conversationId))) return message;
  return settle(store, message);
}

/** The summary on the conversation's latest revision, and the message in the team a transfer moved it to meanwhile. */
async function settle(store: DocStore, message: MessageDoc): Promise<MessageDoc> {
  const { doc } = await updateWire<ConversationDoc>(store, message.conversationId, (c) => c && summarise(c, message));
  if (!doc || doc.teamId === message.teamId) return message;
  const moved = await updateWire<MessageDoc>(store, message.id, (m) => (m && m.teamId !== doc.teamId ? inTeam(m, doc.teamId) : undefined));
  return moved.doc ?? message;
}
