import { transition, type ConversationDoc, type ConversationStatus, type TeamDoc } from '@atende/protocol';
import { eventDocs, finishedEvent } from '../conversations/events.js';
import { summarise } from '../conversations/summary.js';
import type { DocStore, StoredDoc } from '../store/index.js';
import { STATUS_CHANGED_INDEX } from '../store/indexes.js';
import { toStored, toWire } from '../store/wire.js';
import { storeSystemMessage, systemMessage } from './systemMessages.js';
import { timeoutTeams } from './teamHours.js';

/** The reason in the timeout message's id. */
export const TIMEOUT_REASON = 'timeout';
/** Conversations of one team and status looked at per sweep; the rest wait for the next one. */
const SWEEP_LIMIT = 1000;
// With the bot too: a customer who leaves the menu unanswered would otherwise hold an open conversation forever.
const OPEN: readonly ConversationStatus[] = ['bot', 'waiting', 'active'];

/**
 * When the conversation last moved: its last message of either side, and its entries into the
 * queue and into an agent's hands (a conversation just transferred or taken is not idle, however
 * old its last message).
 */
export const lastActivity = (c: ConversationDoc): number =>
  Math.max(c.lastMessageAt ?? 0, c.waitingSince ?? 0, c.takenAt ?? 0, c.createdAt);

const idle = (c: ConversationDoc, team: TeamDoc, now: number): boolean =>
  !!team.sessionTimeout && OPEN.includes(c.status) && c.teamId === team.id && now - lastActivity(c) >= team.sessionTimeout.minutes * 60_000;

/**
 * R-RT-01: finishes the conversations with the bot, waiting and active of teams with a session timeout that
 * have been idle longer than it. Answers how many it finished.
 */
export async function sweepSessionTimeouts(store: DocStore, now: number): Promise<number> {
  let finished = 0;
  for (const team of await timeoutTeams(store)) {
    for (const status of OPEN) {
      const found = await store.find({
        selector: { status, changedAt: { $gte: 0 }, type: 'conversation', teamId: team.id }, limit: SWEEP_LIMIT, useIndex: STATUS_CHANGED_INDEX,
      });
      for (const stored of found) {
        // The index may lag the document: judged again on the stored revision by finishIdle.
        if (stored._deleted || !idle(toWire<ConversationDoc>(stored), team, now)) continue;
        if (await finishIdle(store, stored._id, team, now)) finished += 1;
      }
    }
  }
  return finished;
}

/**
 * Finishes one idle conversation through the lifecycle's finish (by no one: `finishedBy` null),
 * written over the revision it was judged on: an agent's message, a take or a transfer landing
 * meanwhile makes the write conflict, and the conversation stays open (judged again next sweep).
 * Only once the finish is stored do the optional message to the customer (dated just before it,
 * so it reads before "Conversa encerrada") and the history's "finished" line go out. The system
 * chooses no disposition, even where the team requires one of its agents.
 */
export async function finishIdle(store: DocStore, conversationId: string, team: TeamDoc, now: number): Promise<boolean> {
  const stored = await store.get(conversationId, { fresh: true });
  if (!stored || stored._deleted || !stored._rev) return false;
  const c = toWire<ConversationDoc>(stored);
  if (!idle(c, team, now)) return false;
  const result = transition(c, { type: 'finish', byUserId: null, disposition: null, note: '', at: now + 1 });
  if (!result.ok || !result.changed) return false;
  const text = team.sessionTimeout?.message.trim() ?? '';
  const sys = text ? await systemMessage(store, c, TIMEOUT_REASON, text, now) : undefined;
  const next = sys ? { ...summarise(result.next, sys), updatedAt: Math.max(result.next.updatedAt, c.updatedAt + 1) } : result.next;
  const [written] = await store.bulkWrite([toStored(next, stored._rev)]);
  if (!written?.ok) return false;
  if (sys) await storeSystemMessage(store, sys, { summarised: true });
  const trace = eventDocs(next, [finishedEvent(next)]);
  const docs: StoredDoc[] = [...trace.lines, ...trace.jobs];
  await store.bulkWrite(docs);
  return true;
}
