import type * as Crypto from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureAttemptsIndex, scheduleAttemptsSweep, sweepLoginAttempts } from '../src/auth/attemptsSweep.js';
import { LoginThrottle, placeOf, type LoginAttemptsDoc } from '../src/auth/throttle.js';
import { loadConfig } from '../src/config/config.js';
import { EmbeddedStore } from '../src/store/embedded.js';
import { addUser, call, DEMO_PASSWORD, startTestServer, type TestServer } from './helpers.js';

/** Every password hash the server computes is counted: the burst test checks how many guesses were evaluated. */
const hashes = vi.hoisted(() => ({ count: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof Crypto>();
  const scrypt = (...args: unknown[]) => {
    hashes.count++;
    return (actual.scrypt as (...a: unknown[]) => void)(...args);
  };
  return { ...actual, scrypt, default: { ...actual, scrypt } };
});

type Answer = { error: string; message: string; retryAfterSeconds?: number };

/** The tests stand for clients at several addresses through a proxy trusted on loopback. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ ATENDE_TRUST_PROXY: '127.0.0.1', ATENDE_LOCKOUT_ATTEMPTS: '3', ATENDE_LOCKOUT_ACCOUNT_ATTEMPTS: '6' });
});
afterAll(() => server.close());

const attempt = (email: string, password: string, from: string) =>
  call<Answer>(server, 'POST', '/api/auth/login', { body: { email, password }, headers: { 'X-Forwarded-For': from } });

describe('login lockout (issue 14)', () => {
  it('R-AUTH-03 a concurrent burst gets only the allowed guesses evaluated: the right password late in it does not get in', async () => {
    await addUser(server, { key: 'burst', name: 'Burst', email: 'burst@test.local', role: 'agent', teamIds: ['team:suporte'] });
    const guesses = [...Array.from({ length: 20 }, (_, i) => `errada-${i}`), DEMO_PASSWORD, DEMO_PASSWORD, DEMO_PASSWORD];
    const before = hashes.count;
    const answers = await Promise.all(guesses.map((p) => attempt('burst@test.local', p, '203.0.113.10')));
    expect(hashes.count - before).toBe(3);
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toEqual([]);
    // Three seats: two wrong guesses answered 401, the third locks; every other one is refused unheard.
    expect(statuses.filter((s) => s === 401)).toHaveLength(2);
    expect(statuses.filter((s) => s === 423)).toHaveLength(21);
  });

  it('R-AUTH-03 a stranger elsewhere cannot lock the user out: the lock holds per account and address', async () => {
    await addUser(server, { key: 'target', name: 'Target', email: 'target@test.local', role: 'agent', teamIds: ['team:suporte'] });
    const stranger = [];
    for (let i = 0; i < 4; i++) stranger.push((await attempt('target@test.local', `errada-${i}`, '203.0.113.20')).status);
    expect(stranger).toEqual([401, 401, 423, 423]);
    expect((await attempt('target@test.local', DEMO_PASSWORD, '203.0.113.20')).status).toBe(423);
    // The user at their own address still gets in.
    expect((await attempt('target@test.local', DEMO_PASSWORD, '198.51.100.5')).status).toBe(200);
  });

  it('R-AUTH-03 an unknown e-mail is answered exactly like a real one, lock included (no account oracle)', async () => {
    await addUser(server, { key: 'real', name: 'Real', email: 'real@test.local', role: 'agent', teamIds: ['team:suporte'] });
    const run = async (email: string) => {
      const seen = [];
      for (let i = 0; i < 4; i++) {
        const { status, body } = await attempt(email, `errada-${i}`, '203.0.113.30');
        seen.push({ status, error: body.error, message: body.message, locked: body.retryAfterSeconds !== undefined });
      }
      return seen;
    };
    const real = await run('real@test.local');
    expect(real.map((s) => s.status)).toEqual([401, 401, 423, 423]);
    expect(await run('nobody@test.local')).toEqual(real);
  });

  it('R-AUTH-03 guesses from many addresses are bounded per account: past the allowance every unknown place gets one guess at most, the user’s usual place keeps its allowance', async () => {
    await addUser(server, { key: 'siege', name: 'Siege', email: 'siege@test.local', role: 'agent', teamIds: ['team:suporte'] });
    // The user signs in at their usual place before the siege.
    expect((await attempt('siege@test.local', DEMO_PASSWORD, '198.51.100.7')).status).toBe(200);
    // A botnet: two guesses per address, under the per-address allowance of three.
    const run = async (email: string) => {
      const seen = [];
      for (let i = 0; i < 10; i++) {
        const { status, body } = await attempt(email, `errada-${i}`, `203.0.113.${100 + Math.floor(i / 2)}`);
        seen.push({ status, error: body.error, message: body.message, locked: body.retryAfterSeconds !== undefined });
      }
      return seen;
    };
    const siege = await run('siege@test.local');
    // The sixth seat locks account-wide; past it each new place gets its first guess only.
    expect(siege.map((s) => s.status)).toEqual([401, 401, 401, 401, 401, 423, 401, 423, 401, 423]);
    // A place that already guessed wrong waits for the lock, even with the right password…
    expect((await attempt('siege@test.local', DEMO_PASSWORD, '203.0.113.104')).status).toBe(423);
    // …while the user at their usual place keeps their own allowance and gets in.
    expect((await attempt('siege@test.local', 'errada-casa', '198.51.100.7')).status).toBe(401);
    expect((await attempt('siege@test.local', DEMO_PASSWORD, '198.51.100.7')).status).toBe(200);
    // An e-mail nobody has is besieged the same way: no oracle.
    expect(await run('nobody-siege@test.local')).toEqual(siege);
  });

  it('R-AUTH-03 the refresh route makes the caller’s place usual: a siege does not lock the user out where they stay signed in', async () => {
    await addUser(server, { key: 'stay', name: 'Stay', email: 'stay@test.local', role: 'agent', teamIds: ['team:suporte'] });
    const login = await call<{ refreshToken: string }>(server, 'POST', '/api/auth/login', {
      body: { email: 'stay@test.local', password: DEMO_PASSWORD }, headers: { 'X-Forwarded-For': '198.51.100.70' },
    });
    const refreshed = await call(server, 'POST', '/api/auth/refresh', {
      body: { refreshToken: login.body.refreshToken }, headers: { 'X-Forwarded-For': '198.51.100.71' },
    });
    expect(refreshed.status).toBe(200);
    for (let i = 0; i < 6; i++) await attempt('stay@test.local', `errada-${i}`, `203.0.113.${120 + Math.floor(i / 2)}`);
    expect((await attempt('stay@test.local', 'errada-casa', '198.51.100.71')).status).toBe(401);
    expect((await attempt('stay@test.local', DEMO_PASSWORD, '198.51.100.71')).status).toBe(200);
  });

  it('R-AUTH-03 an IPv6 /64 is one place: new addresses in the same block share its allowance', async () => {
    await addUser(server, { key: 'six', name: 'Six', email: 'six@test.local', role: 'agent', teamIds: ['team:suporte'] });
    const block = ['2001:db8:7:1::1', '2001:db8:7:1::2', '2001:db8:7:1:abcd::3', '2001:db8:7:1:ffff:1:2:3'];
    const statuses = [];
    for (const [i, from] of block.entries()) statuses.push((await attempt('six@test.local', `errada-${i}`, from)).status);
    expect(statuses).toEqual([401, 401, 423, 423]);
    // Another /64 is another place.
    expect((await attempt('six@test.local', 'errada-x', '2001:db8:7:2::1')).status).toBe(401);
  });

  it('R-AUTH-03 the server runs the sweep as a job: a forgotten attempt record is deleted, a live one stays', async () => {
    const record = (id: string, forgetAt: number): LoginAttemptsDoc => ({
      _id: id, type: 'login-attempts', counted: 1, windowStart: forgetAt - 60_000, lockouts: 0, lockedUntil: null, forgetAt, updatedAt: forgetAt - 60_000,
    });
    await server.store.bulkWrite([record('login-attempts:old', Date.now() - 61_000), record('login-attempts:live', Date.now() + 600_000)]);
    await scheduleAttemptsSweep({ store: server.store, log: () => undefined });
    await server.jobs.idle();
    expect(await server.store.get('login-attempts:old')).toBeUndefined();
    expect(await server.store.get('login-attempts:live')).toMatchObject({ counted: 1 });
  });

  it('R-AUTH-03 X-Forwarded-For is ignored unless ATENDE_TRUST_PROXY names the proxy: no fresh rate-limit bucket per spoofed address', async () => {
    const plain = await startTestServer({ ATENDE_PUBLIC_RATE_LIMIT: '2' });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) {
        const reply = await call(plain, 'POST', '/api/auth/login', {
          body: { email: 'nobody@test.local', password: 'errada' },
          headers: { 'X-Forwarded-For': `198.51.100.${i + 1}` },
        });
        statuses.push(reply.status);
      }
      expect(statuses).toEqual([401, 401, 429]);
    } finally {
      await plain.close();
    }
  });

  it('R-AUTH-03 ATENDE_TRUST_PROXY takes comma-separated IPs and CIDRs and refuses anything else', () => {
    expect(loadConfig({}).trustProxy).toEqual([]);
    expect(loadConfig({ ATENDE_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1' }).trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1', '::1']);
    expect(() => loadConfig({ ATENDE_TRUST_PROXY: 'proxy.local' })).toThrow(/ATENDE_TRUST_PROXY/);
    expect(() => loadConfig({ ATENDE_TRUST_PROXY: '10.0.0.0/33' })).toThrow(/ATENDE_TRUST_PROXY/);
  });
});

describe('login throttle', () => {
  let dir: string;
  let store: EmbeddedStore;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'atende-throttle-'));
    store = new EmbeddedStore(dir);
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => vi.restoreAllMocks());

  it('R-AUTH-03 of twelve guesses at once exactly the allowed five get a seat (counted before the hash)', async () => {
    const throttle = new LoginThrottle(store, { attempts: 5, windowMs: 60_000 });
    const seats = await Promise.all(Array.from({ length: 12 }, () => throttle.reserve('a@test.local', '203.0.113.1')));
    expect(seats.filter((s) => !s.locked).map((s) => (s.locked ? 0 : s.seat)).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('R-AUTH-03 each further lockout of the same account and address lasts twice as long', async () => {
    const throttle = new LoginThrottle(store, { attempts: 2, windowMs: 60_000 });
    let now = 1_000_000;
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    const lockOnce = async () => {
      let until: number | undefined;
      for (let i = 0; i < 2; i++) {
        const seat = await throttle.reserve('b@test.local', '203.0.113.2');
        if (seat.locked) throw new Error('locked too early');
        until = await throttle.failed('b@test.local', '203.0.113.2', seat);
      }
      return (until ?? now) - now;
    };
    expect(await lockOnce()).toBe(60_000);
    now += 60_001;
    expect(await lockOnce()).toBe(120_000);
    now += 120_001;
    expect(await lockOnce()).toBe(240_000);
  });

  it('R-AUTH-03 the account-wide lock grows with each siege, and a place that signed in keeps its own allowance meanwhile', async () => {
    const throttle = new LoginThrottle(store, { attempts: 2, windowMs: 60_000, accountAttempts: 3 });
    let now = 5_000_000;
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    const home = '198.51.100.9';
    const first = await throttle.reserve('c@test.local', home);
    if (first.locked) throw new Error('locked at home');
    await throttle.succeeded('c@test.local', home, first);
    let place = 0;
    const siege = async () => {
      for (;;) {
        const seat = await throttle.reserve('c@test.local', `203.0.113.${++place}`);
        if (seat.locked) throw new Error('locked before the last seat');
        const until = await throttle.failed('c@test.local', `203.0.113.${place}`, seat);
        if (until !== undefined) return until - now;
      }
    };
    expect(await siege()).toBe(60_000);
    // A new place gets its first guess even now (no total lock), and is held after a wrong one.
    const lane = await throttle.reserve('c@test.local', '203.0.113.200');
    expect(lane).toEqual({ locked: false, seat: 1, accountSeat: null });
    if (!lane.locked) expect(await throttle.failed('c@test.local', '203.0.113.200', lane)).toBeUndefined();
    expect(await throttle.reserve('c@test.local', '203.0.113.200')).toEqual({ locked: true, until: now + 60_000 });
    expect(await throttle.reserve('c@test.local', home)).toMatchObject({ locked: false, accountSeat: null });
    now += 60_001;
    expect(await siege()).toBe(120_000);
  });

  it('R-AUTH-03 an IPv6 address counts as its /64, an IPv4 one (mapped or not) as itself', () => {
    expect(placeOf('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(placeOf('2001:0DB8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(placeOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(placeOf('::1')).toBe('0:0:0:0::/64');
    expect(placeOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(placeOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(placeOf('203.0.113.7')).toBe('203.0.113.7');
  });

  it('R-AUTH-03 the sweep deletes forgotten attempt records, a bounded batch at a time, and keeps live ones', async () => {
    const sweepStore = new EmbeddedStore(mkdtempSync(path.join(tmpdir(), 'atende-sweep-')));
    try {
      await ensureAttemptsIndex(sweepStore);
      const throttle = new LoginThrottle(sweepStore, { attempts: 2, windowMs: 60_000 });
      let now = 10_000_000;
      vi.spyOn(Date, 'now').mockImplementation(() => now);
      // Three strangers typed an e-mail once each, long ago (their window is over, no lock).
      for (const who of ['x1', 'x2', 'x3']) await throttle.reserve(`${who}@test.local`, '203.0.113.50');
      // One place is locked, one signed in: both still say something when the sweep runs.
      for (let i = 0; i < 2; i++) {
        const seat = await throttle.reserve('locked@test.local', '203.0.113.51');
        if (!seat.locked) await throttle.failed('locked@test.local', '203.0.113.51', seat);
      }
      const home = await throttle.reserve('home@test.local', '198.51.100.10');
      if (!home.locked) await throttle.succeeded('home@test.local', '198.51.100.10', home);
      // Past the window and the sweep's grace of a minute after it.
      now += 121_000;
      // And one guess right now, inside its window.
      await throttle.reserve('fresh@test.local', '203.0.113.52');
      const records = async () => (await sweepStore.find({ selector: { type: 'login-attempts' }, limit: 100 })) as LoginAttemptsDoc[];
      const before = await records();
      const forgotten = before.filter((d) => d.forgetAt < now - 60_000).length;
      // Each stranger's place and account-wide count, the locked and the known places' account-wide counts.
      expect(forgotten).toBe(8);
      expect([await sweepLoginAttempts(sweepStore, now, 3), await sweepLoginAttempts(sweepStore, now, 3)]).toEqual([3, 3]);
      expect([await sweepLoginAttempts(sweepStore, now, 3), await sweepLoginAttempts(sweepStore, now, 3)]).toEqual([2, 0]);
      const left = await records();
      expect(left.map((d) => d._id).sort()).toEqual(before.filter((d) => d.forgetAt >= now - 60_000).map((d) => d._id).sort());
      // Kept: the place whose lockout is still remembered (the next one lasts longer), the known place, the fresh guess.
      expect(left.some((d) => d.lockouts === 1)).toBe(true);
      expect(left.some((d) => d.lastSuccessAt !== undefined)).toBe(true);
      expect(left.some((d) => d.windowStart === now)).toBe(true);
      // A deleted record is simply a fresh one for the next guess.
      expect(await throttle.reserve('x1@test.local', '203.0.113.50')).toMatchObject({ locked: false, seat: 1 });
    } finally {
      await sweepStore.close();
    }
  });
});
