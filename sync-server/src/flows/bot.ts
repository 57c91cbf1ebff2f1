import { createHash } from 'node:crypto';
import {
  keyOf, runFlows, transition,
  type BotMessage, type ConversationDoc, type ConversationEventPayload, type Flow, type FlowRun, type MessageDoc, type TeamDoc,
} from '@atende/protocol';
import { eventDocs, QUEUED_EVENT_JOB, type PendingEvent } from '../conversations/events.js';
import { writeWithOutbox } from '../conversations/outbox.js';
import { outgoingMessage, storeOutgoing } from '../conversations/outgoing.js';
import { RETAG_JOB } from '../conversations/service.js';
import { newJob, RetryLater, type JobDoc, type JobHandler } from '../jobs/types.js';
import type { DocStore, StoredDoc } from '../store/index.js';
import { getWire } from '../store/wire.js';
import type { Flows } from './flows.js';

/** Runs a customer's message through the bot (R-RT-04); written with the message (inbound.ts hook). */
export const FLOW_JOB = 'flow-reply';
/** Who the customer sees writing: no agent, the organisation's assistant. */
export const BOT_AUTHOR_NAME = 'Assistente virtual';

/**
 * What the bot remembers of a conversation (server-only, `botstate:<conversation key>`): the team
 * whose flow it is in (a different team means the conversation just entered it: "first trigger"),
 * the last message it sent (its menu answers the next reply), when it last wrote (the time
 * without interaction), and the replies in a row it did not understand.
 */
interface BotStateDoc extends StoredDoc {
  type: 'botstate';
  teamId: string;
  lastMessage: BotMessage | null;
  lastSentAt: number | null;
  misses: number;
  /** The customer message it answered last: a retried job finds it answered. */
  answered: string;
  /** When that message was written: an older one (a job late on another node) is not answered any more. */
  answeredAt?: number;
}

const stateIdOf = (conversationId: string) => `botstate:${keyOf(conversationId)}`;

/** The job a customer's message in a conversation with the bot causes, keyed by the message. */
export const flowJob = (message: Pick<MessageDoc, 'id' | 'conversationId'>): JobDoc =>
  newJob(FLOW_JOB, keyOf(message.id), { conversationId: message.conversationId, messageId: message.id });

/** A bot message's id: fixed per answered message and position, so a retried job writes it once. */
const botMessageId = (answered: string, n: number) =>
  `message:bot.${createHash('sha256').update(`${answered}#${n}`).digest('base64url').slice(0, 32)}`;

/**
 * When the company last wrote to this customer before the bot took the conversation: the end of
 * the thread's previous conversation if an agent served it (ids end in `-<seq>`, inbound.ts);
 * null when none did — a new customer, who has waited "forever".
 */
async function agentLastAt(store: DocStore, c: ConversationDoc): Promise<number | null> {
  const match = /^(.*-)(\d+)$/.exec(c.id);
  const seq = Number(match?.[2] ?? 0);
  if (!match?.[1] || seq <= 1) return null;
  const previous = await getWire<ConversationDoc>(store, `${match[1]}${seq - 1}`);
  if (!previous || previous.takenAt === null) return null;
  return previous.finishedAt ?? previous.lastMessageAt;
}

export class Bot {
  constructor(private readonly store: DocStore, private readonly flows: Flows) {}

  /** The FLOW_JOB handler: a conversation no longer with the bot (taken, released) needs nothing. */
  handler(): JobHandler {
    return async (job) => {
      const c = await getWire<ConversationDoc>(this.store, String(job.payload.conversationId));
      const message = await getWire<MessageDoc>(this.store, String(job.payload.messageId));
      if (!c || !message || c.status !== 'bot') return;
      await this.answer(c, message);
    };
  }

  private async answer(c: ConversationDoc, message: MessageDoc): Promise<void> {
    const read = (await this.store.get(stateIdOf(c.id), { fresh: true })) as BotStateDoc | undefined;
    const state = read?._deleted ? undefined : read;
    if (state?.answered === message.id) return;
    if (state?.answeredAt !== undefined && message.createdAt < state.answeredAt) return;
    const inTeam = state?.teamId === c.teamId ? state : undefined;
    const flows = await this.flows.all();
    const run = runFlows((teamId) => flows.get(teamId), c.teamId, {
      text: message.text,
      lastInteractionAt: inTeam?.lastSentAt ?? state?.lastSentAt ?? (await agentLastAt(this.store, c)),
      isFirst: !inTeam,
      now: message.createdAt,
      lastMessage: inTeam?.lastMessage ?? null,
      misses: inTeam?.misses ?? 0,
    });
    const texts = run.steps.flatMap((s) => (s.message === null ? [] : [s.message]));
    const sentAt = await this.sendAll(c, message, texts);
    let teamId = run.outcome.teamId;
    if (run.outcome.kind === 'queue') await this.handOff(c.id, teamId, null);
    else if (teamId !== c.teamId && !(await this.enterFlow(c.id, teamId))) teamId = c.teamId;
    // Last: a retry after a crash before this line runs the message again (its bot messages have fixed ids).
    await this.remember(c.id, { ...run, outcome: { ...run.outcome, teamId } }, message, sentAt ?? state?.lastSentAt ?? null, read);
  }

  /**
   * The bot's messages go out like an agent's (queued with their send job, every channel delivers
   * them: conversations/outgoing.ts), written by no one: `authorId` null, the assistant's name. Answers when the last left.
   */
  private async sendAll(c: ConversationDoc, answered: MessageDoc, texts: readonly string[]): Promise<number | undefined> {
    let at: number | undefined;
    for (const [n, text] of texts.entries()) {
      at = Math.max(Date.now(), answered.createdAt + 1 + n);
      await storeOutgoing(this.store, outgoingMessage(c, { id: botMessageId(answered.id, n), at, authorName: BOT_AUTHOR_NAME, text }));
    }
    return at;
  }

  /**
   * Written only over the revision `answer` read: jobs of one conversation may run at once on two
   * nodes (concurrency is per node) or as retries, and the state one of them wrote meanwhile is not
   * lost — the job runs again from it (RetryLater), where an older message finds itself answered.
   */
  private async remember(
    conversationId: string, run: FlowRun, answered: MessageDoc, lastSentAt: number | null, read: BotStateDoc | undefined,
  ): Promise<void> {
    const next: StoredDoc = {
      _id: stateIdOf(conversationId), type: 'botstate', teamId: run.outcome.teamId,
      lastMessage: run.lastMessage, lastSentAt, misses: run.misses, answered: answered.id, answeredAt: answered.createdAt,
    };
    if (read?._rev) next._rev = read._rev;
    const [result] = await this.store.bulkWrite([next]);
    if (result?.ok) return;
    if (result?.error === 'conflict') throw new RetryLater(`bot state of ${conversationId} changed meanwhile`);
    throw new Error(`write ${next._id}: ${result?.reason ?? 'no result'}`);
  }

  /**
   * The conversation enters another team's flow and stays with the bot; its messages follow it.
   * False when that team is archived or gone (a flow saved before): it stays in its team (R-RT-01).
   */
  private async enterFlow(conversationId: string, toTeamId: string): Promise<boolean> {
    if (!(await this.takesConversations(toTeamId))) return false;
    await writeWithOutbox<ConversationDoc>(this.store, conversationId, (current) => {
      if (!current) return undefined;
      const result = transition(current, { type: 'enterFlow', toTeamId, at: Date.now() });
      if (!result.ok || !result.changed) return undefined;
      return { doc: result.next, jobs: [newJob(RETAG_JOB, `${keyOf(conversationId)}.flow${result.next.formerTeamIds.length}`, { conversationId })] };
    });
    return true;
  }

  /** A team that exists and is not archived: an archived one takes no new conversations (R-RT-01). */
  private async takesConversations(teamId: string): Promise<boolean> {
    const team = teamId.startsWith('team:') ? await getWire<TeamDoc>(this.store, teamId) : undefined;
    return !!team && team.type === 'team' && !team.archived;
  }

  /**
   * Bot → the waiting queue of a team (lifecycle `handoff`): with its queue notice (a key of its
   * own: `<conversation>.0` is the opening's), its messages following a team change, and a line in
   * the forwarding history — by the supervisor who released it, or by nobody (the bot).
   * Answers the conversation as written, undefined when it was no longer with the bot. A team
   * archived or gone meanwhile (a flow saved before) is replaced by the conversation's own (R-RT-01).
   */
  async handOff(conversationId: string, target: string, byUserId: string | null): Promise<ConversationDoc | undefined> {
    let handed: ConversationDoc | undefined;
    const live = await this.takesConversations(target);
    await writeWithOutbox<ConversationDoc>(this.store, conversationId, (current) => {
      if (!current || current.status !== 'bot') return undefined;
      const toTeamId = live ? target : current.teamId;
      const result = transition(current, { type: 'handoff', toTeamId, at: Date.now() });
      if (!result.ok || !result.changed) return undefined;
      const next = result.next;
      const key = keyOf(conversationId);
      const jobs = [newJob(QUEUED_EVENT_JOB, `${key}.bot`, { conversationId, n: next.transfers.length })];
      if (current.teamId !== toTeamId) jobs.push(newJob(RETAG_JOB, `${key}.bot`, { conversationId }));
      const lines = eventDocs(next, this.exitLine(current, toTeamId, byUserId, next.updatedAt));
      handed = next;
      return { doc: next, jobs: [...jobs, ...lines.jobs], with: lines.lines };
    });
    return handed;
  }

  /** A release or a hand-off to another team shows in the forwarding history; the bot's own hand-off in its team needs no line. */
  private exitLine(c: ConversationDoc, toTeamId: string, byUserId: string | null, at: number): PendingEvent[] {
    let payload: ConversationEventPayload;
    if (toTeamId !== c.teamId) {
      payload = { event: 'transferred', fromTeamId: c.teamId, toTeamId, fromAgentId: null, toAgentId: null, byUserId };
    } else if (byUserId !== null) {
      payload = { event: 'returned', fromAgentId: null, byUserId };
    } else {
      return [];
    }
    return [{ key: 'bot.exit', payload, at }];
  }
}

/** For the "Testar" box: the run of a text through the saved flows, a draft standing in for one team's. */
export function testRun(flows: ReadonlyMap<string, Flow>, teamId: string, draft: Pick<Flow, 'active' | 'triggers'> | undefined) {
  return (id: string) => (id === teamId && draft ? draft : flows.get(id));
}
