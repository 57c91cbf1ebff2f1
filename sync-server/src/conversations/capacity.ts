import { conversationErrors, keyOf, pauseErrors, type ConversationDoc, type UserDoc } from '@atende/protocol';
import { updateDoc, type DocStore, type StoredDoc } from '../store/index.js';
import { toWire } from '../store/wire.js';

/** What a seat's conversation looked like before the command that took the seat wrote it. */
interface Before {
  status: ConversationDoc['status'];
  agentId: string | null;
  transfers: number;
}

interface Seat {
  conversationId: string;
  at: number;
  /** null: the conversation did not exist yet (an agent-started one). */
  before: Before | null;
}

/**
 * The seats an agent holds (R-WS-07), server-only: `capacity` is no replicated type, so no replica
 * sees it, and no client may push it. Every take is a revision-checked write of this one document,
 * so concurrent claims, transfers and starts for one agent are arbitrated by the store.
 */
interface CapacityDoc extends StoredDoc {
  type: 'capacity';
  userId: string;
  seats: Seat[];
}

const capacityIdOf = (userId: string) => `capacity:${keyOf(userId)}`;

/** The agent a seat is for: their maximum, and their name for a refusal said to someone else. */
type SeatHolder = Pick<UserDoc, 'id' | 'maxConcurrent' | 'name'>;

const MAX_ATTEMPTS = 100;
/** How long a seat whose command has not written yet is kept (a crash between the two). */
const PENDING_MS = 120_000;

const beforeOf = (c: ConversationDoc | undefined): Before | null =>
  c ? { status: c.status, agentId: c.agentId, transfers: c.transfers.length } : null;

const sameBefore = (a: Before | null, b: Before | null) =>
  a === null || b === null ? a === b : a.status === b.status && a.agentId === b.agentId && a.transfers === b.transfers;

/** Whether a seat still counts: see `Capacity`. */
function holds(agentId: string, seat: Seat, current: ConversationDoc | undefined, now: number): boolean {
  if (current?.status === 'active' && current.agentId === agentId) return true;
  if (current?.status === 'finished') return false;
  return now - seat.at < PENDING_MS && sameBefore(seat.before, beforeOf(current));
}

/**
 * The maximum of simultaneous conversations per agent (R-WS-07). A seat is taken before the
 * conversation is written to the agent and reconciled on every later take: it stays while its
 * conversation is active with the agent, or still unchanged by the command that took it (briefly);
 * anything else (finished, transferred away, lost to a racer, a crash) frees it, so no release hook
 * is needed for correctness. Active conversations without a seat (from before seats) count too.
 */
export class Capacity {
  constructor(private readonly store: DocStore) {}

  /**
   * Takes a seat for `conversationId`; refuses with the manual's message when the agent is full.
   * Answers false when the agent already holds it (a repeated command needs no second seat).
   * `byUserId`: who hands the conversation to the agent (a transfer), named in a refusal.
   */
  async take(agent: SeatHolder, conversationId: string, byUserId: string = agent.id): Promise<boolean> {
    const id = capacityIdOf(agent.id);
    await this.assertNotPaused(agent, byUserId);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const stored = (await this.store.get(id, { fresh: true })) as CapacityDoc | undefined;
      const now = Date.now();
      const target = await this.conversation(conversationId);
      if (target?.status === 'active' && target.agentId === agent.id) return false;
      const { kept, held } = await this.held(agent, stored, now);
      if (kept.some((s) => s.conversationId === conversationId)) return false;
      if (held >= agent.maxConcurrent) throw conversationErrors.maxConcurrent();
      const next: CapacityDoc = {
        _id: id, type: 'capacity', userId: agent.id,
        seats: [...kept, { conversationId, at: now, before: beforeOf(target) }],
      };
      if (stored?._rev) next._rev = stored._rev;
      const [result] = await this.store.bulkWrite([next]);
      if (result?.ok) {
        await this.notPausedSince(agent, conversationId, byUserId);
        return true;
      }
      if (result?.error !== 'conflict') throw new Error(`write ${id}: ${result?.reason ?? 'no result'}`);
    }
    throw new Error(`write ${id}: too much contention`);
  }

  /**
   * Refuses when the agent is full, taking nothing: the manual checks the maximum before anything
   * else of a start (start.ts), whose seat is taken later, once its conversation id is known.
   */
  async check(agent: SeatHolder, byUserId: string = agent.id): Promise<void> {
    await this.assertNotPaused(agent, byUserId);
    const stored = (await this.store.get(capacityIdOf(agent.id), { fresh: true })) as CapacityDoc | undefined;
    const { held } = await this.held(agent, stored, Date.now());
    if (held >= agent.maxConcurrent) throw conversationErrors.maxConcurrent();
  }

  /**
   * A paused agent takes no seat (R-WS-09), whoever hands them the conversation: the user is read
   * fresh, since the caller's copy may predate the pause. Said to the agent ("Você está em
   * pausa…"), or in the agent's name to whoever transfers to them.
   */
  private async assertNotPaused(agent: SeatHolder, byUserId: string): Promise<void> {
    const user = await this.store.get(agent.id, { fresh: true });
    if (user && !user._deleted && user.pause) throw agent.id === byUserId ? pauseErrors.paused() : pauseErrors.targetPaused(agent.name);
  }

  /**
   * The pause writes only the user document, so a pause landing between the check above and the
   * seat's write would let both succeed. Read again once the seat is written: a pause seen now
   * gives the seat back and refuses; one not seen yet landed after the seat, which it then lets
   * stand (a pause keeps the conversations already taken).
   */
  private async notPausedSince(agent: SeatHolder, conversationId: string, byUserId: string): Promise<void> {
    try {
      await this.assertNotPaused(agent, byUserId);
    } catch (error) {
      await this.release(agent.id, conversationId);
      throw error;
    }
  }

  /** Gives back a seat whose command did not write (refused, or lost to a racer). */
  async release(agentId: string, conversationId: string): Promise<void> {
    await updateDoc<CapacityDoc>(this.store, capacityIdOf(agentId), (current) => {
      if (!current || current._deleted || !current.seats.some((s) => s.conversationId === conversationId)) return undefined;
      return { ...current, seats: current.seats.filter((s) => s.conversationId !== conversationId) };
    });
  }

  /** Takes a seat around `write`, giving it back when `write` fails or writes nothing (undefined). */
  async seated<T>(agent: SeatHolder, conversationId: string, write: () => Promise<T>, byUserId: string = agent.id): Promise<T> {
    const taken = await this.take(agent, conversationId, byUserId);
    let result: T | undefined;
    try {
      result = await write();
      return result;
    } finally {
      if (taken && result === undefined) await this.release(agent.id, conversationId);
    }
  }

  /** The seats still held, and how many conversations they and the agent's active ones make. */
  private async held(agent: SeatHolder, stored: CapacityDoc | undefined, now: number): Promise<{ kept: Seat[]; held: number }> {
    const kept: Seat[] = [];
    for (const seat of stored && !stored._deleted ? stored.seats : []) {
      if (holds(agent.id, seat, await this.conversation(seat.conversationId), now)) kept.push(seat);
    }
    const held = new Set(kept.map((s) => s.conversationId));
    const active = await this.store.find({
      selector: { type: 'conversation', agentId: agent.id, status: 'active' },
      limit: agent.maxConcurrent,
    });
    for (const c of active) held.add(c._id);
    return { kept, held: held.size };
  }

  private async conversation(id: string): Promise<ConversationDoc | undefined> {
    const stored = await this.store.get(id, { fresh: true });
    return stored && !stored._deleted ? toWire<ConversationDoc>(stored) : undefined;
  }
}
