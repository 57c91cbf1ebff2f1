import { LRUCache } from 'lru-cache';
import { DomainError, ulid, type LoginBody, type LoginResponse, type UserDoc } from '@atende/protocol';
import type { Config } from '../config/config.js';
import { type DocStore, type StoredDoc, updateDoc } from '../store/index.js';
import { toWire } from '../store/wire.js';
import { decoyHash, hashPassword, verifyPassword } from './passwords.js';
import { SignInGuard } from './signInGuard.js';
import { accountKeyOf, liveLocks, LoginThrottle, type LockoutRule } from './throttle.js';
import { randomToken, sha256, type TokenSigner } from './tokens.js';

export interface CredentialDoc extends StoredDoc {
  type: 'credential';
  userId: string;
  email: string;
  passwordHash: string;
  /** Left from before per-address lockouts (throttle.ts); kept empty. */
  failures: number[];
  lockedUntil: number | null;
  /** When an administrator unlocked the account or its password was set: older guesses no longer count. */
  unlockedAt?: number;
}

interface SessionDoc extends StoredDoc {
  type: 'session';
  userId: string;
  refreshHash: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

export interface Principal {
  user: UserDoc;
  sessionId: string;
}

const SESSION_CACHE_MS = 5_000;
export const LOCKED_MESSAGE =
  'Login temporariamente bloqueado por excesso de tentativas. Tente novamente mais tarde ou peça o desbloqueio a um administrador.';
const WRONG_MESSAGE = 'E-mail ou senha incorretos.';
const WRONG_CURRENT_MESSAGE = 'A senha atual está incorreta.';
/** Sessions are opened per sign-in; more open at once than this for one user is not a person. */
const OPEN_SESSIONS_MAX = 1000;

export const credentialIdFor = (userId: string) => `credential:${userId.slice(userId.indexOf(':') + 1)}`;

/** Login, token rotation and revocation (R-AUTH-03, R-AUTH-04). */
export class AuthService {
  /** Bounded: an evicted session is simply read again (a revoked one stays revoked in the store). */
  private readonly sessionCache = new LRUCache<string, { active: boolean; until: number }>({ max: 50_000 });
  private readonly logoutListeners = new Set<(principal: Principal) => void>();
  private readonly throttle: LoginThrottle;
  /** The network allow-list and disabled users (signInGuard.ts). */
  private readonly guard = new SignInGuard();

  constructor(
    private readonly store: DocStore,
    private readonly signer: TokenSigner,
    private readonly config: Pick<Config, 'accessTtlSeconds' | 'refreshTtlSeconds'> & { lockout: LockoutRule },
  ) {
    // A place stays known for twice a session's life: one kept alive by refreshes never outlives it.
    this.throttle = new LoginThrottle(store, { ...config.lockout, knownPlaceMs: 2 * config.refreshTtlSeconds * 1000 });
  }

  /** A check that may refuse a sign-in or refresh by the caller's address (it throws a DomainError). */
  guardSignIn(check: (address: string) => Promise<void>): void {
    this.guard.add(check);
  }

  onLogout(listener: (principal: Principal) => void): void {
    this.logoutListeners.add(listener);
  }

  async setPassword(user: UserDoc, password: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    await updateDoc<CredentialDoc>(this.store, credentialIdFor(user.id), (current) => ({
      _id: credentialIdFor(user.id),
      type: 'credential',
      userId: user.id,
      email: user.email.toLowerCase(),
      passwordHash,
      failures: [],
      lockedUntil: null,
      unlockedAt: Date.now(),
      ...(current?._rev ? { _rev: current._rev } : {}),
    }));
  }

  /**
   * The guess is counted before the hash (R-AUTH-03), per account and client address and, from a
   * place the account has not signed in from lately, account-wide (throttle.ts); an unknown e-mail
   * goes the same way against a decoy hash: same answers, same timing.
   */
  async login(body: LoginBody, address: string): Promise<LoginResponse> {
    // The network is the organisation's rule, not the account's: refused before any guess is counted.
    await this.guard.checkAddress(address);
    const email = body.email.toLowerCase();
    const [credential] = (await this.store.find({ selector: { type: 'credential', email }, limit: 1 })) as CredentialDoc[];
    const seat = await this.throttle.reserve(email, address, credential?.unlockedAt);
    if (seat.locked) throw this.locked(seat.until, Date.now());
    const right = await verifyPassword(body.password, credential?.passwordHash ?? (await decoyHash));
    if (!credential || !right) {
      const until = await this.throttle.failed(email, address, seat);
      if (until !== undefined) throw this.locked(until, Date.now());
      throw new DomainError('unauthenticated', 'invalid_credentials', WRONG_MESSAGE);
    }
    await this.throttle.succeeded(email, address, seat);
    const user = await this.userById(credential.userId);
    if (!user) throw new DomainError('unauthenticated', 'invalid_credentials', WRONG_MESSAGE);
    this.guard.assertEnabled(user);
    return this.openSession(user);
  }

  private locked(until: number, now: number): DomainError {
    const retryAfterSeconds = Math.ceil((until - now) / 1000);
    return new DomainError('locked', 'locked', LOCKED_MESSAGE, { retryAfterSeconds });
  }

  /**
   * The signed-in user proves their password again (a password change, R-WS-11): a wrong one is
   * counted like a failed login, so guessing here locks the login as well (R-AUTH-03).
   */
  async verifyCurrentPassword(userId: string, password: string, address: string): Promise<void> {
    const credential = (await this.store.get(credentialIdFor(userId), { fresh: true })) as CredentialDoc | undefined;
    const email = credential?.email ?? userId;
    const seat = await this.throttle.reserve(email, address, credential?.unlockedAt);
    if (seat.locked) throw this.locked(seat.until, Date.now());
    if (credential && (await verifyPassword(password, credential.passwordHash))) {
      await this.throttle.succeeded(email, address, seat);
      return;
    }
    const until = await this.throttle.failed(email, address, seat);
    if (until !== undefined) throw this.locked(until, Date.now());
    throw new DomainError('forbidden', 'wrong_password', WRONG_CURRENT_MESSAGE);
  }

  /**
   * Ends every open session of the user except `keep` (after a password change): their refresh
   * tokens stop working at once and the logout listeners close their sockets on every node.
   */
  async revokeOtherSessions(user: UserDoc, keep: string): Promise<number> {
    const open = (await this.store.find({
      selector: { type: 'session', userId: user.id, revokedAt: null },
      limit: OPEN_SESSIONS_MAX,
    })) as SessionDoc[];
    let revoked = 0;
    for (const session of open) {
      if (session._id === keep) continue;
      const { written } = await updateDoc<SessionDoc>(this.store, session._id, (s) =>
        s && s.revokedAt === null ? { ...s, revokedAt: Date.now() } : undefined,
      );
      this.sessionCache.set(session._id, { active: false, until: Infinity });
      if (!written) continue;
      revoked++;
      for (const listener of this.logoutListeners) listener({ user, sessionId: session._id });
    }
    return revoked;
  }

  /** Ends every open session of the user (an administrator disabled them, R-AUTH-01): sockets close on every node. */
  async revokeAll(user: UserDoc): Promise<number> {
    return this.revokeOtherSessions(user, '');
  }

  /** Which of these users a lockout holds now, at some place or everywhere (R-AUTH-03), for the admin's list. */
  async lockedOut(users: ReadonlyArray<Pick<UserDoc, 'id' | 'email'>>): Promise<Set<string>> {
    const locks = await liveLocks(this.store, Date.now());
    const held = new Set<string>();
    for (const user of users) {
      const lockedAt = locks.get(accountKeyOf(user.email));
      if (lockedAt === undefined) continue;
      const credential = (await this.store.get(credentialIdFor(user.id))) as CredentialDoc | undefined;
      // An unlock (or a new password) after the lock was written lifted it.
      if (credential?.unlockedAt === undefined || credential.unlockedAt < lockedAt) held.add(user.id);
    }
    return held;
  }

  /** Lifts a lockout (R-AUTH-03: "until an administrator unlocks it"). */
  async unlock(userId: string): Promise<boolean> {
    const { written } = await updateDoc<CredentialDoc>(this.store, credentialIdFor(userId), (c) =>
      c && { ...c, failures: [], lockedUntil: null, unlockedAt: Date.now() },
    );
    return written;
  }

  private async openSession(user: UserDoc): Promise<LoginResponse> {
    const key = ulid();
    const secret = randomToken();
    const now = Date.now();
    const session: SessionDoc = {
      _id: `session:${key}`,
      type: 'session',
      userId: user.id,
      refreshHash: sha256(secret),
      createdAt: now,
      expiresAt: now + this.config.refreshTtlSeconds * 1000,
      revokedAt: null,
    };
    const [result] = await this.store.bulkWrite([session]);
    if (!result?.ok) throw new Error('could not open session');
    return this.tokens(user, session._id, `${key}.${secret}`);
  }

  private tokens(user: UserDoc, sessionId: string, refreshToken: string): LoginResponse {
    const exp = Math.floor(Date.now() / 1000) + this.config.accessTtlSeconds;
    return {
      accessToken: this.signer.sign({ kind: 'access', sub: user.id, sid: sessionId, exp }),
      refreshToken,
      expiresIn: this.config.accessTtlSeconds,
      user,
    };
  }

  /**
   * Rotates the refresh token; a reused (already rotated) token revokes the whole session. The
   * caller's place stays known to the account (throttle.ts), as after a sign-in there.
   */
  async refresh(refreshToken: string, address?: string): Promise<LoginResponse> {
    const [key, secret] = refreshToken.split('.');
    const invalid = new DomainError('unauthenticated', 'invalid_token', 'Sessão expirada. Entre novamente.');
    if (address !== undefined) await this.guard.checkAddress(address);
    if (!key || !secret || !/^[0-9A-Z]{26}$/.test(key)) throw invalid;
    const sessionId = `session:${key}`;
    const next = randomToken();
    let reused = false;
    const { doc, written } = await updateDoc<SessionDoc>(this.store, sessionId, (s) => {
      if (!s || s.revokedAt !== null || s.expiresAt < Date.now()) return undefined;
      if (s.refreshHash !== sha256(secret)) {
        reused = true;
        return { ...s, revokedAt: Date.now() };
      }
      return { ...s, refreshHash: sha256(next) };
    });
    if (reused && doc) {
      // A stolen refresh token was replayed: end the session everywhere, sockets included.
      this.sessionCache.set(sessionId, { active: false, until: Infinity });
      const user = await this.userById(doc.userId);
      if (user) for (const listener of this.logoutListeners) listener({ user, sessionId });
    }
    if (!written || reused || !doc) throw invalid;
    const user = await this.userById(doc.userId);
    if (!user) throw invalid;
    this.guard.assertEnabled(user);
    if (address !== undefined) await this.throttle.refreshedFrom(user.email, address);
    return this.tokens(user, sessionId, `${key}.${next}`);
  }

  /** Another node (or this one) revoked a session: stop trusting the cached answer now. */
  sessionRevoked(sessionId: string): void {
    this.sessionCache.set(sessionId, { active: false, until: Infinity });
  }

  async logout(principal: Principal): Promise<void> {
    await updateDoc<SessionDoc>(this.store, principal.sessionId, (s) =>
      s && s.revokedAt === null ? { ...s, revokedAt: Date.now() } : undefined,
    );
    this.sessionCache.set(principal.sessionId, { active: false, until: Infinity });
    for (const listener of this.logoutListeners) listener(principal);
  }

  /** Resolves an access token to its user, or undefined when invalid, expired or revoked. */
  async authenticate(accessToken: string): Promise<Principal | undefined> {
    const payload = this.signer.verify(accessToken);
    if (!payload || payload.kind !== 'access') return undefined;
    const { sub, sid } = payload;
    if (typeof sub !== 'string' || typeof sid !== 'string') return undefined;
    if (!(await this.sessionActive(sid))) return undefined;
    const user = await this.userById(sub);
    return user ? { user, sessionId: sid } : undefined;
  }

  private async sessionActive(sessionId: string): Promise<boolean> {
    const cached = this.sessionCache.get(sessionId);
    if (cached && cached.until > Date.now()) return cached.active;
    const session = (await this.store.get(sessionId)) as SessionDoc | undefined;
    const active = !!session && session.revokedAt === null && session.expiresAt > Date.now();
    this.sessionCache.set(sessionId, { active, until: Date.now() + SESSION_CACHE_MS });
    return active;
  }

  async userById(id: string): Promise<UserDoc | undefined> {
    if (!id.startsWith('user:')) return undefined;
    const stored = await this.store.get(id);
    return stored && !stored._deleted ? toWire<UserDoc>(stored) : undefined;
  }
}
