import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientFrame, VisitorFrame } from '@atende/protocol';
import type { ZodType } from 'zod';
import { FrameClient, nextNew, roundTrip } from './helpers.js';
import { hostileString } from './fuzz/arbitraries.js';
import { refusalOf, refusedFrames, REFUSAL_CODES, SocketPool } from './fuzz/frames.js';
import { checkpoint, healthy, startWorld, writtenSince, type World } from './fuzz/world.js';

/**
 * Issue 14 point 3 over the WebSockets: every message a socket's frame schema refuses — each
 * known frame type with one field broken, any JSON, text that is not JSON, binary — is answered
 * with an `error` frame (never `internal`, which would mean a handler threw), writes nothing,
 * and leaves the socket working. Oversized messages and bad tokens close the socket with the
 * documented codes (1009, 4401) and a new socket still works. FUZZ_SEED=<n> replays a run.
 */
const RUNS = { agent: 300, ids: 100, beforeHello: 150, visitor: 200, tokens: 25 };
const seed = process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {};
/**
 * On a machine busy with other suites a property stops after this long with the cases it ran
 * (counted in the closing line) instead of timing out; a counterexample still fails it.
 */
const BUDGET = { interruptAfterTimeLimit: 20_000 };
/** Per test: the property's budget plus its setup and the closing checks. */
const TEST_TIMEOUT = 60_000;
// Under each socket's burst (agent 50, visitor 20: realtime/throttle.ts), leaving room for the closing check.
const AGENT_FRAMES_PER_SOCKET = 40;
const VISITOR_FRAMES_PER_SOCKET = 15;
/** The ws server's maxPayload (realtime/socket.ts MAX_FRAME_BYTES) is 64 KiB; ws closes with 1009 past it. */
const OVERSIZED = 'x'.repeat(70 * 1024);

let world: World;
const tally = { cases: 0, agent: 0, beforeHello: 0, visitor: 0, tokens: 0, sockets: 0, internal: 0 };

beforeAll(async () => {
  world = await startWorld();
}, 60_000);

afterAll(async () => {
  console.log(
    `fuzz-frames: ${tally.cases.toLocaleString('en')} cases (agent ${tally.agent}, before hello ${tally.beforeHello}, ` +
      `visitor ${tally.visitor}, bad tokens ${tally.tokens}) over ${tally.sockets} sockets, ${tally.internal} internal errors`,
  );
  await world?.server.close();
});

const wsUrl = (path: string) => world.server.url.replace(/^http/, 'ws') + path;
const agentSamples = () => [
  { type: 'hello', token: world.tokens.agent },
  { type: 'presence.set', status: 'online' },
  { type: 'typing', conversationId: world.fx.conversationId, typing: true },
  { type: 'viewing', conversationId: world.fx.conversationId, viewing: true },
  { type: 'ping' },
  { type: 'pong' },
];
const visitorSamples = [{ type: 'typing', typing: true }, { type: 'ping' }, { type: 'pong' }];
const openVisitor = () => FrameClient.visitor(world.server, world.tokens.visitor);

/** Runs the refusal property over sockets from `pool`; nothing may be written meanwhile. */
async function fuzzSocket(pool: SocketPool, schema: ZodType, samples: readonly unknown[], runs: number, kind: 'agent' | 'beforeHello' | 'visitor') {
  for (const sample of samples) expect(schema.safeParse(sample).success, `sample ${JSON.stringify(sample)} is valid`).toBe(true);
  const since = await checkpoint(world);
  await fc.assert(
    fc.asyncProperty(refusedFrames(schema, samples), async (frame) => {
      tally.cases += 1;
      tally[kind] += 1;
      const client = await pool.socket();
      const error = await refusalOf(client, frame);
      if (error.code === 'internal') tally.internal += 1;
      expect(REFUSAL_CODES, JSON.stringify(error)).toContain(error.code);
      expect(error.message).toEqual(expect.any(String));
      expect(client.closed, 'a refused frame does not close the socket').toBeUndefined();
    }),
    { numRuns: runs, ...seed, ...BUDGET },
  );
  await pool.retire();
  tally.sockets += pool.sockets;
  await world.server.jobs.idle();
  expect((await writtenSince(world, since)).map((r) => r.id)).toEqual([]);
  expect(await healthy(world)).toBe(true);
}

describe('issue 14 fuzz: the agent socket /ws', { timeout: TEST_TIMEOUT }, () => {
  it('R-OPS-03 the harness sees valid frames work: pong for ping, no error for presence and viewing', async () => {
    const client = await FrameClient.agent(world.server, world.tokens.agent);
    client.send({ type: 'presence.set', status: 'online' });
    client.send({ type: 'viewing', conversationId: world.fx.conversationId, viewing: false });
    await roundTrip(client);
    expect(client.frames.filter((f) => f.type === 'error')).toEqual([]);
    client.close();
  });

  it('R-OPS-03 a signed-in socket answers every refused frame with an error frame, stays open, writes nothing', async () => {
    const pool = new SocketPool(() => FrameClient.agent(world.server, world.tokens.agent), AGENT_FRAMES_PER_SOCKET);
    await fuzzSocket(pool, ClientFrame, agentSamples(), RUNS.agent, 'agent');
  });

  it('R-WS-17 typing and viewing in conversations that do not exist or are not visible: never an internal error, nothing written', async () => {
    // Two frames a case (the frame, then a ping to see it handled).
    const pool = new SocketPool(() => FrameClient.agent(world.server, world.tokens.agent), AGENT_FRAMES_PER_SOCKET / 2);
    const since = await checkpoint(world);
    const id = fc.oneof(fc.stringMatching(/^[a-z]{1,12}:[A-Za-z0-9_.@-]{1,60}$/), fc.constantFrom('secret:tokens', 'user:admin', 'contact:maria'));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('typing', 'viewing'), id, fc.boolean(), async (type, conversationId, on) => {
        tally.cases += 1;
        tally.agent += 1;
        const client = await pool.socket();
        client.send(type === 'typing' ? { type, conversationId, typing: on } : { type, conversationId, viewing: on });
        await roundTrip(client);
        expect(client.frames.filter((f) => f.type === 'error' && f.code === 'internal')).toEqual([]);
        expect(client.closed).toBeUndefined();
      }),
      { numRuns: RUNS.ids, ...seed, ...BUDGET },
    );
    await pool.retire();
    tally.sockets += pool.sockets;
    expect((await writtenSince(world, since)).map((r) => r.id)).toEqual([]);
  });

  it('R-AUTH-04 before hello, a refused frame is an error frame too, and hello still signs the socket in', async () => {
    // Before hello a valid ping is answered by closing (4401): the check that the socket still works is a hello.
    const pool = new SocketPool(() => FrameClient.open(wsUrl('/ws')), AGENT_FRAMES_PER_SOCKET, async (socket) => {
      const welcome = nextNew(socket, (f) => f.type === 'welcome');
      socket.send({ type: 'hello', token: world.tokens.agent });
      await welcome;
    });
    await fuzzSocket(pool, ClientFrame, agentSamples(), RUNS.beforeHello, 'beforeHello');
  });

  it('R-AUTH-04 hello with a token that is not one is refused with 4401, and a new socket still signs in', async () => {
    const since = await checkpoint(world);
    await fc.assert(
      fc.asyncProperty(hostileString.filter((t) => t.length >= 1 && t.length <= 4096), async (token) => {
        tally.cases += 1;
        tally.tokens += 1;
        const client = await FrameClient.open(wsUrl('/ws'));
        tally.sockets += 1;
        const error = nextNew(client, (f) => f.type === 'error');
        client.send({ type: 'hello', token });
        expect(await error).toMatchObject({ code: 'unauthenticated' });
        expect((await client.closedPromise()).code).toBe(4401);
      }),
      { numRuns: RUNS.tokens, ...seed, ...BUDGET },
    );
    const after = await FrameClient.agent(world.server, world.tokens.agent);
    await roundTrip(after);
    after.close();
    expect((await writtenSince(world, since)).map((r) => r.id)).toEqual([]);
  });

  it('R-OPS-03 a message over 64 KiB closes the socket with 1009; a new socket works', async () => {
    const client = await FrameClient.agent(world.server, world.tokens.agent);
    client.send(OVERSIZED);
    expect((await client.closedPromise()).code).toBe(1009);
    const next = await FrameClient.agent(world.server, world.tokens.agent);
    await roundTrip(next);
    next.close();
    expect(await healthy(world)).toBe(true);
  });
});

describe('issue 14 fuzz: the visitor socket /ws/webchat', { timeout: TEST_TIMEOUT }, () => {
  it('R-CH-02 the harness sees valid frames work: pong for ping, no error for typing', async () => {
    const client = await openVisitor();
    client.send({ type: 'typing', typing: true });
    await roundTrip(client);
    expect(client.frames.filter((f) => f.type === 'error')).toEqual([]);
    client.close();
  });

  it('R-CH-02 every refused frame is answered with an error frame, the socket stays open, nothing is written', async () => {
    await fuzzSocket(new SocketPool(openVisitor, VISITOR_FRAMES_PER_SOCKET), VisitorFrame, visitorSamples, RUNS.visitor, 'visitor');
  });

  it('R-CH-02 a token that is not one is refused with 4401; the real visitor still connects', async () => {
    const since = await checkpoint(world);
    await fc.assert(
      fc.asyncProperty(hostileString.filter((t) => t.length <= 4096 && t.isWellFormed()), async (token) => {
        tally.cases += 1;
        tally.tokens += 1;
        const client = await FrameClient.open(wsUrl(`/ws/webchat?token=${encodeURIComponent(token)}`));
        tally.sockets += 1;
        expect(await client.next((f) => f.type === 'error')).toMatchObject({ code: 'unauthenticated' });
        expect((await client.closedPromise()).code).toBe(4401);
      }),
      { numRuns: RUNS.tokens, ...seed, ...BUDGET },
    );
    const after = await openVisitor();
    await roundTrip(after);
    after.close();
    expect((await writtenSince(world, since)).map((r) => r.id)).toEqual([]);
  });

  it('R-OPS-03 a message over 64 KiB closes the socket with 1009; a new socket works', async () => {
    const client = await openVisitor();
    client.send(OVERSIZED);
    expect((await client.closedPromise()).code).toBe(1009);
    const next = await openVisitor();
    await roundTrip(next);
    next.close();
    expect(await healthy(world)).toBe(true);
  });
});
