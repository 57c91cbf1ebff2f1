import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ulid, type MessageDoc } from '@atende/protocol';
import { TokenSigner, randomToken } from '../sync-server/src/auth/tokens.js';
import type { StoredDoc } from '../sync-server/src/store/index.js';
import { toStored } from '../sync-server/src/store/wire.js';
import { withTimeout } from './client.js';
import { startBenchServer, type BenchServer } from './server.js';
import { summarize, table, type Summary } from './stats.js';
import { wallNow, type ClientCommand, type PosterReport, type SocketsReport } from './streamClients.js';

/**
 * Streamed changes at scale (issue 8 point 1, design C.5): 1,000 agent sockets (20 teams × 50
 * agents) and a few supervisors online; messages written at a target rate, through the store
 * and through HTTP webchat POSTs; for each message, the time until every eligible socket
 * (its team's agents + the supervisors) has received it in a `sync.docs` frame.
 *
 *   npx tsx bench/stream.ts          # prints the table
 *   import { measureStream } from './stream.js'   # from bench/run.ts (section `stream`)
 */

const rates = (name: string, fallback: number[]) => process.env[name]?.split(',').map(Number).filter((n) => n > 0) ?? fallback;

/** BENCH_STREAM_RATES, BENCH_STREAM_HTTP_RATES (comma-separated msg/s) and BENCH_STREAM_SECONDS override the plan. */
export const STREAM = {
  teams: 20, agentsPerTeam: 50, supervisors: 5,
  /** Child processes holding the sockets (the server keeps its own process and event loop). */
  clientProcesses: 2,
  storeRates: rates('BENCH_STREAM_RATES', [250, 500, 1000]),
  httpRates: rates('BENCH_STREAM_HTTP_RATES', [250, 500]),
  seconds: Number(process.env.BENCH_STREAM_SECONDS ?? 15),
  /** Visitors per webchat account in the HTTP run (one POST in flight each). */
  visitorsPerAccount: 10,
  /** After the last write, how long deliveries may still arrive before the run is judged. */
  drainMs: 10_000,
};

export interface StreamRun {
  mode: 'store' | 'http';
  targetRate: number;
  /** Messages written (store) or acknowledged (HTTP) and the rate achieved over the writing time. */
  written: number;
  achievedRate: number;
  /** Deliveries expected (message × eligible socket) and received. */
  expected: number;
  received: number;
  /** Per message: the last eligible socket's receipt − write start, ms. */
  allEligibleMs: Summary;
  /**
   * Per message: the store's commit stamp (`changedAt`, read from the earliest frame checkpoint
   * that carried it; a later stamp when that frame carried several documents) − write start, ms.
   * The rest of allEligibleMs is the stream's: feed, flush wait, sends, the client's loop.
   */
  stampMs: Summary;
  /** allEligibleMs of the messages written in each second of the run (is a bad tail one moment or throughout?). */
  perSecond: Array<{ second: number; messages: number; p50: number; p99: number; max: number }>;
  /** Per delivery (message × socket), ms. */
  deliveryP50: number;
  deliveryP99: number;
  serverCpuMsPerMessage: number;
  clientsCpuMs: number;
  /** Server event-loop delay during the run, ms. */
  loopDelayP99: number;
  frames: number;
  megabytes: number;
  socketsClosed: number;
  failedWrites: number;
  late?: number;
}

export interface StreamResult {
  /** 'stubbed' when BENCH_STREAM_NO_WARM=1 turned the store's index warmer off (diagnosis). */
  indexWarmer: 'on' | 'stubbed';
  sockets: number;
  supervisors: number;
  runs: StreamRun[];
  loadAverage: { before: number[]; after: number[] };
}

const CLIENT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'streamClients.ts');
const SECRET = randomToken(48);
const team = (t: number) => `team:bench-${String(t).padStart(2, '0')}`;
const conversationOf = (t: number) => `conversation:bench-${String(t).padStart(2, '0')}`;

/** Teams, agents, supervisors, their sessions and access tokens, one conversation and webchat account per team. */
async function seed(server: BenchServer): Promise<{ tokens: string[] }> {
  const now = Date.now();
  const signer = new TokenSigner(SECRET);
  const docs: StoredDoc[] = [];
  const tokens: string[] = [];
  const person = (id: string, role: 'agent' | 'supervisor', teamIds: string[]) => {
    docs.push({ _id: id, type: 'user', name: id, email: `${id.slice(5)}@bench.local`, role, teamIds, maxConcurrent: 5, createdAt: now, updatedAt: now });
    const sid = `session:${ulid()}`;
    docs.push({ _id: sid, type: 'session', userId: id, refreshHash: 'bench', createdAt: now, expiresAt: now + 86_400_000, revokedAt: null });
    tokens.push(signer.sign({ kind: 'access', sub: id, sid, exp: Math.floor(now / 1000) + 86_400 }));
  };
  const teams = Array.from({ length: STREAM.teams }, (_, t) => team(t));
  for (let t = 0; t < STREAM.teams; t++) {
    docs.push({ _id: team(t), type: 'team', name: `Bench ${t}`, createdAt: now, updatedAt: now });
    docs.push({ _id: `channel:bench-${t}`, type: 'channel', kind: 'webchat', name: `Bench ${t}`, entryTeamId: team(t) });
    docs.push({
      _id: conversationOf(t), type: 'conversation', createdAt: now, updatedAt: now, contactId: 'contact:maria', channel: 'webchat',
      channelAccountId: `channel:bench-${t}`, teamId: team(t), formerTeamIds: [], status: 'waiting', agentId: null, invitedAgentIds: [],
      protocol: `20260101-${String(t).padStart(6, '0')}`, startedBy: 'customer', waitingSince: now, takenAt: null, finishedAt: null,
      finishedBy: null, lastInboundAt: now, lastMessageAt: now, lastPreview: '', disposition: null, finishNote: '', tags: [],
      transfers: [], ticketLinks: [], channelMeta: {},
    });
    for (let a = 0; a < STREAM.agentsPerTeam; a++) person(`user:bench-${t}-${a}`, 'agent', [team(t)]);
  }
  for (let s = 0; s < STREAM.supervisors; s++) person(`user:bench-sup-${s}`, 'supervisor', teams);
  for (let from = 0; from < docs.length; from += 500) {
    const results = await server.store.bulkWrite(docs.slice(from, from + 500));
    if (results.some((r) => !r.ok)) throw new Error('stream bench: seed failed');
  }
  return { tokens };
}

class Child {
  readonly process: ChildProcess;
  private readonly waiting = new Map<string, { resolve: (m: Record<string, unknown>) => void; reject: (e: Error) => void }>();

  constructor() {
    this.process = fork(CLIENT, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.process.on('message', (message: Record<string, unknown>) => {
      const event = String(message.event);
      if (event !== 'error') return this.waiting.get(event)?.resolve(message);
      for (const w of this.waiting.values()) w.reject(new Error(`stream bench client: ${String(message.message)}`));
    });
  }

  ask<T>(command: ClientCommand, event: string, ms: number): Promise<T> {
    const answer = new Promise<T>((resolve, reject) => this.waiting.set(event, { resolve: (m) => resolve(m as T), reject }));
    this.process.send(command);
    return withTimeout(answer, ms, `stream bench client: ${command.cmd}`);
  }

  exit(): void {
    if (this.process.connected) this.process.send({ cmd: 'exit' } satisfies ClientCommand);
    setTimeout(() => this.process.kill(), 2000).unref();
  }
}

function messageDoc(t: number, sentAt: number): StoredDoc {
  const message: MessageDoc = {
    id: `message:${ulid()}`, type: 'message', createdAt: Date.now(), updatedAt: Date.now(), conversationId: conversationOf(t),
    teamId: team(t), formerTeamIds: [], direction: 'in', authorId: 'contact:maria', authorName: 'Maria Oliveira', kind: 'text',
    text: `bench ${sentAt.toFixed(2)} Boa tarde, meu pedido ainda não chegou.`, attachments: [], visibility: 'public',
    status: 'delivered', error: null, externalId: null, payload: {},
  };
  return toStored(message);
}

/** Writes `rate` msg/s for `seconds` straight through the server's store (group commit and all), teams in turn. */
async function writeThroughStore(server: BenchServer, rate: number, seconds: number): Promise<{ written: number; failed: number; ms: number }> {
  const total = Math.round(rate * seconds);
  const writes = new Set<Promise<void>>();
  let written = 0;
  let failed = 0;
  const started = performance.now();
  while (written < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
    for (; written < due; written++) {
      const write = server.store.bulkWrite([messageDoc(written % STREAM.teams, wallNow())])
        .then((r) => void (r[0]?.ok ? undefined : (failed += 1)), () => void (failed += 1))
        .finally(() => writes.delete(write));
      writes.add(write);
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await Promise.all(writes);
  return { written, failed, ms: performance.now() - started };
}

async function judge(
  mode: StreamRun['mode'], targetRate: number, children: Child[], written: { written: number; failed: number; ms: number; late?: number },
  cpuMs: number, loopDelayP99: number,
): Promise<StreamRun> {
  const reports = await Promise.all(children.map((c) => c.ask<SocketsReport>({ cmd: 'report' }, 'report', 60_000)));
  const perMessage = new Map<string, { count: number; max: number; stamp: number; sentAt: number }>();
  const histogram = new Array<number>(reports[0]?.histogram.length ?? 0).fill(0);
  for (const report of reports) {
    for (const [id, , count, max, stamp, sentAt] of report.messages) {
      const m = perMessage.get(id) ?? { count: 0, max: 0, stamp: Number.POSITIVE_INFINITY, sentAt };
      perMessage.set(id, { count: m.count + count, max: Math.max(m.max, max), stamp: Math.min(m.stamp, stamp), sentAt });
    }
    report.histogram.forEach((n, i) => (histogram[i] = (histogram[i] ?? 0) + n));
  }
  const eligible = STREAM.agentsPerTeam + STREAM.supervisors;
  const received = [...perMessage.values()].reduce((sum, m) => sum + m.count, 0);
  const complete = [...perMessage.values()].filter((m) => m.count >= eligible).map((m) => m.max);
  const deliveryAt = (q: number) => {
    let seen = 0;
    for (let i = 0; i < histogram.length; i++) if ((seen += histogram[i] ?? 0) >= q * received) return i + 1;
    return Number.NaN;
  };
  const frames = reports.reduce((s, r) => s + r.frames, 0);
  return {
    mode, targetRate, written: written.written, achievedRate: Math.round((written.written / written.ms) * 1000),
    expected: written.written * eligible, received,
    // A message that missed a socket counts as never delivered (its latency is infinite).
    allEligibleMs: summarize([...complete, ...new Array<number>(written.written - complete.length).fill(Number.POSITIVE_INFINITY)]),
    stampMs: summarize([...perMessage.values()].map((m) => m.stamp)),
    perSecond: bySecond([...perMessage.values()]),
    deliveryP50: deliveryAt(0.5), deliveryP99: deliveryAt(0.99),
    serverCpuMsPerMessage: Math.round((cpuMs / Math.max(1, written.written)) * 1000) / 1000,
    clientsCpuMs: reports.reduce((s, r) => s + r.cpuMs, 0), loopDelayP99,
    frames, megabytes: Math.round(reports.reduce((s, r) => s + r.bytes, 0) / 2 ** 20), socketsClosed: reports.reduce((s, r) => s + r.closed, 0),
    failedWrites: written.failed, ...(written.late !== undefined ? { late: written.late } : {}),
  };
}

function bySecond(messages: Array<{ max: number; sentAt: number }>): StreamRun['perSecond'] {
  const first = Math.min(...messages.map((m) => m.sentAt));
  const seconds = new Map<number, number[]>();
  for (const m of messages) {
    const second = Math.floor((m.sentAt - first) / 1000);
    const values = seconds.get(second) ?? [];
    values.push(m.max);
    seconds.set(second, values);
  }
  return [...seconds].sort(([a], [b]) => a - b).map(([second, values]) => {
    const s = summarize(values);
    return { second, messages: s.count, p50: s.p50, p99: s.p99, max: s.max };
  });
}

/** Waits until every eligible socket has every message, or `drainMs` passed. */
async function drain(children: Child[], messages: number): Promise<void> {
  const expected = messages * (STREAM.agentsPerTeam + STREAM.supervisors);
  const until = performance.now() + STREAM.drainMs;
  while (performance.now() < until) {
    const reports = await Promise.all(children.map((c) => c.ask<SocketsReport>({ cmd: 'report' }, 'report', 60_000)));
    if (reports.reduce((s, r) => s + r.messages.reduce((n, m) => n + m[2], 0), 0) >= expected) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function timed<T extends { written: number }>(children: Child[], work: () => Promise<T>): Promise<[T, number, number]> {
  await Promise.all(children.map((c) => c.ask({ cmd: 'reset' }, 'reset', 10_000)));
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpu = process.cpuUsage();
  const result = await work();
  await drain(children, result.written);
  const used = process.cpuUsage(cpu);
  loop.disable();
  return [result, (used.user + used.system) / 1000, Math.round(loop.percentile(99) / 1e4) / 100];
}

export async function measureStream(progress: (step: string) => void = () => {}): Promise<StreamResult> {
  const loadBefore = os.loadavg();
  const server = await startBenchServer({ ATENDE_SECRET: SECRET });
  // Diagnosis only (BENCH_STREAM_NO_WARM=1): the index warmer's rebuilds during the writes turned off.
  const indexWarmer = process.env.BENCH_STREAM_NO_WARM === '1' ? 'stubbed' : 'on';
  if (indexWarmer === 'stubbed') server.store.warmIndexes = () => Promise.resolve();
  const children = Array.from({ length: STREAM.clientProcesses }, () => new Child());
  try {
    const { tokens } = await seed(server);
    progress(`${tokens.length} sockets`);
    const shares = children.map((_, c) => tokens.filter((_t, i) => i % children.length === c));
    const ready = await Promise.all(children.map((child, c) =>
      child.ask<{ opened: number; failed: number }>({ cmd: 'open', url: server.url, tokens: shares[c] ?? [], concurrency: 25 }, 'ready', 5 * 60_000)));
    const opened = ready.reduce((s, r) => s + r.opened, 0);
    if (opened !== tokens.length) throw new Error(`stream bench: ${opened} of ${tokens.length} sockets opened`);
    await timed(children, () => writeThroughStore(server, 50, 2)); // warm-up, not recorded
    const runs: StreamRun[] = [];
    for (const rate of STREAM.storeRates) {
      progress(`store ${rate} msg/s`);
      const [w, cpu, loop] = await timed(children, () => writeThroughStore(server, rate, STREAM.seconds));
      runs.push(await judge('store', rate, children, w, cpu, loop));
    }
    const poster = new Child();
    try {
      const accounts = Array.from({ length: STREAM.teams }, (_, t) => `bench-${t}`);
      if (STREAM.httpRates.length > 0) {
        await poster.ask({ cmd: 'prepare', url: server.url, accounts, visitorsPerAccount: STREAM.visitorsPerAccount }, 'prepared', 5 * 60_000);
      }
      for (const rate of STREAM.httpRates) {
        progress(`HTTP ${rate} msg/s`);
        const [posted, cpu, loop] = await timed(children, async () => {
          const r = await poster.ask<PosterReport>({ cmd: 'post', url: server.url, rate, seconds: STREAM.seconds }, 'posted', 10 * 60_000);
          return { written: r.sent - r.failed, failed: r.failed, ms: r.ms, late: r.late };
        });
        runs.push(await judge('http', rate, children, posted, cpu, loop));
      }
    } finally {
      poster.exit();
    }
    return { indexWarmer, sockets: tokens.length, supervisors: STREAM.supervisors, runs, loadAverage: { before: loadBefore, after: os.loadavg() } };
  } finally {
    for (const child of children) child.exit();
    await server.close();
  }
}

export function streamTable(result: StreamResult): string {
  return table(
    ['write path', 'target msg/s', 'achieved', 'messages', 'delivered %', 'all-eligible p50', 'p99', 'max', 'stamp p50', 'stamp p99', 'delivery p99',
      'server CPU ms/msg', 'clients CPU s', 'loop delay p99', 'frames', 'MiB', 'closed'],
    result.runs.map((r) => [
      r.mode, r.targetRate, r.achievedRate, r.written, Math.round((r.received / Math.max(1, r.expected)) * 10_000) / 100,
      r.allEligibleMs.p50, r.allEligibleMs.p99, r.allEligibleMs.max, r.stampMs.p50, r.stampMs.p99, r.deliveryP99, r.serverCpuMsPerMessage, Math.round(r.clientsCpuMs / 100) / 10, r.loopDelayP99,
      r.frames, r.megabytes, r.socketsClosed,
    ]),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await measureStream((step) => process.stdout.write(`${step}… `));
  console.log(`\nStream: ${result.sockets} sockets (${STREAM.teams} teams × ${STREAM.agentsPerTeam} agents + ${STREAM.supervisors} supervisors)`);
  console.log(streamTable(result));
  console.log(`load average before ${result.loadAverage.before.map((l) => l.toFixed(2)).join(' ')}, after ${result.loadAverage.after.map((l) => l.toFixed(2)).join(' ')}`);
  process.exit(0);
}
