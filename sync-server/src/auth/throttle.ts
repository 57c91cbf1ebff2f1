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
 * A place where the account signed in (or refreshed a session) within `knownPlaceMs` — twice the
 * session's life, so a user kept signed in by refreshes is never a stranger at home when it ends —
 * is not held by the account-wide count: a siege elsewhere never locks the user out there.
 *
 * A user with no usual place yet (new, or right after a deploy) is not locked out either: while
 * the account-wide count is exhausted, a place with no guess of its own in its window (and never
 * locked) still gets one guess, its first; a wrong one leaves it held like any other stranger.
 * So each place gets one guess per window during a siege instead of `attempts`: a slower rate,
 * never a total lock. Both counts are keyed by the e-mail typed, known or not: an unknown account
 * is answered exactly like a real one (no oracle).
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
  /** accountKeyOf(e-mail): the admin's list finds the accounts a lock holds (R-AUTH-03); absent on older records. */
  account?: string;
}

/** The e-mail's key on its records: a hash, as in the ids, so the records name no address. */
export const accountKeyOf = (email: string): string => sha256(`account\n${email.toLowerCase()}`).slice(0, 40);

export const LOGIN_ATTEMPTS_TYPE = 'login-attempts';
/** A lockout never lasts longer than this, however often it repeats. */
const LONGEST_LOCK_MS = 24 * 3600_000;
/** A day without a lockout forgets the earlier ones. */
const LOCKOUTS_FORGOTTEN_MS = 24 * 3600_000;
/** A place where the account signed in this recently keeps its own allowance, unless configured (2 × the session's life). */
export const KNOWN_PLACE_MS = 60 * 24 * 3600_000;
/** A guess refused because its record was too contended to write: retry shortly (an answer like "locked", never a 5xx). */
const CONTENDED_RETRY_MS = 5_000;
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
  /** How long a sign-in (or a session refresh) keeps a place known; at least 2 × the refresh token's life. */
  knownPlaceMs?: number;
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
  private readonly knownPlaceMs: number;

  constructor(
    private readonly store: DocStore,
    private readonly lockout: LockoutRule,
  ) {
    this.accountAttempts = lockout.accountAttempts ?? lockout.attempts * ACCOUNT_FACTOR;
    this.knownPlaceMs = lockout.knownPlaceMs ?? KNOWN_PLACE_MS;
  }

  private idOf(email: string, place: string): string {
    return `login-attempts:${sha256(`${email.toLowerCase()}\n${place}`).slice(0, 40)}`;
  }

  /** The moment from which the record is the same as none (window over, no lock, lockouts forgotten, place unknown). */
  private stamped(doc: LoginAttemptsDoc, email: string): LoginAttemptsDoc {
    const lockEnd = doc.lockedUntil === null ? 0 : doc.lockedUntil + (doc.lockouts > 0 ? LOCKOUTS_FORGOTTEN_MS : 0);
    const known = doc.lastSuccessAt === undefined ? 0 : doc.lastSuccessAt + this.knownPlaceMs;
    return { ...doc, account: accountKeyOf(email), forgetAt: Math.max(doc.windowStart + this.lockout.windowMs, lockEnd, known) };
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
  private async seat(email: string, id: string, allowed: number, clearedAt: number | undefined, now: number): Promise<Seat> {
    let refused: number | undefined;
    const { doc } = await contended(updateDoc<LoginAttemptsDoc>(this.store, id, (c) => {
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
      return this.stamped({ ...state, counted: state.counted + 1, updatedAt: now }, email);
    }));
    if (refused !== undefined || !doc) return { refused: refused ?? now + CONTENDED_RETRY_MS };
    return { seat: doc.counted, doc };
  }

  async reserve(email: string, address: string, clearedAt?: number): Promise<Reservation> {
    const now = Date.now();
    const here = await this.seat(email, this.idOf(email, placeOf(address)), this.lockout.attempts, clearedAt, now);
    if ('refused' in here) return { locked: true, until: here.refused };
    const known = here.doc.lastSuccessAt !== undefined && now - here.doc.lastSuccessAt <= this.knownPlaceMs;
    if (known) return { locked: false, seat: here.seat, accountSeat: null };
    const everywhere = await this.seat(email, this.idOf(email, EVERY_PLACE), this.accountAttempts, clearedAt, now);
    if ('refused' in everywhere) {
      // A place's first guess in its window, never locked: let through even during a siege (see above).
      const clean = here.seat === 1 && here.doc.lockouts === 0;
      return clean ? { locked: false, seat: here.seat, accountSeat: null } : { locked: true, until: everywhere.refused };
    }
    return { locked: false, seat: here.seat, accountSeat: everywhere.seat };
  }

  /** Sets the next, longer lock on the record unless one holds already; returns until when. */
  private async lock(email: string, id: string, now: number): Promise<number | undefined> {
    const { doc } = await contended(updateDoc<LoginAttemptsDoc>(this.store, id, (found) => {
      // Swept meanwhile (or never written): the lock is set on a record rebuilt as a missing one reads.
      const c = found ?? { ...this.current(undefined, undefined, now), _id: id };
      if (lockedAt(c, now)) return undefined;
      const lockMs = Math.min(this.lockout.windowMs * 2 ** Math.min(c.lockouts, 10), LONGEST_LOCK_MS);
      return this.stamped({ ...c, lockouts: c.lockouts + 1, lockedUntil: now + lockMs, updatedAt: now }, email);
    }));
    return doc === undefined ? now + this.lockout.windowMs : (doc.lockedUntil ?? undefined);
  }

  /**
   * A wrong guess in the last seat locks this account at this place; in the last account-wide
   * seat, at every place not known to it. Returns until when, if it locked.
   */
  async failed(email: string, address: string, reservation: Extract<Reservation, { locked: false }>): Promise<number | undefined> {
    const now = Date.now();
    const here = reservation.seat >= this.lockout.attempts ? await this.lock(email, this.idOf(email, placeOf(address)), now) : undefined;
    const { accountSeat } = reservation;
    const everywhere = accountSeat !== null && accountSeat >= this.accountAttempts ? await this.lock(email, this.idOf(email, EVERY_PLACE), now) : undefined;
    if (here === undefined) return everywhere;
    return everywhere === undefined ? here : Math.max(here, everywhere);
  }

  /**
   * The right password: the guesses counted at this place are forgotten, unless a lock was set
   * meanwhile, and the place is known to the account. Account-wide, only this guess's own seat is
   * given back (the user's sign-in does not spend the siege's allowance); the rest stays. Both are
   * bookkeeping: under too much contention they are skipped rather than fail the sign-in.
   */
  async succeeded(email: string, address: string, reservation: Extract<Reservation, { locked: false }>): Promise<void> {
    const now = Date.now();
    try {
      await this.placeKnown(email, address, now, true);
    } finally {
      if (reservation.accountSeat !== null) await this.giveBack(email, now);
    }
  }

  /** The account-wide seat of a right guess, given back even if marking the place known failed. */
  private async giveBack(email: string, now = Date.now()): Promise<void> {
    await contended(updateDoc<LoginAttemptsDoc>(this.store, this.idOf(email, EVERY_PLACE), (c) =>
      c && c.counted > 0 && !lockedAt(c, now) ? this.stamped({ ...c, counted: c.counted - 1, updatedAt: now }, email) : undefined,
    ));
  }

  /** A session refreshed from this place: it stays known (its counts and locks are left alone). */
  async refreshedFrom(email: string, address: string): Promise<void> {
    await this.placeKnown(email, address, Date.now(), false);
  }

  /**
   * Marks the place known; after a right password (`clear`) its count is forgotten too. Written at
   * most once per SUCCESS_REWRITE_MS when there is nothing else to forget (at most the seat just taken).
   */
  private async placeKnown(email: string, address: string, now: number, clear: boolean): Promise<void> {
    await contended(updateDoc<LoginAttemptsDoc>(this.store, this.idOf(email, placeOf(address)), (c) => {
      const recent = c?.lastSuccessAt !== undefined && now - c.lastSuccessAt < SUCCESS_REWRITE_MS;
      if (c && recent && (!clear || (c.counted <= 1 && c.lockouts === 0))) return undefined;
      const base = c ?? this.current(undefined, undefined, now);
      const cleared = !clear || lockedAt(base, now) ? base : { ...base, counted: 0, windowStart: now, lockouts: 0, lockedUntil: null };
      return this.stamped({ ...cleared, lastSuccessAt: now, updatedAt: now }, email);
    }));
  }
}

/**
 * The locks holding now, per account key: the latest `updatedAt` of a live lock (an administrator's
 * unlock or a new password clears the ones written before it, as `current` reads them).
 */
export async function liveLocks(store: DocStore, now: number): Promise<Map<string, number>> {
  const found = (await store.find({
    selector: { type: LOGIN_ATTEMPTS_TYPE, lockedUntil: { $gt: now } }, limit: 5000,
  })) as LoginAttemptsDoc[];
  const locks = new Map<string, number>();
  for (const doc of found) {
    if (doc.account === undefined || !lockedAt(doc, now)) continue;
    locks.set(doc.account, Math.max(locks.get(doc.account) ?? 0, doc.updatedAt));
  }
  return locks;
}

/** updateDoc gave up after too many revision conflicts: reported as nothing written, never thrown (no 5xx). */
async function contended<T extends StoredDoc>(
  write: Promise<{ doc: T | undefined; written: boolean }>,
): Promise<{ doc: T | undefined; written: boolean }> {
  try {
    return await write;
  } catch (error) {
    if (error instanceof Error && error.message.endsWith('too much contention')) return { doc: undefined, written: false };
    throw error;
  }
}

function lockedAt(doc: LoginAttemptsDoc, now: number): boolean {
  return doc.lockedUntil !== null && doc.lockedUntil > now;
}
