import {
  DomainError, keyOf, notFound, pauseAllowedAt, pauseErrors, pauseLimitAt,
  type AgentPauseType, type StartPauseBody, type UserDoc, type UserPause,
} from '@atende/protocol';
import { writeWithOutbox } from '../conversations/outbox.js';
import { newJob, type JobDoc } from '../jobs/types.js';
import type { DocStore } from '../store/index.js';
import type { PauseTypes } from './types.js';

/** The job that tells supervisors once that a pause went past its maximum (exceeded.ts). */
export const PAUSE_EXCEEDED_JOB = 'pause-exceeded';

/** Sessions by user, to tell whether a sign-out ends the user's last session. */
export const SESSION_USER_INDEX = 'idx-session-user';

export interface PauseServiceOptions {
  /** The organisation's time zone, in which type windows are read (ATENDE_TIMEZONE). */
  timeZone: string;
  now?: () => number;
}

/**
 * An agent's pause (R-WS-09): started from a type the admin defined, inside its time-of-day
 * window; written on the user document (replicated: colleagues and supervisors see it offline
 * too) by a revision-checked write that also schedules the "pause exceeded" job. While it is set,
 * capacity refuses every seat (conversations/capacity.ts) and the hub shows the agent paused.
 */
export class PauseService {
  private readonly now: () => number;

  constructor(
    private readonly store: DocStore,
    private readonly types: PauseTypes,
    private readonly options: PauseServiceOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  async prepare(): Promise<void> {
    await this.store.ensureIndex(SESSION_USER_INDEX, ['type', 'userId']);
  }

  /** The active types, each saying whether it may start now. */
  async offered(): Promise<AgentPauseType[]> {
    const now = this.now();
    return (await this.types.list())
      .filter((t) => t.active)
      .map((t) => ({ id: t._id, name: t.name, maxMinutes: t.maxMinutes, window: t.window, allowedNow: pauseAllowedAt(t.window, now, this.options.timeZone) }));
  }

  /**
   * Starts a pause of that type. Repeating the same start answers the pause under way; another
   * type while paused is refused (ending and starting again would hide the time already taken).
   */
  async start(user: UserDoc, body: StartPauseBody): Promise<UserDoc> {
    const type = await this.types.find(body.typeId);
    if (!type?.active) throw pauseErrors.unknownType();
    const now = this.now();
    if (type.window && !pauseAllowedAt(type.window, now, this.options.timeZone)) throw pauseErrors.outsideWindow(type.name, type.window);
    return writeWithOutbox<UserDoc>(this.store, user.id, (current) => {
      if (!current) throw notFound('user');
      if (current.pause) {
        if (current.pause.typeId === type._id) return undefined;
        throw pauseErrors.alreadyPaused(current.pause.name);
      }
      const pause: UserPause = { typeId: type._id, name: type.name, since: now, maxMinutes: type.maxMinutes };
      return { doc: { ...current, pause, updatedAt: now }, jobs: exceededJobs(current.id, pause) };
    });
  }

  /** Ends the user's pause; answering the user as they are when there is none. */
  async end(userId: string): Promise<UserDoc> {
    return writeWithOutbox<UserDoc>(this.store, userId, (current) => {
      if (!current) throw notFound('user');
      return current.pause ? { doc: { ...current, pause: null, updatedAt: this.now() }, jobs: [] } : undefined;
    });
  }

  /**
   * Ends the pause someone else ended (a supervisor, R-SV-04): over the revision that shows it,
   * so a pause already ended meanwhile is refused rather than ended twice.
   */
  async endPaused(userId: string): Promise<UserDoc> {
    return writeWithOutbox<UserDoc>(this.store, userId, (current) => {
      if (!current) throw notFound('user');
      if (!current.pause) throw notPaused();
      return { doc: { ...current, pause: null, updatedAt: this.now() }, jobs: [] };
    });
  }

  /** A pause belongs to a work session: signing out of the user's last session ends it. */
  async signedOut(userId: string, sessionId: string): Promise<void> {
    const stored = await this.store.get(userId, { fresh: true });
    if (!stored || stored._deleted || !stored.pause) return;
    const others = await this.store.find({
      selector: { type: 'session', userId, revokedAt: null, expiresAt: { $gt: this.now() } },
      limit: 2,
      useIndex: SESSION_USER_INDEX,
    });
    if (others.some((s) => s._id !== sessionId)) return;
    await this.end(userId);
  }
}

const notPaused = () => new DomainError('conflict', 'not_paused', 'Este agente não está em pausa.');

/** Due when the pause passes its maximum; keyed by the pause's start, so one pause notifies once. */
function exceededJobs(userId: string, pause: UserPause): JobDoc[] {
  const due = pauseLimitAt(pause);
  if (due === undefined) return [];
  return [newJob(PAUSE_EXCEEDED_JOB, `${keyOf(userId)}.${pause.since}`, { userId, typeId: pause.typeId, since: pause.since }, { runAt: due })];
}
