import { isIPv6 } from 'node:net';
import { type DocStore, type StoredDoc, updateDoc } from '../store/index.js';
import { sha256 } from './tokens.js';

/**
 * Password guesses are counted twice, both before the hash with revision-checked writes (R-AUTH-03):
 *
 * - per account *and* client network (an IPv4 address, or an IPv6 /64: one subscriber's whole
 *   block is one place), `attempts` a window, each further lock twice as long;
 * - per account, from every place that has not signed in to it lately, `accountAttempts` a window
 *   (10 × attempts unless configured): past them the account answers "locked", progressively, to
 *   every such place, so a botnet or an IPv6 block gets a bounded number of guesses in all.
 *
 * A place where the account signed in within KNOWN_PLACE_MS is not held by the account-wide count,
 * so a siege elsewhere never locks the user out at their usual place. Both counts are keyed by the
 * e-mail typed, known or not: an unknown account is answered exactly like a real one (no oracle).
 */
export interface LoginAttemptsDoc extends StoredDoc {
  type: 'login-attempts';
  /** Attempts reserved in the current window, counted before the password hash is checked. */
  counted: number;
  windowStart: number;
  /** Lockouts in a row: each one lasts twice the last (the progressive delay). */
  lockouts: number;
  /** The end of the last lock: locked while it is in the future, remembered to forget `lockouts` a day later. */
  lockedUntil: number | null;
  /** Per place: the last right password from here (never set on the account-wide record). */
  lastSuccessAt?: number;
  /** After this moment the record says nothing a missing one would not: the sweep deletes it. */
  forgetAt: number;
  updatedAt: number;
}

export const LOGIN_ATTEMPTS_TYPE = 'login-attempts';
/** A lockout never lasts longer than this, however often it repeats. */
const LONGEST_LOCK_MS = 24 * 3600_000;
/** A day without a lockout forgets the earlier ones. */
const LOCKOUTS_FORGOTTEN_MS = 24 * 3600_000;
/** A place where the account signed in this recently keeps its own allowance during a siege. */
export const KNOWN_PLACE_MS = 30 * 24 * 3600_000;
/** A known place's success is written again only this long after the last one (fewer writes per login). */
const SUCCESS_REWRITE_MS = 3600_000;
/** The account-wide allowance unless configured: generous, the user's own typos never reach it. */
const ACCOUNT_FACTOR = 10;
/** The account-wide record's "place": never a client address. */
const EVERY_PLACE = '*';

export interface LockoutRule {
  attempts: number;
  windowMs: number;
  accountAttempts?: number;
}

type Seat = { refused: number } | { seat: number; doc: LoginAttemptsDoc };

export type Reservation =
  | { locked: false; seat: number; accountSeat: number | null }
  | { locked: true; until: number };

/** The place a guess comes from: an IPv4 address as it is, an IPv6 one as its /64 (one subscriber's block). */
export function placeOf(address: string): string {
  const bare = address.replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped?.[1]) return mapped[1];
  if (!isIPv6(bare)) return address;
  const [head = '', tail] = bare.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  let full = groups(head);
  if (tail !== undefined) {
    const after = groups(tail);
    // A dotted IPv4 tail fills two groups.
    const used = full.length + after.length + (after.at(-1)?.includes('.') ? 1 : 0);
    full = [...full, ...Array<string>(Math.max(8 - used, 0)).fill('0'), ...after];
  }
  return `${full.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}

export class LoginThrottle {
  private readonly accountAttempts: number;

  constructor(
    private readonly store: DocStore,
    private readonly lockout: LockoutRule,
  ) {
    this.accountAttempts = lockout.accountAttempts ?? lockout.attempts * ACCOUNT_FACTOR;
  }

  private idOf(email: string, place: string): string {
    return `login-attempts:${sha256(`${email.toLowerCase()}\n${place}`).slice(0, 40)}`;
  }

  /** The moment from which the record is the same as none (window over, no lock, lockouts forgotten, place unknown). */
  private stamped(doc: LoginAttemptsDoc): LoginAttemptsDoc {
    const lockEnd = doc.lockedUntil === null ? 0 : doc.lockedUntil + (doc.lockouts > 0 ? LOCKOUTS_FORGOTTEN_MS : 0);
    const known = doc.lastSuccessAt === undefined ? 0 : doc.lastSuccessAt + KNOWN_PLACE_MS;
    return { ...doc, forgetAt: Math.max(doc.windowStart + this.lockout.windowMs, lockEnd, known) };
  }

  /** What is left of the record once time passed, or an administrator's unlock (or a new password) cleared it. */
  private current(c: LoginAttemptsDoc | undefined, clearedAt: number | undefined, now: number): LoginAttemptsDoc {
    if (!c || (clearedAt !== undefined && c.updatedAt <= clearedAt)) {
      const fresh: LoginAttemptsDoc = {
        _id: c?._id ?? '', type: 'login-attempts', counted: 0, windowStart: now, lockouts: 0, lockedUntil: null, forgetAt: 0, updatedAt: now,
      };
      // An unlock or a new password does not make the user's own place a stranger's.
      return c?.lastSuccessAt === undefined ? fresh : { ...fresh, lastSuccessAt: c.lastSuccessAt };
    }
    let next = { ...c };
    const lockEnd = next.lockedUntil;
    if (lockEnd !== null && lockEnd <= now) {
      // The lock is over: a new window starts after it, and a day later its lockouts are forgotten.
      if (next.windowStart < lockEnd) next = { ...next, counted: 0, windowStart: now };
      if (now - lockEnd > LOCKOUTS_FORGOTTEN_MS) next = { ...next, lockouts: 0, lockedUntil: null };
    }
    if (!lockedAt(next, now) && now - next.windowStart > this.lockout.windowMs) next = { ...next, counted: 0, windowStart: now };
    return next;
  }

  /**
   * Takes a seat for one guess with a revision-checked write, before the hash: of N guesses at
   * once, only the allowed number get a seat and are evaluated; the rest are refused as locked.
   */
  private async seat(id: string, allowed: number, clearedAt: number | undefined, now: number): Promise<Seat> {
    let refused: number | undefined;
    const { doc } = await updateDoc<LoginAttemptsDoc>(this.store, id, (c) => {
      refused = undefined;
      const state = this.current(c, clearedAt, now);
      if (lockedAt(state, now)) {
        refused = state.lockedUntil ?? now;
        return undefined;
      }
      if (state.counted >= allowed) {
        // Every seat is taken by guesses still being checked: this one waits like a locked one.
        refused = now + this.lockout.windowMs;
        return undefined;
      }
      return this.stamped({ ...state, counted: state.counted + 1, updatedAt: now });
    });
    if (refused !== undefined || !doc) return { refused: refused ?? now + this.lockout.windowMs };
    return { seat: doc.counted, doc };
  }

  async reserve(email: string, address: string, clearedAt?: number): Promise<Reservation> {
    const now = Date.now();
    const here = await this.seat(this.idOf(email, placeOf(address)), this.lockout.attempts, clearedAt, now);
    if ('refused' in here) return { locked: true, until: here.refused };
    const known = here.doc.lastSuccessAt !== undefined && now - here.doc.lastSuccessAt <= KNOWN_PLACE_MS;
    if (known) return { locked: false, seat: here.seat, accountSeat: null };
    const everywhere = await this.seat(this.idOf(email, EVERY_PLACE), this.accountAttempts, clearedAt, now);
    if ('refused' in everywhere) return { locked: true, until: everywhere.refused };
    return { locked: false, seat: here.seat, accountSeat: everywhere.seat };
  }

  /** Sets the next, longer lock on the record unless one holds already; returns until when. */
  private async lock(id: string, now: number): Promise<number | undefined> {
    const { doc } = await updateDoc<LoginAttemptsDoc>(this.store, id, (c) => {
      if (!c || lockedAt(c, now)) return undefined;
      const lockMs = Math.min(this.lockout.windowMs * 2 ** Math.min(c.lockouts, 10), LONGEST_LOCK_MS);
      return this.stamped({ ...c, lockouts: c.lockouts + 1, lockedUntil: now + lockMs, updatedAt: now });
    });
    return doc?.lockedUntil ?? undefined;
  }

  /**
   * A wrong guess in the last seat locks this account at this place; in the last account-wide
   * seat, at every place not known to it. Returns until when, if it locked.
   */
  async failed(email: string, address: string, reservation: Extract<Reservation, { locked: false }>): Promise<number | undefined> {
    const now = Date.now();
    const here = reservation.seat >= this.lockout.attempts ? await this.lock(this.idOf(email, placeOf(address)), now) : undefined;
    const { accountSeat } = reservation;
    const everywhere = accountSeat !== null && accountSeat >= this.accountAttempts ? await this.lock(this.idOf(email, EVERY_PLACE), now) : undefined;
    if (here === undefined) return everywhere;
    return everywhere === undefined ? here : Math.max(here, everywhere);
  }

  /**
   * The right password: the guesses counted at this place are forgotten, unless a lock was set
   * meanwhile, and the place is known to the account. Account-wide, only this guess's own seat is
   * given back (the user's sign-in does not spend the siege's allowance); the rest stays.
   */
  async succeeded(email: string, address: string, reservation: Extract<Reservation, { locked: false }>): Promise<void> {
    const now = Date.now();
    if (reservation.accountSeat !== null) {
      await updateDoc<LoginAttemptsDoc>(this.store, this.idOf(email, EVERY_PLACE), (c) =>
        c && c.counted > 0 && !lockedAt(c, now) ? this.stamped({ ...c, counted: c.counted - 1, updatedAt: now }) : undefined,
      );
    }
    await updateDoc<LoginAttemptsDoc>(this.store, this.idOf(email, placeOf(address)), (c) => {
      if (c && c.counted === 0 && c.lastSuccessAt !== undefined && now - c.lastSuccessAt < SUCCESS_REWRITE_MS) return undefined;
      const base = c ?? this.current(undefined, undefined, now);
      const cleared = lockedAt(base, now) ? base : { ...base, counted: 0, windowStart: now, lockouts: 0, lockedUntil: null };
      return this.stamped({ ...cleared, lastSuccessAt: now, updatedAt: now });
    });
  }
}

function lockedAt(doc: LoginAttemptsDoc, now: number): boolean {
  return doc.lockedUntil !== null && doc.lockedUntil > now;
}
