import { createHash } from 'node:crypto';
import {
  conversationEventText, keyOf, type ConversationDoc, type ConversationEventPayload, type MessageDoc, type Transfer, type UserDoc,
} from '@atende/protocol';
import { newJob, type JobDoc, type JobHandler } from '../jobs/types.js';
import type { DocStore, StoredDoc } from '../store/index.js';
import { STATUS_CHANGED_INDEX } from '../store/indexes.js';
import { getWire, toStored, toWire } from '../store/wire.js';

/**
 * Lifecycle events in the transcript (issue 9; R-WS-15 forwarding history, R-CH-02 notices):
 * written after the command that caused them was stored, with ids derived from the
 * conversation's state, so a retried command (or a retry after a crash in between) writes the
 * same documents again and the store keeps one of each. They never touch the conversation's
 * summary (lastInboundAt, lastPreview): they are no one's message.
 */

/** Finds the queue position and wait estimate once the conversation is in the queue. */
export const QUEUED_EVENT_JOB = 'conversation-queued';
/** Pushes one event to the website visitor's open widget. */
export const VISITOR_NOTICE_JOB = 'visitor-notice';

export interface PendingEvent {
  /** Unique within the conversation and derived from its state, e.g. `joined.2`. */
  key: string;
  payload: ConversationEventPayload;
  at: number;
}

/** `message:ev.<conversation key>.<event key>`, hashed when a long conversation id would not fit. */
export function eventMessageId(conversationId: string, key: string): string {
  const id = `message:ev.${keyOf(conversationId)}.${key}`;
  return id.length <= 100 ? id : `message:ev.${createHash('sha256').update(id).digest('base64url').slice(0, 32)}`;
}

/**
 * Only the website chat shows these to the customer (its own widget); WhatsApp and the other
 * channels would receive them as messages from the company, which nobody wrote.
 */
const showsNotices = (c: Pick<ConversationDoc, 'channel'>) => c.channel === 'webchat';

export function eventMessage(c: Pick<ConversationDoc, 'id' | 'teamId'>, event: PendingEvent): MessageDoc {
  return {
    id: eventMessageId(c.id, event.key), type: 'message', createdAt: event.at, updatedAt: event.at,
    conversationId: c.id, teamId: c.teamId, formerTeamIds: [],
    direction: 'system', authorId: null, authorName: '', kind: 'event', text: conversationEventText(event.payload),
    attachments: [], visibility: 'public', status: 'sent', error: null, externalId: null, payload: event.payload,
  };
}

/** The outbox job that tells the queue position of the conversation's n-th time in the queue. */
export function queuedJob(conversationId: string, n: number): JobDoc {
  return newJob(QUEUED_EVENT_JOB, `${keyOf(conversationId)}.${n}`, { conversationId, n });
}

export function joinedEvent(c: ConversationDoc, agent: Pick<UserDoc, 'id' | 'name'>): PendingEvent {
  return { key: `joined.${c.transfers.length}`, payload: { event: 'joined', agentId: agent.id, agentName: agent.name }, at: c.takenAt ?? Date.now() };
}

export function finishedEvent(c: ConversationDoc): PendingEvent {
  return { key: 'finished', payload: { event: 'finished', byUserId: c.finishedBy }, at: c.finishedAt ?? Date.now() };
}

/** A transfer or a return to the queue, from its entry in the forwarding history. */
export function movedEvent(t: Transfer, index: number, returned: boolean): PendingEvent {
  // The note goes with the line in the forwarding history (R-WS-19); the widget never gets it (visitorEvent).
  const note = t.note ? { note: t.note } : {};
  const payload: ConversationEventPayload = returned
    ? { event: 'returned', fromAgentId: t.fromAgentId, byUserId: t.byUserId, ...note }
    : { event: 'transferred', fromTeamId: t.fromTeamId, toTeamId: t.toTeamId, fromAgentId: t.fromAgentId, toAgentId: t.toAgentId, byUserId: t.byUserId, ...note };
  return { key: `moved.${index}`, payload, at: t.at };
}

/** The events' transcript lines, and the notices that show them on the visitor's widget. */
export function eventDocs(c: Pick<ConversationDoc, 'id' | 'teamId' | 'channel'>, events: PendingEvent[]): { lines: StoredDoc[]; jobs: JobDoc[] } {
  const lines: StoredDoc[] = [];
  const jobs: JobDoc[] = [];
  for (const event of events) {
    const message = eventMessage(c, event);
    lines.push(toStored(message));
    if (showsNotices(c)) jobs.push(newJob(VISITOR_NOTICE_JOB, keyOf(message.id), { messageId: message.id }));
  }
  return { lines, jobs };
}

export class ConversationEvents {
  constructor(private readonly store: DocStore) {}

  /**
   * Stores the events (create-only: an id already there is a retry's), with their notices to the
   * visitor, and — when the conversation entered the queue as its `queuedAfter`-th state — the job
   * that tells the customer their place. The team is the conversation's latest, so an event never
   * lands in a team the conversation has left.
   */
  async record(conversationId: string, events: PendingEvent[], queuedAfter?: number): Promise<void> {
    const stored = await this.store.get(conversationId, { fresh: true });
    if (!stored || stored._deleted) return;
    const c = toWire<ConversationDoc>(stored);
    const { lines, jobs } = eventDocs(c, events);
    const docs: StoredDoc[] = [...lines, ...jobs];
    if (queuedAfter !== undefined) docs.push(queuedJob(c.id, queuedAfter));
    if (docs.length > 0) await this.store.bulkWrite(docs);
  }

  /** The user's display name for a 'joined' event (an agent removed meanwhile keeps their id). */
  async agent(id: string): Promise<Pick<UserDoc, 'id' | 'name'>> {
    const user = await getWire<UserDoc>(this.store, id);
    return { id, name: user?.name ?? '' };
  }

  /** The `QUEUED_EVENT_JOB` handler: a conversation taken or moved before it ran needs no notice. */
  queuedJobHandler(): JobHandler {
    return async (job) => {
      const n = Number(job.payload.n);
      const c = await getWire<ConversationDoc>(this.store, String(job.payload.conversationId));
      if (!c || c.status !== 'waiting' || c.transfers.length !== n) return;
      const now = Date.now();
      const [position, waitMinutes] = await Promise.all([this.positionOf(c), this.waitEstimate(c.teamId, now)]);
      await this.record(c.id, [{ key: `queued.${n}`, payload: { event: 'queued', position, waitMinutes }, at: now }]);
    };
  }

  /**
   * 1 + the team's conversations waiting longer (ties by id, as the queue lists them). The queue's
   * reads name the status index (store/indexes.ts), which serves a selector only with a condition
   * on `changedAt`; every stored document carries its change stamp (store/changeStamps.ts).
   */
  private async positionOf(c: ConversationDoc): Promise<number> {
    const waiting = await this.store.find({ selector: { status: 'waiting', changedAt: { $gte: 0 }, type: 'conversation', teamId: c.teamId }, limit: 1000, useIndex: STATUS_CHANGED_INDEX });
    const since = c.waitingSince ?? 0;
    const ahead = waiting.filter((w) => {
      const other = Number(w.waitingSince ?? 0);
      return w._id !== c.id && !w._deleted && (other < since || (other === since && w._id < c.id));
    });
    return ahead.length + 1;
  }

  /**
   * The mean wait of the team's last takes in the past two hours, in whole minutes (at least 1);
   * null with fewer than three, when a number would be a guess.
   */
  private async waitEstimate(teamId: string, now: number): Promise<number | null> {
    const since = now - 2 * 3600_000;
    const [active, finished] = await Promise.all([
      this.store.find({ selector: { status: 'active', changedAt: { $gte: 0 }, type: 'conversation', teamId }, limit: 500, useIndex: STATUS_CHANGED_INDEX }),
      this.store.find({ selector: { status: 'finished', changedAt: { $gt: since }, type: 'conversation', teamId }, limit: 500, useIndex: STATUS_CHANGED_INDEX }),
    ]);
    const waits = [...active, ...finished]
      .map((c) => ({ takenAt: Number(c.takenAt ?? 0), waitingSince: Number(c.waitingSince ?? 0) }))
      .filter((c) => c.takenAt >= since && c.waitingSince > 0 && c.takenAt >= c.waitingSince)
      .sort((a, b) => b.takenAt - a.takenAt)
      .slice(0, 20)
      .map((c) => c.takenAt - c.waitingSince);
    if (waits.length < 3) return null;
    const mean = waits.reduce((sum, w) => sum + w, 0) / waits.length;
    return Math.max(1, Math.ceil(mean / 60_000));
  }
}
