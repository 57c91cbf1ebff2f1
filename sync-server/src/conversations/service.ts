import {
  assertMay, DomainError, docId, notFound, pauseErrors, queueTargetedError, seesQueue, teamErrors,
  type ConversationAction, type ConversationDoc, type ConversationEvent, type FinishBody, type InviteBody, type LeaveBody, type TeamDoc,
  type TransferBody, type UserDoc, ulid,
} from '@atende/protocol';
import { visibleConversation } from '../access/conversations.js';
import { liveTeam } from '../access/teams.js';
import { viewerOf, visibilityOf } from '../access/scope.js';
import { newJob, type JobDoc } from '../jobs/types.js';
import type { DocStore, StoredDoc } from '../store/index.js';
import { getWire, toWire } from '../store/wire.js';
import { Capacity } from './capacity.js';
import { ConversationEvents, eventDocs, finishedEvent, joinedEvent, movedEvent, type PendingEvent } from './events.js';
import { writeWithOutbox } from './outbox.js';
import { asLeftBy, isRepeatOfAll, transitionAll } from './repeats.js';
import { alreadyApplied, invitationRecord, invitedEvent, invitees, keepRecord, leftEvent, recorded } from './invitations.js';

export const RETAG_JOB = 'conversation-retag';

interface CommandOptions {
  check?: (seen: ConversationDoc) => Promise<void>;
  /** `check` judged the team of that moment (a transfer target, a disposition). */
  teamBound?: boolean;
  /** The agent the command gives the conversation to, after `check`: they take a seat (R-WS-07). */
  seatFor?: () => UserDoc | undefined;
  /** Trace lines stored in the conversation's own write, so they exist exactly when the change does. */
  lines?: (next: ConversationDoc, before: ConversationDoc) => PendingEvent[];
  /** Server-only records stored in that same write (that a command ran). */
  records?: StoredDoc[];
  /** Whether the command already ran (by its line or record): a repeat is answered, not refused. */
  applied?: () => Promise<boolean>;
}

/**
 * Agent commands on conversations (R-WS-02, R-WS-05, R-WS-06, R-WS-15, R-WS-19). Every rule of
 * the lifecycle and of who may do what comes from `protocol/`; this class adds what needs the
 * store: arbitration by revision, capacity, and the existence of teams, agents and dispositions.
 */
export class ConversationService {
  private readonly events: ConversationEvents;
  /** R-WS-07: claims, transfers to an agent and agent-started conversations (start.ts) take a seat. */
  readonly capacity: Capacity;

  constructor(private readonly store: DocStore) {
    this.events = new ConversationEvents(store);
    this.capacity = new Capacity(store);
  }

  /**
   * Takes a waiting conversation; under any number of concurrent claims exactly one wins, and
   * never past the agent's maximum (R-WS-07).
   */
  async claim(user: UserDoc, id: string): Promise<ConversationDoc> {
    const c = await this.command(user, id, 'claim', () => ({ type: 'claim', agentId: user.id, at: Date.now() }), {
      seatFor: () => user,
      // R-RT-02: a queue targeted at some agents is taken by them only; judged for the team seen (teamBound).
      check: async (seen) => {
        const team = await getWire<TeamDoc>(this.store, seen.teamId);
        if (!seesQueue(user, team ?? { id: seen.teamId })) throw queueTargetedError();
      },
      teamBound: true,
    });
    await this.events.record(c.id, [joinedEvent(c, user)]);
    return c;
  }

  /** Moves a conversation to another agent or team, keeping the forwarding history (R-WS-15). */
  async transfer(user: UserDoc, id: string, body: TransferBody): Promise<ConversationDoc> {
    const applied = body.id ? await this.appliedTransfer(user, id, body.id) : undefined;
    if (applied) return applied;
    const transferId = body.id ?? docId('transfer').slice('transfer:'.length);
    let target: { teamId: string; agent: UserDoc | null } | undefined;
    const c = await this.command(
      user, id, 'transfer',
      (c) => ({
        type: 'transfer', id: transferId, byUserId: user.id, toTeamId: target?.teamId ?? c.teamId,
        toAgentId: target?.agent?.id ?? null, at: Date.now(), ...(body.note ? { note: body.note } : {}),
      }),
      {
        check: async (seen) => {
          // R-RT-02: moving a waiting conversation is taking it from the queue; a targeted queue is its agents' only.
          if (seen.status === 'waiting') {
            const team = await getWire<TeamDoc>(this.store, seen.teamId);
            if (!seesQueue(user, team ?? { id: seen.teamId })) throw queueTargetedError();
          }
          target = await this.transferTarget(seen, body);
        },
        teamBound: true,
        // The receiving agent's maximum holds for transfers too (R-WS-07).
        seatFor: () => target?.agent ?? undefined,
      },
    );
    await this.recordMove(c, transferId, false);
    return c;
  }

  /** The forwarding history's entry as a trace line; then who took it over, or the queue (R-WS-15). */
  private async recordMove(c: ConversationDoc, transferId: string, returned: boolean): Promise<void> {
    const index = c.transfers.findIndex((t) => t.id === transferId);
    const entry = c.transfers[index];
    if (!entry) return;
    const moved = movedEvent(entry, index, returned);
    if (entry.toAgentId === null) return this.events.record(c.id, [moved], index + 1);
    // A millisecond after the transfer, so every reader lists the two in the order they happened.
    const joined = joinedEvent({ ...c, transfers: c.transfers.slice(0, index + 1), takenAt: entry.at + 1 }, await this.events.agent(entry.toAgentId));
    return this.events.record(c.id, [moved, joined]);
  }

  /** Gives an active conversation back to its team's queue (R-WS-19). */
  async returnToQueue(user: UserDoc, id: string, body: { id?: string | undefined; note?: string | undefined }): Promise<ConversationDoc> {
    const applied = body.id ? await this.appliedTransfer(user, id, body.id) : undefined;
    if (applied) return applied;
    const transferId = body.id ?? docId('transfer').slice('transfer:'.length);
    const c = await this.command(user, id, 'returnToQueue', () => ({
      type: 'returnToQueue', id: transferId, byUserId: user.id, at: Date.now(), ...(body.note ? { note: body.note } : {}),
    }));
    await this.recordMove(c, transferId, true);
    return c;
  }

  /**
   * The author's repeat of a transfer already applied, answered even when the conversation has
   * since left the author's teams (the first answer did reach the store, not the author).
   */
  private async appliedTransfer(user: UserDoc, id: string, commandId: string): Promise<ConversationDoc | undefined> {
    const stored = id.startsWith('conversation:') ? await this.store.get(id, { fresh: true }) : undefined;
    if (!stored || stored._deleted) return undefined;
    const c = toWire<ConversationDoc>(stored);
    const index = c.transfers.findIndex((t) => t.id === commandId && t.byUserId === user.id);
    if (index < 0) return undefined;
    return visibilityOf(viewerOf(user), stored) === 'visible' ? c : asLeftBy(c, index);
  }

  private async transferTarget(c: ConversationDoc, body: TransferBody): Promise<{ teamId: string; agent: UserDoc | null }> {
    if (body.toTeamId) {
      // An archived team (issue 15) takes no new conversations.
      const team = await liveTeam(this.store, body.toTeamId);
      if (!team) throw teamErrors.unknown([body.toTeamId]);
      return { teamId: team.id, agent: null };
    }
    const agent = body.toAgentId ? await getWire<UserDoc>(this.store, body.toAgentId) : undefined;
    if (!agent || agent.type !== 'user') throw new DomainError('unprocessable', 'unknown_agent', 'No such agent');
    if (!agent.teamIds.includes(c.teamId)) {
      throw new DomainError('unprocessable', 'agent_not_in_team', 'That agent is not a member of the conversation’s team; transfer to the team instead');
    }
    // Said in the receiver's name here; capacity refuses a pause that starts meanwhile (R-WS-09).
    if (agent.pause) throw pauseErrors.targetPaused(agent.name);
    return { teamId: c.teamId, agent };
  }

  /**
   * Brings colleagues into an active conversation (R-WS-05). Invitees take no capacity seat: they
   * help the owner, they do not hold the conversation (R-WS-07 counts holders only). All of them
   * in one write, with their trace lines and the command's record, so a repeat finds the record
   * exactly when the invitation is stored and never brings back someone who left since.
   */
  async invite(user: UserDoc, id: string, body: InviteBody): Promise<ConversationDoc> {
    const commandId = body.id ?? ulid();
    const record = body.id ? invitationRecord(id, user.id, body.id, Date.now()) : undefined;
    const applied = record && (() => recorded(this.store, record));
    if (applied && await applied()) return visibleConversation(this.store, user, id);
    const seen = await visibleConversation(this.store, user, id);
    assertMay(user, 'invite', seen);
    const agents = await invitees(this.store, seen, body.agentIds);
    // The invitees were judged for this team: a move meanwhile refuses them (teamBound).
    const sameTeam = async (now: ConversationDoc) => {
      if (now.teamId !== seen.teamId) throw new DomainError('conflict', 'moved', 'The conversation was transferred meanwhile');
    };
    const c = await this.command(user, id, 'invite', () => agents.map((a) => ({ type: 'invite', agentId: a.id, at: Date.now() })), {
      check: sameTeam,
      teamBound: true,
      // Someone invited already (by an earlier command) gets no second line.
      lines: (next, before) => agents.filter((a) => !before.invitedAgentIds.includes(a.id)).map((a) => invitedEvent(commandId, a, user.id, next.updatedAt)),
      records: record ? [record] : [],
      ...(applied ? { applied } : {}),
    });
    // Found everyone already in (nothing written): the record alone, so a repeat stays a repeat.
    if (record) await keepRecord(this.store, record);
    return c;
  }

  /** An invitee leaves (R-WS-05); the owner stays and keeps control. */
  async leave(user: UserDoc, id: string, body: LeaveBody): Promise<ConversationDoc> {
    const commandId = body.id ?? ulid();
    const applied = body.id ? () => alreadyApplied(this.store, id, leftEvent(commandId, user, 0)) : undefined;
    if (applied && await applied()) return visibleConversation(this.store, user, id);
    // The line goes in the conversation's own write: a repeat finds it exactly when the leave is stored.
    return this.command(user, id, 'leave', () => ({ type: 'leave', agentId: user.id, at: Date.now() }), {
      lines: (next) => [leftEvent(commandId, user, next.updatedAt)],
      ...(applied ? { applied } : {}),
    });
  }

  /** Finishes with a disposition and note, both kept for History (R-WS-06). */
  async finish(user: UserDoc, id: string, body: FinishBody): Promise<ConversationDoc> {
    const disposition = body.disposition ?? null;
    const c = await this.command(
      user, id, 'finish',
      // The command id goes on the conversation, so its repeats are told from another finish (issue 14).
      () => ({ type: 'finish', byUserId: user.id, disposition, note: body.note ?? '', at: Date.now(), ...(body.id ? { commandId: body.id } : {}) }),
      { check: (seen) => this.checkDisposition(seen, disposition), teamBound: true },
    );
    await this.events.record(c.id, [finishedEvent(c)]);
    return c;
  }

  private async checkDisposition(c: ConversationDoc, disposition: string | null): Promise<void> {
    if (disposition) {
      const d = await this.store.get(disposition);
      if (!d || d.type !== 'disposition' || d.teamId !== c.teamId) {
        throw new DomainError('unprocessable', 'unknown_disposition', 'That disposition is not one of the team’s');
      }
      return;
    }
    const team = await getWire<TeamDoc>(this.store, c.teamId);
    if (team?.dispositionRequired) throw new DomainError('unprocessable', 'disposition_required', 'Choose a disposition to finish');
  }

  /**
   * Runs one lifecycle event: an idempotent repeat answers the stored state; otherwise the
   * permission and the transition are re-checked on every revision the write loop sees, so a
   * concurrent change can never be overwritten. Outbox jobs go in the same write. The agent who
   * receives the conversation takes a seat first (R-WS-07), given back when the write fails.
   */
  private async command(
    user: UserDoc,
    id: string,
    action: ConversationAction,
    eventFor: (current: ConversationDoc) => ConversationEvent | ConversationEvent[],
    options: CommandOptions = {},
  ): Promise<ConversationDoc> {
    try {
      return await this.run(user, id, action, (current) => [eventFor(current)].flat(), options);
    } catch (error) {
      // A repeat whose first attempt went through meanwhile finds that attempt's line or record.
      if (error instanceof DomainError && await options.applied?.()) return visibleConversation(this.store, user, id);
      throw error;
    }
  }

  private async run(
    user: UserDoc,
    id: string,
    action: ConversationAction,
    eventsFor: (current: ConversationDoc) => ConversationEvent[],
    options: CommandOptions,
  ): Promise<ConversationDoc> {
    const { check, teamBound = false, seatFor, lines, records = [] } = options;
    const seen = await visibleConversation(this.store, user, id);
    if (isRepeatOfAll(user, seen, eventsFor(seen))) return seen;
    assertMay(user, action, seen);
    await check?.(seen);
    const receiver = seatFor?.();
    const write = () => writeWithOutbox<ConversationDoc>(this.store, id, (current) => {
      if (!current) throw notFound('conversation');
      const events = eventsFor(current);
      // A repeat racing its first attempt (the outbox retried a request that timed out) finds the
      // state that attempt wrote: it answers that outcome instead of refusing the changed state.
      if (isRepeatOfAll(user, current, events)) return undefined;
      assertMay(user, action, current);
      const result = transitionAll(current, events);
      if (!result.ok) throw result.error;
      // A team change meanwhile must not be undone, nor a conversation finished under the wrong
      // team's rules.
      if (teamBound && result.changed && current.teamId !== seen.teamId) {
        throw new DomainError('conflict', 'moved', 'The conversation was transferred meanwhile');
      }
      if (!result.changed) return undefined;
      const trace = eventDocs(result.next, lines?.(result.next, current) ?? []);
      return { doc: result.next, jobs: [...this.jobsAfter(current, result.next), ...trace.jobs], with: [...trace.lines, ...records] };
    });
    return receiver ? this.capacity.seated(receiver, seen.id, write, user.id) : write();
  }

  /** Messages follow their conversation's team; moving them is outbox work, not request work. */
  private jobsAfter(before: ConversationDoc, after: ConversationDoc): JobDoc[] {
    if (before.teamId === after.teamId) return [];
    const key = `${after.id.slice('conversation:'.length)}.${after.transfers.length}`;
    return [newJob(RETAG_JOB, key, { conversationId: after.id })];
  }
}
