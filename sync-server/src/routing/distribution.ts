import { DomainError, isOpenAt, type ConversationDoc, type PresenceStatus, type TeamDoc, type UserDoc } from '@atende/protocol';
import { liveTeam } from '../access/teams.js';
import { liveUsers } from '../access/users.js';
import type { ConversationService } from '../conversations/service.js';
import type { DocStore } from '../store/index.js';
import { STATUS_CHANGED_INDEX } from '../store/indexes.js';
import { getWire, toWire } from '../store/wire.js';
import { distributingTeams } from './teamHours.js';

/** Waiting conversations read per team and round. */
const QUEUE_LIMIT = 1000;
/** Refusals that say the agent cannot take more now: the next agent is tried. */
const AGENT_FULL = new Set(['max_concurrent', 'paused']);

export interface DistributionDeps {
  store: DocStore;
  conversations: Pick<ConversationService, 'claim'>;
  /** The agent's live presence (realtime/): only 'online' agents receive conversations. */
  presenceOf: (userId: string) => PresenceStatus;
  now: () => number;
  log: (message: string) => void;
}

interface Candidate {
  user: UserDoc;
  /** Active conversations held now. */
  load: number;
}

/**
 * Automatic distribution (R-RT-02, team.autoDistribute): the team's waiting conversations, oldest
 * first, each go to the least-loaded available agent — online (not paused, not offline), within
 * their working hours when they have some, under their maximum, and among the team's targeted
 * agents when the queue has them. Every assignment is the agents' own claim
 * (ConversationService.claim): the store arbitrates the conversation (one agent wins, a manual
 * take included) and the agent's seats (capacity.ts: never past the maximum), so nothing is
 * checked and then written. Rounds of one team run one after another on a node; across nodes the
 * store arbitrates the same way.
 */
export class Distributor {
  private readonly rounds = new Map<string, Promise<number>>();

  constructor(private readonly deps: DistributionDeps) {}

  /** A round for every team that distributes; answers how many conversations were assigned. */
  async distributeAll(): Promise<number> {
    let assigned = 0;
    for (const team of await distributingTeams(this.deps.store)) assigned += await this.distribute(team.id);
    return assigned;
  }

  /** A round for the conversation's team, when it waits there (the queued job). */
  async onQueued(conversationId: string): Promise<number> {
    const c = await getWire<ConversationDoc>(this.deps.store, conversationId);
    return c?.status === 'waiting' ? this.distribute(c.teamId) : 0;
  }

  /** Runs a round of the team after the one in progress on this node, if any. */
  distribute(teamId: string): Promise<number> {
    const before = this.rounds.get(teamId) ?? Promise.resolve(0);
    const round = before.catch(() => 0).then(() => this.round(teamId));
    this.rounds.set(teamId, round);
    void round.finally(() => {
      if (this.rounds.get(teamId) === round) this.rounds.delete(teamId);
    }).catch(() => undefined);
    return round;
  }

  private async round(teamId: string): Promise<number> {
    const team = await liveTeam(this.deps.store, teamId);
    if (!team?.autoDistribute) return 0;
    const queue = await this.waiting(teamId);
    if (queue.length === 0) return 0;
    const candidates = await this.candidates(team);
    let assigned = 0;
    for (const c of queue) {
      const open = candidates.filter((a) => a.load < a.user.maxConcurrent)
        .sort((a, b) => a.load - b.load || a.load / a.user.maxConcurrent - b.load / b.user.maxConcurrent || (a.user.id < b.user.id ? -1 : 1));
      if (open.length === 0) break;
      for (const candidate of open) {
        const outcome = await this.offer(c, candidate);
        if (outcome === 'full') continue;
        if (outcome === 'taken') assigned += 1;
        break;
      }
    }
    return assigned;
  }

  /** 'taken': the agent has it now; 'full': try the next agent; 'gone': the conversation is not waiting any more. */
  private async offer(c: ConversationDoc, candidate: Candidate): Promise<'taken' | 'full' | 'gone'> {
    try {
      await this.deps.conversations.claim(candidate.user, c.id);
      candidate.load += 1;
      return 'taken';
    } catch (error) {
      if (error instanceof DomainError && AGENT_FULL.has(error.code)) {
        candidate.load = candidate.user.maxConcurrent;
        return 'full';
      }
      // Taken by hand meanwhile, moved, finished, or no longer the agent's to see: the conversation's outcome stands.
      if (error instanceof DomainError) return 'gone';
      this.deps.log(`distribution of ${c.id} to ${candidate.user.id} failed: ${String(error)}`);
      return 'gone';
    }
  }

  /** The team's waiting conversations, oldest first (ties by id, as the queue lists them). */
  private async waiting(teamId: string): Promise<ConversationDoc[]> {
    const found = await this.deps.store.find({
      selector: { status: 'waiting', changedAt: { $gte: 0 }, type: 'conversation', teamId }, limit: QUEUE_LIMIT, useIndex: STATUS_CHANGED_INDEX,
    });
    return found.filter((d) => !d._deleted && d.status === 'waiting' && d.teamId === teamId)
      .map((d) => toWire<ConversationDoc>(d))
      .sort((a, b) => (a.waitingSince ?? 0) - (b.waitingSince ?? 0) || (a.id < b.id ? -1 : 1));
  }

  /** The team's agents available now, with their load. */
  private async candidates(team: TeamDoc): Promise<Candidate[]> {
    const now = this.deps.now();
    const users = (await liveUsers(this.deps.store)).filter((u) => available(u, team, now) && this.deps.presenceOf(u.id) === 'online');
    return Promise.all(users.map(async (user) => ({ user, load: await this.loadOf(user) })));
  }

  private async loadOf(user: UserDoc): Promise<number> {
    const active = await this.deps.store.find({ selector: { type: 'conversation', agentId: user.id, status: 'active' }, limit: user.maxConcurrent + 1 });
    return active.filter((c) => !c._deleted && c.status === 'active' && c.agentId === user.id).length;
  }
}

/**
 * Whether an agent may receive the team's conversations now, from their user document: an agent
 * (supervisors and admins take by hand) of the team, enabled, not paused, within their working
 * hours, and among the queue's targeted agents when it has them.
 */
export function available(u: UserDoc, team: TeamDoc, now: number): boolean {
  if (u.role !== 'agent' || u.disabled || u.pause || !u.teamIds.includes(team.id)) return false;
  if (team.queueAgentIds && !team.queueAgentIds.includes(u.id)) return false;
  return !u.workingHours || isOpenAt(u.workingHours, now);
}
