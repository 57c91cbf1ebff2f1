import { performance } from 'node:perf_hooks';
import { AgentWatcher } from './agent.js';
import { clientId, login, newVisitor, visitorSays, withTimeout, type Visitor } from './client.js';
import { startBenchServer } from './server.js';
import { summarize, type Summary } from './stats.js';

/** How long any one wait may take before the benchmark fails loudly. */
export const WAIT_MS = 60_000;

export interface LatencyResult {
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

/** One concurrency level on its own fresh server and store. */
export async function measureLatency(concurrency: number): Promise<LatencyResult[]> {
  const rounds = ROUNDS[concurrency] ?? 1;
  const server = await startBenchServer();
  let agent: AgentWatcher | undefined;
  try {
    const ana = await login(server.url, 'ana@demo.local');
    agent = await AgentWatcher.start(server.url, ana.accessToken);
    // Warm-up: a few first and follow-up messages, awaited one by one, not recorded.
    const warm: Samples = { latency: [], post: [], pulls: 0 };
    for (let i = 0; i < WARMUP_VISITORS; i++) {
      const visitor = await newVisitor(server.url);
      await burst(server.url, agent, [visitor], warm);
      await burst(server.url, agent, [visitor], warm);
    }
    const first: Samples = { latency: [], post: [], pulls: 0 };
    const followUp: Samples = { latency: [], post: [], pulls: 0 };
    for (let round = 0; round < rounds; round++) {
      // Visitors are created (in parallel, which also warms the HTTP connection pool) before timing.
      const visitors = await withTimeout(
        Promise.all(Array.from({ length: concurrency }, () => newVisitor(server.url))),
        WAIT_MS, `creating ${concurrency} visitors`,
      );
      await pause(50);
      await burst(server.url, agent, visitors, first);
      await pause(50);
      await burst(server.url, agent, visitors, followUp);
      await pause(50);
    }
    const result = (message: LatencyResult['message'], s: Samples): LatencyResult => ({
      concurrency, message, rounds, latencyMs: summarize(s.latency), postMs: summarize(s.post), agentPulls: s.pulls,
    });
    return [result('first', first), result('follow-up', followUp)];
  } finally {
    agent?.close();
    await server.close();
  }
}
