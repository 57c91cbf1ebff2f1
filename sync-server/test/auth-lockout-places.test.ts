import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DomainError, type UserDoc } from '@atende/protocol';
import { ensureAttemptsIndex, sweepLoginAttempts } from '../src/auth/attemptsSweep.js';
import { AuthService } from '../src/auth/service.js';
import { LoginThrottle, type LoginAttemptsDoc } from '../src/auth/throttle.js';
import { TokenSigner } from '../src/auth/tokens.js';
import { EmbeddedStore } from '../src/store/embedded.js';
import { toStored } from '../src/store/wire.js';
import { DEMO_PASSWORD } from './helpers.js';

/**
 * R-AUTH-03, the account-wide limit's places (issue 14 review): where a user usually signs in stays
 * usual for twice a session's life and on refresh, a user with no usual place is not locked out by a
 * siege, the sweep never takes a record in use, and contention refuses a guess rather than failing.
 * The lockout over HTTP is in auth-lockout.test.ts.
 */
describe('login throttle review fixes (issue 14)', () => {
  let dir: string;
  let store: EmbeddedStore;
  let now: number;
  const HOUR = 3600_000;
  const DAY = 24 * HOUR;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'atende-throttle-fix-'));
    store = new EmbeddedStore(dir);
    await ensureAttemptsIndex(store);
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => vi.restoreAllMocks());

  const authFor = async (key: string) => {
    const auth = new AuthService(store, new TokenSigner('s'.repeat(32)), {
      accessTtlSeconds: 900, refreshTtlSeconds: 30 * 24 * 3600, lockout: { attempts: 2, windowMs: 60_000, accountAttempts: 3 },
    });
    const t = Date.now();
    const user: UserDoc = {
      id: `user:${key}`, type: 'user', name: key, email: `${key}@test.local`, role: 'agent', teamIds: [], maxConcurrent: 5, createdAt: t, updatedAt: t,
    };
    await store.bulkWrite([toStored(user)]);
    await auth.setPassword(user, DEMO_PASSWORD);
    return auth;
  };
  const statusOf = (p: Promise<unknown>) =>
    p.then(() => 'ok', (e: unknown) => (e instanceof DomainError ? e.code : String(e)));
  const siege = async (auth: AuthService, email: string) => {
    for (let i = 0; i < 3; i++) await statusOf(auth.login({ email, password: `errada-${i}` }, `203.0.113.${150 + i}`));
  };

  it('R-AUTH-03 the usual place is remembered for twice the session’s life: a month after signing in, a siege does not lock the user out at home', async () => {
    now = 50 * DAY;
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    const auth = await authFor('month');
    expect(await statusOf(auth.login({ email: 'month@test.local', password: DEMO_PASSWORD }, '198.51.100.80'))).toBe('ok');
    now += 35 * DAY;
    await siege(auth, 'month@test.local');
    expect(await statusOf(auth.login({ email: 'month@test.local', password: 'typo' }, '198.51.100.80'))).toBe('invalid_credentials');
    expect(await statusOf(auth.login({ email: 'month@test.local', password: DEMO_PASSWORD }, '198.51.100.80'))).toBe('ok');
  });

  it('R-AUTH-03 a session refreshed from a place makes it usual: the user kept signed in there is not locked out by a siege', async () => {
    now = 200 * DAY;
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    const auth = await authFor('kept');
    const { refreshToken } = await auth.login({ email: 'kept@test.local', password: DEMO_PASSWORD }, '198.51.100.81');
    now += HOUR;
    await auth.refresh(refreshToken, '198.51.100.82');
    await siege(auth, 'kept@test.local');
    expect(await statusOf(auth.login({ email: 'kept@test.local', password: 'typo' }, '198.51.100.82'))).toBe('invalid_credentials');
    expect(await statusOf(auth.login({ email: 'kept@test.local', password: DEMO_PASSWORD }, '198.51.100.82'))).toBe('ok');
  });

  it('R-AUTH-03 a user with no usual place yet is not locked out by a siege: a new place’s first guess is heard, a second is not', async () => {
    now = 400 * DAY;
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    const auth = await authFor('newbie');
    now += 1000;
    await siege(auth, 'newbie@test.local');
    expect(await statusOf(auth.login({ email: 'newbie@test.local', password: 'errada-x' }, '203.0.113.170'))).toBe('invalid_credentials');
    expect(await statusOf(auth.login({ email: 'newbie@test.local', password: DEMO_PASSWORD }, '203.0.113.170'))).toBe('locked');
    expect(await statusOf(auth.login({ email: 'newbie@test.local', password: DEMO_PASSWORD }, '198.51.100.83'))).toBe('ok');
  });

  it('R-AUTH-03 a guess in the last seat just before its window ends keeps its record from the sweep, and its lock holds even if the record went', async () => {
    const throttle = new LoginThrottle(store, { attempts: 2, windowMs: 60_000, accountAttempts: 100 });
    now = 600 * DAY;
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    while ((await sweepLoginAttempts(store, now)) > 0); // the earlier tests' records, long forgotten
    await throttle.reserve('edge@test.local', '203.0.113.180');
    now += 59_900;
    const last = await throttle.reserve('edge@test.local', '203.0.113.180');
    if (last.locked) throw new Error('locked too early');
    now += 500; // the hash takes its time; the window is over meanwhile
    expect(await sweepLoginAttempts(store, now)).toBe(0);
    // Swept anyway (an older server's sweep): the lock rebuilds the record.
    const edgeRecords = ((await store.find({ selector: { type: 'login-attempts' }, limit: 1000 })) as LoginAttemptsDoc[]).filter(
      (d) => d.windowStart === now - 500 - 59_900,
    );
    await store.bulkWrite(edgeRecords.map((d) => ({ _id: d._id, _rev: d._rev as string, _deleted: true })));
    expect(await throttle.failed('edge@test.local', '203.0.113.180', last)).toBe(now + 60_000);
    expect(await throttle.reserve('edge@test.local', '203.0.113.180')).toEqual({ locked: true, until: now + 60_000 });
  });

  it('R-AUTH-03 signing in again from the usual place within the hour writes only the seat, not the place again', async () => {
    const throttle = new LoginThrottle(store, { attempts: 5, windowMs: 60_000 });
    now = 700 * DAY;
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    const first = await throttle.reserve('often@test.local', '198.51.100.90');
    if (!first.locked) await throttle.succeeded('often@test.local', '198.51.100.90', first);
    now += 10 * 60_000;
    const writes = vi.spyOn(store, 'bulkWrite');
    const again = await throttle.reserve('often@test.local', '198.51.100.90');
    if (!again.locked) await throttle.succeeded('often@test.local', '198.51.100.90', again);
    expect(writes).toHaveBeenCalledTimes(1);
  });

  it('R-AUTH-03 a record too contended to write refuses the guess as locked (423), never a server error', async () => {
    const throttle = new LoginThrottle(store, { attempts: 5, windowMs: 60_000 });
    const write = store.bulkWrite.bind(store);
    vi.spyOn(store, 'bulkWrite').mockImplementation(async (docs) =>
      docs.some((d) => d._id.startsWith('login-attempts:'))
        ? docs.map((d) => ({ id: d._id, ok: false, error: 'conflict', reason: 'conflict' }))
        : write(docs),
    );
    const seat = await throttle.reserve('busy@test.local', '203.0.113.190');
    expect(seat.locked).toBe(true);
  });
});
