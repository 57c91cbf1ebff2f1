import { performance } from 'node:perf_hooks';
import { AgentWatcher } from './agent.js';
import { clientId, login, newVisitor, visitorSays, withTimeout, type Visitor } from './client.js';
import { startBenchServer } from './server.js';
import { summarize, type Summary } from './stats.js';

/** How long any one wait may take before the benchmark fails loudly. */
export const WAIT_MS = 60_000;

export interface LatencyResult {
  /** `burst`: all visitors send in the same instant; `sustained`: spread out at human speed. */
  scenario: 'burst' | 'sustained';
  concurrency: number;
  /** `first`: the visitor's first message, which opens a conversation; `follow-up`: a later one. */
  message: 'first' | 'follow-up';
  rounds: number;
  /** POST until the agent has the message (sync.changed received and pulled), ms. */
  latencyMs: Summary;
  /** POST until its 201 response, ms (for comparison). */
  postMs: Summary;
  /** Agent pull loops (each: pages until a short one) started during the timed bursts. */
  agentPulls: number;
  /** Sustained only: how the sends were actually spread. */
  pace?: SustainedPace;
}

export interface SustainedPace {
  /** Messages sent / time from the round's start to its last POST start, summed over rounds. */
  msgPerSecond: number;
  /** POST start - its scheduled moment, ms: how late the client's own timers fired. */
  startLagMs: Summary;
}

/** Rounds per level so even one visitor yields a distribution; each round uses fresh visitors. */
export const ROUNDS: Record<number, number> = { 1: 30, 50: 4, 200: 2 };
const WARMUP_VISITORS = 5;
const TEXT = 'Olá, preciso de ajuda com o meu pedido, ele ainda não chegou.';

interface Samples {
  latency: number[];
  post: number[];
  pulls: number;
}

/** All visitors post at once; resolves with each message's latency once the agent has them all. */
async function burst(base: string, agent: AgentWatcher, visitors: Visitor[], into: Samples): Promise<void> {
  const ids = visitors.map(() => clientId('b'));
  const starts: number[] = [];
  const posted: number[] = [];
  const t0 = performance.now();
  const pullsBefore = agent.pulls;
  const posts = visitors.map((visitor, i) => {
    starts[i] = performance.now();
    return visitorSays(base, visitor, ids[i] ?? '', TEXT).then(() => {
      posted[i] = performance.now();
    });
  });
  await withTimeout(Promise.all(posts), WAIT_MS, `${visitors.length} visitor POSTs`);
  await agent.waitFor(ids, t0, WAIT_MS);
  into.pulls += agent.pulls - pullsBefore;
  ids.forEach((id, i) => {
    const start = starts[i] ?? Number.NaN;
    const pulled = agent.seenAt.get(id) ?? Number.NaN;
    const changed = agent.firstChangedAfter(start);
    if (changed === undefined) throw new Error(`no sync.changed after message ${id} was posted`);
    into.latency.push(Math.max(pulled, changed) - start);
    into.post.push((posted[i] ?? Number.NaN) - start);
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A few first and follow-up messages, awaited one by one, not recorded. */
async function warmUp(base: string, agent: AgentWatcher): Promise<void> {
  const warm: Samples = { latency: [], post: [], pulls: 0 };
  for (let i = 0; i < WARMUP_VISITORS; i++) {
    const visitor = await newVisitor(base);
    await burst(base, agent, [visitor], warm);
    await burst(base, agent, [visitor], warm);
  }
}

function createVisitors(base: string, count: number): Promise<Visitor[]> {
  // In parallel, which also warms the HTTP connection pool, and before any timing starts.
  return withTimeout(
    Promise.all(Array.from({ length: count }, () => newVisitor(base))),
    WAIT_MS, `creating ${count} visitors`,
  );
}

/** A fresh server and store with Ana watching as the agent, warmed up; both closed afterwards. */
async function onWatchedServer<T>(scenario: (server: { url: string }, agent: AgentWatcher) => Promise<T>): Promise<T> {
  const server = await startBenchServer();
  let agent: AgentWatcher | undefined;
  try {
    const ana = await login(server.url, 'ana@demo.local');
    agent = await AgentWatcher.start(server.url, ana.accessToken);
    await warmUp(server.url, agent);
    return await scenario(server, agent);
  } finally {
    agent?.close();
    await server.close();
  }
}

/** One concurrency level on its own fresh server and store. */
export async function measureLatency(concurrency: number): Promise<LatencyResult[]> {
  const rounds = ROUNDS[concurrency] ?? 1;
  return onWatchedServer(async (server, agent) => {
    const first: Samples = { latency: [], post: [], pulls: 0 };
    const followUp: Samples = { latency: [], post: [], pulls: 0 };
    for (let round = 0; round < rounds; round++) {
      const visitors = await createVisitors(server.url, concurrency);
      await pause(50);
      await burst(server.url, agent, visitors, first);
      await pause(50);
      await burst(server.url, agent, visitors, followUp);
      await pause(50);
    }
    const result = (message: LatencyResult['message'], s: Samples): LatencyResult => ({
      scenario: 'burst', concurrency, message, rounds, latencyMs: summarize(s.latency), postMs: summarize(s.post), agentPulls: s.pulls,
    });
    return [result('first', first), result('follow-up', followUp)];
  });
}

/**
 * Visitors typing at human speed: each sends its first message at a uniformly random moment of
 * `windowMs`, then `followUps` more, each `gapMs` ± `jitter` after the previous was due
 * (≈ visitors / gap s = 100 msg/s once all are talking).
 */
export const SUSTAINED = { visitors: 200, rounds: 2, windowMs: 2_000, followUps: 3, gapMs: 2_000, jitter: 0.2 } as const;

interface Sent {
  id: string;
  first: boolean;
  due: number;
  start: number;
  posted: number;
}

/**
 * One visitor's conversation. A widget sends in order, so a follow-up whose moment comes while
 * the previous POST is still out goes as soon as that POST is answered.
 */
async function converse(base: string, visitor: Visitor, firstAt: number): Promise<Sent[]> {
  const sent: Sent[] = [];
  let due = firstAt;
  for (let n = 0; n <= SUSTAINED.followUps; n++) {
    await pause(Math.max(0, due - performance.now()));
    const id = clientId('s');
    const start = performance.now();
    await visitorSays(base, visitor, id, TEXT);
    sent.push({ id, first: n === 0, due, start, posted: performance.now() });
    due += SUSTAINED.gapMs * (1 + SUSTAINED.jitter * (2 * Math.random() - 1));
  }
  return sent;
}

/** 200 visitors whose messages are spread out, on its own fresh server and store. */
export async function measureSustained(): Promise<LatencyResult[]> {
  const { visitors: count, rounds, windowMs } = SUSTAINED;
  return onWatchedServer(async (server, agent) => {
    const first: Samples = { latency: [], post: [], pulls: 0 };
    const followUp: Samples = { latency: [], post: [], pulls: 0 };
    const lag: number[] = [];
    let messages = 0;
    let sendingMs = 0;
    for (let round = 0; round < rounds; round++) {
      const visitors = await createVisitors(server.url, count);
      await pause(50);
      const pullsBefore = agent.pulls;
      const t0 = performance.now();
      const sessions = visitors.map((visitor) => converse(server.url, visitor, t0 + Math.random() * windowMs));
      const sent = (await withTimeout(Promise.all(sessions), WAIT_MS, `${count} sustained visitors`)).flat();
      const lastStart = Math.max(...sent.map((m) => m.start));
      // A sync.changed after the last POST started is after every POST started, so each has one.
      await agent.waitFor(sent.map((m) => m.id), lastStart, WAIT_MS);
      const pulls = agent.pulls - pullsBefore;
      first.pulls += pulls;
      followUp.pulls += pulls;
      for (const m of sent) {
        const into = m.first ? first : followUp;
        const pulled = agent.seenAt.get(m.id) ?? Number.NaN;
        const changed = agent.firstChangedAfter(m.start);
        if (changed === undefined) throw new Error(`no sync.changed after message ${m.id} was posted`);
        into.latency.push(Math.max(pulled, changed) - m.start);
        into.post.push(m.posted - m.start);
        lag.push(m.start - m.due);
      }
      messages += sent.length;
      sendingMs += lastStart - t0;
      await pause(50);
    }
    const pace: SustainedPace = {
      msgPerSecond: Math.round((messages / sendingMs) * 1000 * 10) / 10, startLagMs: summarize(lag),
    };
    const result = (message: LatencyResult['message'], s: Samples): LatencyResult => ({
      scenario: 'sustained', concurrency: count, message, rounds,
      latencyMs: summarize(s.latency), postMs: summarize(s.post), agentPulls: s.pulls, pace,
    });
    return [result('first', first), result('follow-up', followUp)];
  });
}
