import { BehaviorSubject, filter, firstValueFrom, map, merge, type Observable } from 'rxjs';
import type { RxCollection } from 'rxdb';
import {
  ulid, type AnswerVisibility, type ContactForm, type ConversationMark, type RaEvaluationBody, type RaModerationBody, type TicketBody,
  type UpdateContactBody,
} from '@atende/protocol';
import type { OutboxDoc, OutboxError, OutboxKind } from './outboxSchema';

/**
 * The agent's commands on their way to the server (issue 8 point 8, R-NET-03). A command is
 * written to the local store with its id before anything is sent; the outbox sends the oldest
 * pending one, then the next, and repeats a command whose request failed, timed out or was cut
 * by a reload with the SAME id, so the server applies it once.
 */

export type Command =
  // `visibility` only on channels with private answers (Reclame Aqui, R-CH-07).
  | { kind: 'reply'; conversationId: string; body: { text: string; mediaIds?: string[]; visibility?: AnswerVisibility } }
  // `note`: for the receiver (R-WS-19).
  | { kind: 'transfer'; conversationId: string; body: ({ toAgentId: string } | { toTeamId: string }) & { note?: string } }
  | { kind: 'finish'; conversationId: string; body: { disposition: string | null; note: string; requestRating?: false } }
  | { kind: 'mark'; conversationId: string; body: { mark: ConversationMark } }
  | { kind: 'tags'; conversationId: string; body: { tags: string[] } }
  // "Adicionar contato"/edit (R-CT-01): `conversationId` holds the contact's id; a create is
  // enqueued under the contact id itself, so the server recognises a repeat (idempotent).
  | { kind: 'createContact'; conversationId: string; body: ContactForm }
  | { kind: 'updateContact'; conversationId: string; body: UpdateContactBody }
  // Reclame Aqui "Solicitar moderação" / "Solicitar avaliação" (R-CH-09, R-CH-10); the id is added at enqueue.
  | { kind: 'raModeration'; conversationId: string; body: Omit<RaModerationBody, 'id'> }
  | { kind: 'raEvaluation'; conversationId: string; body: Omit<RaEvaluationBody, 'id'> }
  // Invited collaborators and return to the queue (issue 13, R-WS-05, R-WS-19).
  | { kind: 'invite'; conversationId: string; body: { agentIds: string[] } }
  | { kind: 'leave'; conversationId: string; body: Record<string, never> }
  | { kind: 'returnToQueue'; conversationId: string; body: { note?: string } }
  // The internal chat (issue 13, R-WS-12): `conversationId` and `body.room` hold the room.
  | { kind: 'chat'; conversationId: string; body: { room: string; text: string } }
  // Tickets (issue 13, R-WS-14): the command id becomes the link's id.
  | { kind: 'ticket'; conversationId: string; body: Omit<TicketBody, 'id'> };

/** The server refused the command for good (a domain error): it is never sent again. */
export class CommandRefused extends Error {
  constructor(readonly refusal: OutboxError) {
    super(refusal.message);
    this.name = 'CommandRefused';
  }
}

/** The server asked to be asked later (429): the command keeps its place and goes again; its reason shows meanwhile. */
export class CommandDeferred extends Error {
  constructor(readonly reason: OutboxError) {
    super(reason.message);
    this.name = 'CommandDeferred';
  }
}

/**
 * A dialog's action as a command: its id is created once, so confirming again after a lost or
 * queued answer repeats the same command (applied once); a refusal starts a new one.
 */
export function commandAttempts(run: (commandId: string) => Promise<unknown>): () => Promise<void> {
  let commandId = ulid();
  return async () => {
    try {
      await run(commandId);
    } catch (error) {
      commandId = ulid();
      throw error;
    }
  };
}

/** Sends one command; throws CommandRefused for a refusal, anything else is worth a retry. */
export type Transport = (kind: OutboxKind, conversationId: string, body: Record<string, unknown>) => Promise<unknown>;

export interface OutboxOptions {
  /** A request not answered by then is treated as lost (and repeated with the same id). */
  timeoutMs?: number;
  /** Delay before repeating after a failure: doubles from `retryMinMs` up to `retryMaxMs`. */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Applied or refused commands leave the store after this (a reply stays until its message replicates). */
  keepMs?: number;
  /** Commands are sent only while this holds (the socket is welcomed, R-NET-01). */
  isOnline?: () => boolean;
  /** One sender across the windows that share this store (Web Locks when the platform has them). */
  exclusive?: <T>(run: () => Promise<T>) => Promise<T>;
  now?: () => number;
}

/** What the agent learns when acting: applied, or accepted locally and retried until the server answers. */
export type Outcome = 'done' | 'queued';

const DEFAULTS = { timeoutMs: 15_000, retryMinMs: 1_000, retryMaxMs: 30_000, keepMs: 60_000 };

class CommandTimeout extends Error {}

/** How a pass over the pending commands ended. */
type Pass = 'done' | 'retry' | 'offline' | 'more';

export class CommandOutbox {
  private readonly options: Required<Omit<OutboxOptions, 'exclusive'>> & Pick<OutboxOptions, 'exclusive'>;
  private lastCreatedAt = 0;
  private running = false;
  private draining: Promise<void> | undefined;
  private again = false;
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** The last pass stopped at a command that must be retried: everything behind it waits too. */
  private readonly blocked = new BehaviorSubject(false);

  constructor(
    private readonly collection: RxCollection<OutboxDoc>,
    private readonly transport: Transport,
    options: OutboxOptions = {},
  ) {
    this.options = { ...DEFAULTS, isOnline: () => true, now: Date.now, ...options };
  }

  /**
   * Stores the command under `id` (created once when the agent acts; a second confirm of the
   * same action passes the same id and gets the same entry) and wakes the sender.
   */
  async enqueue(command: Command, id: string = ulid()): Promise<OutboxDoc> {
    const now = this.options.now();
    // Strictly increasing within this window, so commands given in one millisecond keep their order.
    const createdAt = Math.max(now, this.lastCreatedAt + 1);
    this.lastCreatedAt = createdAt;
    const doc: OutboxDoc = {
      id, kind: command.kind, conversationId: command.conversationId, body: { id, ...command.body },
      state: 'pending', createdAt, updatedAt: now, attempts: 0, error: null,
    };
    const stored = await this.collection.insertIfNotExists(doc);
    this.wake();
    return stored.toMutableJSON();
  }

  /**
   * Resolves `done` once the server applied the command, `queued` once a request failed and the
   * command waits for the next attempt; rejects with CommandRefused when the server refused it.
   */
  outcome(id: string): Promise<Outcome> {
    const states: Observable<OutboxDoc | null> = this.collection.findOne(id).$.pipe(map((d) => d?.toMutableJSON() ?? null));
    const answered = states.pipe(
      filter((d) => d === null || d.state !== 'pending' || d.error !== null),
      map((d): Outcome => {
        if (d?.state === 'rejected' && d.error) throw new CommandRefused(d.error);
        return d === null || d.state === 'done' ? 'done' : 'queued';
      }),
    );
    // Waiting behind an older command that cannot get through is "queued" as well.
    const behind = this.blocked.pipe(filter(Boolean), map((): Outcome => 'queued'));
    return firstValueFrom(merge(answered, behind));
  }

  /**
   * `outcome` for a command whose refusal the caller shows at once (a dialog's action): a refused
   * one also leaves the store, as nothing else would ever show or remove it.
   */
  async settled(id: string): Promise<Outcome> {
    try {
      return await this.outcome(id);
    } catch (error) {
      if (error instanceof CommandRefused) await this.dismiss(id);
      throw error;
    }
  }

  /** Removes a refused command once the agent has seen it (a refused reply's text goes back to the composer). */
  async dismiss(id: string): Promise<void> {
    await this.collection.findOne(id).remove();
  }

  start(): void {
    this.running = true;
    this.wake();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.retryTimer);
  }

  /** Send what is pending now (a command was added, or the connection came back). */
  wake(): void {
    if (!this.running) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.blocked.next(false);
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drainLoop().finally(() => {
      this.draining = undefined;
      // Woken after the loop's last look at `again` (the connection came back as a pass found it
      // down, a command was added as the loop ended): that wake must not be lost.
      if (this.again) this.wake();
    });
  }

  /** Resolves when no drain is running (tests). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drainLoop(): Promise<void> {
    do {
      this.again = false;
      const exclusive = this.options.exclusive ?? ((run) => run());
      const pass = await exclusive(() => this.drainPass()).catch((): Pass => 'retry');
      if (pass === 'more') this.again = true;
      if (pass === 'retry' || pass === 'offline') {
        this.blocked.next(true);
        // Offline waits for the connection to come back (wake), not for a timer.
        if (pass === 'retry') this.scheduleRetry();
        return;
      }
    } while (this.again && this.running);
  }

  /** Sends pending commands oldest first, until none is left or one must be retried later. */
  private async drainPass(): Promise<Pass> {
    await this.forgetOld();
    for (let sent = 0; sent < 1_000; sent++) {
      if (!this.running || this.collection.closed) return 'done';
      const next = await this.oldestPending();
      if (!next) return 'done';
      if (!this.options.isOnline()) return 'offline';
      if (!(await this.attempt(next))) return 'retry';
    }
    // Bounded, so another window waiting for the lock gets its turn; the rest goes next pass.
    return 'more';
  }

  private async oldestPending(): Promise<OutboxDoc | undefined> {
    const pending = (await this.collection.find({ selector: { state: 'pending' } }).exec()).map((d) => d.toMutableJSON());
    pending.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return pending[0];
  }

  /** One request; answers false when the command must be repeated later (it keeps its place). */
  private async attempt(entry: OutboxDoc): Promise<boolean> {
    await this.patch(entry.id, { attempts: entry.attempts + 1 });
    try {
      await this.withTimeout(this.transport(entry.kind, entry.conversationId, entry.body));
      this.failures = 0;
      await this.patch(entry.id, { state: 'done', error: null });
      return true;
    } catch (error) {
      if (error instanceof CommandRefused) {
        await this.patch(entry.id, { state: 'rejected', error: error.refusal });
        return true;
      }
      this.failures++;
      const code = error instanceof CommandTimeout ? 'timeout' : 'network';
      const reason = error instanceof CommandDeferred ? error.reason : { status: 0, code, message: error instanceof Error ? error.message : String(error) };
      await this.patch(entry.id, { error: reason });
      return false;
    }
  }

  private async withTimeout<T>(request: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CommandTimeout('The server did not answer in time')), this.options.timeoutMs);
    });
    // A request still running after its timeout may land later: the repeat carries the same id.
    request.catch(() => undefined);
    try {
      return await Promise.race([request, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private scheduleRetry(): void {
    if (!this.running) return;
    const { retryMinMs, retryMaxMs } = this.options;
    const base = Math.min(retryMaxMs, retryMinMs * 2 ** Math.min(Math.max(this.failures - 1, 0), 16));
    // Jitter, so the windows of many agents coming back at once do not retry in step.
    const delay = base / 2 + Math.random() * (base / 2);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.wake(), delay);
  }

  private async patch(id: string, change: Partial<OutboxDoc>): Promise<void> {
    const doc = await this.collection.findOne(id).exec();
    await doc?.incrementalPatch({ ...change, updatedAt: this.options.now() });
  }

  /** Applied and refused commands are kept a while for the screen, then removed; refused replies wait for the agent. */
  private async forgetOld(): Promise<void> {
    const before = this.options.now() - this.options.keepMs;
    const old = await this.collection.find({ selector: { state: { $in: ['done', 'rejected'] }, updatedAt: { $lt: before } } }).exec();
    const gone = old.filter((d) => d.state === 'done' || d.kind !== 'reply').map((d) => d.id);
    if (gone.length) await this.collection.bulkRemove(gone);
  }
}

/** Runs `run` while holding a lock shared by every window of this origin (one sender at a time). */
export function webLock(name: string): (<T>(run: () => Promise<T>) => Promise<T>) | undefined {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (!locks) return undefined;
  return <T>(run: () => Promise<T>) => locks.request(name, run) as Promise<T>;
}
