import type * as Crypto from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LoginThrottle } from '../src/auth/throttle.js';
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
  server = await startTestServer({ ATENDE_TRUST_PROXY: '127.0.0.1', ATENDE_LOCKOUT_ATTEMPTS: '3' });
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
        until = await throttle.failed('b@test.local', '203.0.113.2', seat.seat);
      }
      return (until ?? now) - now;
    };
    expect(await lockOnce()).toBe(60_000);
    now += 60_001;
    expect(await lockOnce()).toBe(120_000);
    now += 120_001;
    expect(await lockOnce()).toBe(240_000);
  });
});
