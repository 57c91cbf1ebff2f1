import type { Config } from '../config/config.js';
import { type DocStore, type StoredDoc, updateDoc } from '../store/index.js';
import { sha256 } from './tokens.js';

/**
 * Password guesses counted per account *and* client address (R-AUTH-03). Keyed by the e-mail
 * typed, known or not, so an unknown account is answered exactly like a real one (no oracle);
 * keyed by address too, so a stranger elsewhere cannot lock the real user out of their own.
 */
export interface LoginAttemptsDoc extends StoredDoc {
  type: 'login-attempts';
  /** Attempts reserved in the current window, counted before the password hash is checked. */
  counted: number;
  windowStart: number;
  /** Lockouts in a row: each one lasts twice the last (the progressive delay). */
  lockouts: number;
  lockedUntil: number | null;
  updatedAt: number;
}

/** A lockout never lasts longer than this, however often it repeats. */
const LONGEST_LOCK_MS = 24 * 3600_000;
/** A day without a lockout forgets the earlier ones. */
const LOCKOUTS_FORGOTTEN_MS = 24 * 3600_000;

export type Reservation = { locked: false; seat: number } | { locked: true; until: number };

export class LoginThrottle {
  constructor(
    private readonly store: DocStore,
    private readonly lockout: Config['lockout'],
  ) {}

  private idOf(email: string, address: string): string {
    return `login-attempts:${sha256(`${email.toLowerCase()}\n${address}`).slice(0, 40)}`;
  }

  /** What is left of the record once an administrator's unlock (or a new password) cleared it. */
  private current(c: LoginAttemptsDoc | undefined, clearedAt: number | undefined, now: number): LoginAttemptsDoc {
    const fresh = { type: 'login-attempts' as const, counted: 0, windowStart: now, lockouts: 0, lockedUntil: null, updatedAt: now };
    if (!c || (clearedAt !== undefined && c.updatedAt <= clearedAt)) return { ...fresh, _id: c?._id ?? '' };
    let next = { ...c };
    if (next.lockedUntil !== null && next.lockedUntil <= now) {
      next = { ...next, lockedUntil: null, counted: 0, windowStart: now };
      if (now - (c.lockedUntil ?? now) > LOCKOUTS_FORGOTTEN_MS) next.lockouts = 0;
    }
    if (next.lockedUntil === null && now - next.windowStart > this.lockout.windowMs) next = { ...next, counted: 0, windowStart: now };
    return next;
  }

  /**
   * Takes a seat for one guess with a revision-checked write, before the hash: of N guesses at
   * once, only the allowed number get a seat and are evaluated; the rest are refused as locked.
   */
  async reserve(email: string, address: string, clearedAt?: number): Promise<Reservation> {
    const now = Date.now();
    let refused: number | undefined;
    const { doc } = await updateDoc<LoginAttemptsDoc>(this.store, this.idOf(email, address), (c) => {
      refused = undefined;
      const state = this.current(c, clearedAt, now);
      if (state.lockedUntil !== null) {
        refused = state.lockedUntil;
        return undefined;
      }
      if (state.counted >= this.lockout.attempts) {
        // Every seat is taken by guesses still being checked: this one waits like a locked one.
        refused = now + this.lockout.windowMs;
        return undefined;
      }
      return { ...state, counted: state.counted + 1, updatedAt: now };
    });
    if (refused !== undefined || !doc) return { locked: true, until: refused ?? now + this.lockout.windowMs };
    return { locked: false, seat: doc.counted };
  }

  /** A wrong guess in the last seat locks this account at this address; returns until when. */
  async failed(email: string, address: string, seat: number): Promise<number | undefined> {
    if (seat < this.lockout.attempts) return undefined;
    const now = Date.now();
    const { doc } = await updateDoc<LoginAttemptsDoc>(this.store, this.idOf(email, address), (c) => {
      if (!c || c.lockedUntil !== null) return undefined;
      const lockMs = Math.min(this.lockout.windowMs * 2 ** Math.min(c.lockouts, 10), LONGEST_LOCK_MS);
      return { ...c, lockouts: c.lockouts + 1, lockedUntil: now + lockMs, updatedAt: now };
    });
    return doc?.lockedUntil ?? undefined;
  }

  /** The right password: the guesses counted here are forgotten, unless a lock was set meanwhile. */
  async succeeded(email: string, address: string): Promise<void> {
    const now = Date.now();
    await updateDoc<LoginAttemptsDoc>(this.store, this.idOf(email, address), (c) =>
      c && c.counted > 0 && (c.lockedUntil === null || c.lockedUntil <= now)
        ? { ...c, counted: 0, windowStart: now, lockouts: 0, lockedUntil: null, updatedAt: now }
        : undefined,
    );
  }
}
