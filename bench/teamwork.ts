import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dmRoomId, teamRoomId, ulid } from '@atende/protocol';
import { TokenSigner, randomToken } from '../sync-server/src/auth/tokens.js';
import type { StoredDoc } from '../sync-server/src/store/index.js';
import { withTimeout } from './client.js';
import { closeAll, startBenchServer, type BenchServer } from './server.js';
import { percentile, table } from './stats.js';
import type { BenchAgent, ChatSend, ClaimsReport, PhaseReport, TeamworkCommand, View } from './teamworkClients.js';

/**
 * Working as a team at scale (issue 13): several hundred agent sockets in a few teams on one
 * server over the embedded store, and for each teamwork feature the time until it reaches the
 * sockets that should have it — and that it reaches no other:
 * 1. internal chat team rooms (R-WS-12): POST /api/chat/messages → every team member's socket
 *    has the message in a `sync.docs` frame; no other team's socket gets it;
 * 2. one-to-one chat between random colleagues → the recipient's socket; no third socket;
 * 3. collisions (R-WS-17): `viewing` frames → the other team members get `collision`; no other team;
 * 4. capacity (R-WS-07): parallel claims by one agent → exactly its maximum win, round after round.
 *
 *   BENCH_TEAMWORK_AGENTS=30 npx tsx bench/teamwork.ts     # small scale; or `npm run bench -- teamwork`
 */

const num = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

/** Every figure can be set through BENCH_TEAMWORK_<NAME> (e.g. BENCH_TEAMWORK_AGENTS=30). */
export const TEAMWORK = {
  agents: num('BENCH_TEAMWORK_AGENTS', 300),
  teams: num('BENCH_TEAMWORK_TEAMS', 3),
  /** Team-room messages in all (teams in turn) and agents per team who send them in turn. */
  messages: num('BENCH_TEAMWORK_MESSAGES', 150),
  senders: num('BENCH_TEAMWORK_SENDERS', 10),
  dms: num('BENCH_TEAMWORK_DMS', 150),
  /** Chat POSTs per second (team rooms and one-to-one alike). */
  rate: num('BENCH_TEAMWORK_RATE', 10),
  viewers: num('BENCH_TEAMWORK_VIEWERS', 30),
  /** Conversations per team, and how many of them each viewer opens (one after another). */
  conversations: num('BENCH_TEAMWORK_CONVERSATIONS', 5),
  views: num('BENCH_TEAMWORK_VIEWS', 3),
  viewRate: num('BENCH_TEAMWORK_VIEW_RATE', 20),
  claims: num('BENCH_TEAMWORK_CLAIMS', 20),
  maxConcurrent: num('BENCH_TEAMWORK_MAX', 5),
  rounds: num('BENCH_TEAMWORK_ROUNDS', 10),
  drainMs: num('BENCH_TEAMWORK_DRAIN_MS', 10_000),
  limitMs: num('BENCH_TEAMWORK_LIMIT_MS', 10 * 60_000),
};

/** The chat allows 20 messages per user in 20 s (rateLimit.ts); the plan keeps every user under it for the whole run. */
const PER_USER_CHAT = 19;

export interface LatencySummary { count: number; p50: number; p95: number; p99: number; max: number }

export interface TeamworkPhase extends Omit<PhaseReport, 'event' | 'latencies'> {
  sent: number;
  /** Per send/view: the last expected socket's receipt − send start, ms; one that missed a socket counts as infinite. */
  latencyMs: LatencySummary;
}

export interface TeamworkResult {
  agents: number;
  teams: number;
  connectMs: number;
  teamRoom: TeamworkPhase;
  dms: TeamworkPhase;
  collisions: TeamworkPhase;
  capacity: { claims: number; maxConcurrent: number; rounds: number; exact: number; accepted: number[]; statuses: Record<string, number>; claimMs: LatencySummary };
  loadAverage: { before: number[]; after: number[] };
}

const CLIENT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'teamworkClients.ts');
const SECRET = randomToken(48);
const team = (t: number) => `team:tw-${t}`;
const r2 = (n: number) => Math.round(n * 100) / 100;

export function summarize95(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => r2(percentile(sorted, q));
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: r2(sorted.at(-1) ?? Number.NaN) };
}

/** Deterministic choices (mulberry32), so two runs draw the same pairs. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

interface Seeded {
  agents: BenchAgent[];
  /** Agent indices per team. */
  members: number[][];
  viewConversations: string[][];
  claimRounds: string[][];
}

/** Teams that allow the chat, agents with sessions and signed tokens (no password hashes), waiting conversations. */
async function seed(server: BenchServer): Promise<Seeded> {
  const now = Date.now();
  const signer = new TokenSigner(SECRET);
  const docs: StoredDoc[] = [];
  const conversation = (id: string, t: number) => docs.push({
    _id: id, type: 'conversation', createdAt: now, updatedAt: now, contactId: 'contact:maria', channel: 'webchat',
    channelAccountId: `channel:tw-${t}`, teamId: team(t), formerTeamIds: [], status: 'waiting', agentId: null, invitedAgentIds: [],
    protocol: `20260101-${String(docs.length).padStart(6, '0')}`, startedBy: 'customer', waitingSince: now, takenAt: null, finishedAt: null,
    finishedBy: null, lastInboundAt: now, lastMessageAt: now, lastPreview: '', disposition: null, finishNote: '', tags: [],
    transfers: [], ticketLinks: [], channelMeta: {},
  });
  const seeded: Seeded = { agents: [], members: [], viewConversations: [], claimRounds: [] };
  for (let t = 0; t < TEAMWORK.teams; t++) {
    docs.push({ _id: team(t), type: 'team', name: `Equipe ${t}`, dispositionRequired: false, internalChat: true, createdAt: now, updatedAt: now });
    docs.push({ _id: `channel:tw-${t}`, type: 'channel', kind: 'webchat', name: `Equipe ${t}`, entryTeamId: team(t) });
    seeded.members.push([]);
    seeded.viewConversations.push(Array.from({ length: TEAMWORK.conversations }, (_, c) => `conversation:tw-${t}-v${c}`));
    for (const id of seeded.viewConversations[t] ?? []) conversation(id, t);
  }
  for (let i = 0; i < TEAMWORK.agents; i++) {
    const t = i % TEAMWORK.teams;
    const id = `user:tw-${t}-${Math.floor(i / TEAMWORK.teams)}`;
    docs.push({
      _id: id, type: 'user', name: `Agente ${t}.${Math.floor(i / TEAMWORK.teams)}`, email: `${id.slice(5)}@bench.local`, role: 'agent',
      teamIds: [team(t)], maxConcurrent: TEAMWORK.maxConcurrent, createdAt: now, updatedAt: now,
    });
    const sid = `session:${ulid()}`;
    docs.push({ _id: sid, type: 'session', userId: id, refreshHash: 'bench', createdAt: now, expiresAt: now + 86_400_000, revokedAt: null });
    seeded.agents.push({ id, teamId: team(t), token: signer.sign({ kind: 'access', sub: id, sid, exp: Math.floor(now / 1000) + 86_400 }) });
    seeded.members[t]?.push(i);
  }
  // The claimer is team 0's first agent: a fresh set of waiting conversations of that team per round.
  for (let r = 0; r < TEAMWORK.rounds; r++) {
    seeded.claimRounds.push(Array.from({ length: TEAMWORK.claims }, (_, c) => `conversation:tw-0-r${r}-${c}`));
    for (const id of seeded.claimRounds[r] ?? []) conversation(id, 0);
  }
  for (let from = 0; from < docs.length; from += 500) {
    const results = await server.store.bulkWrite(docs.slice(from, from + 500));
    if (results.some((r) => !r.ok)) throw new Error('teamwork bench: seed failed');
  }
  return seeded;
}

/** Team rooms in turn, each room's messages by its first senders in turn; then random pairs of colleagues, under the chat limit. */
function plan(s: Seeded): { rooms: ChatSend[]; dms: ChatSend[]; views: View[] } {
  const used = new Map<number, number>();
  const use = (agent: number) => used.set(agent, (used.get(agent) ?? 0) + 1);
  const rooms: ChatSend[] = [];
  for (let i = 0; i < TEAMWORK.messages; i++) {
    const t = i % TEAMWORK.teams;
    const members = s.members[t] ?? [];
    const senders = Math.min(members.length, Math.max(TEAMWORK.senders, Math.ceil(TEAMWORK.messages / TEAMWORK.teams / PER_USER_CHAT)));
    const from = members[Math.floor(i / TEAMWORK.teams) % senders];
    if (from === undefined) throw new Error(`teamwork bench: team ${t} has no agents`);
    if ((used.get(from) ?? 0) >= PER_USER_CHAT) throw new Error('teamwork bench: too many team-room messages for the agents (chat limit)');
    use(from);
    rooms.push({ from, room: teamRoomId(team(t)) });
  }
  const draw = random(13);
  const pick = <T>(list: readonly T[]): T | undefined => list[Math.floor(draw() * list.length)];
  const dms: ChatSend[] = [];
  for (let i = 0, tries = 0; i < TEAMWORK.dms; tries++) {
    if (tries > 100 * TEAMWORK.dms) throw new Error('teamwork bench: no pairs left under the chat limit; fewer DMs or more agents');
    const members = pick(s.members) ?? [];
    const [from, to] = [pick(members), pick(members)];
    if (from === undefined || to === undefined || from === to || (used.get(from) ?? 0) >= PER_USER_CHAT) continue;
    const [a, b] = [s.agents[from], s.agents[to]];
    if (!a || !b) continue;
    use(from);
    dms.push({ from, to, room: dmRoomId(a.id, b.id) });
    i++;
  }
  // Viewers spread over the teams; each opens its team's conversations one after another, viewers in turn.
  const views: View[] = [];
  for (let v = 0; v < TEAMWORK.views; v++) {
    for (let k = 0; k < TEAMWORK.viewers; k++) {
      const t = k % TEAMWORK.teams;
      const from = s.members[t]?.[Math.floor(k / TEAMWORK.teams)];
      const conversations = s.viewConversations[t] ?? [];
      const conversationId = conversations[(k + v) % conversations.length];
      if (from !== undefined && conversationId) views.push({ from, conversationId });
    }
  }
  return { rooms, dms, views };
}

class Client {
  private readonly child: ChildProcess;
  private waiting: { event: string; resolve: (m: Record<string, unknown>) => void; reject: (e: Error) => void } | undefined;

  constructor() {
    this.child = fork(CLIENT, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (message: Record<string, unknown>) => {
      const waiting = this.waiting;
      if (message.event === 'error') waiting?.reject(new Error(`teamwork client: ${String(message.message)}`));
      else if (waiting && message.event === waiting.event) waiting.resolve(message);
    });
    this.child.once('exit', (code) => this.waiting?.reject(new Error(`teamwork client exited (${code})`)));
  }

  /** One command at a time: the answer is the next message naming `event`. */
  ask<T>(command: TeamworkCommand, event: string, ms: number): Promise<T> {
    const answer = new Promise<T>((resolve, reject) => (this.waiting = { event, resolve: (m) => resolve(m as T), reject }));
    this.child.send(command);
    return withTimeout(answer, ms, `teamwork client: ${command.cmd}`);
  }

  exit(): void {
    if (this.child.connected) this.child.send({ cmd: 'exit' } satisfies TeamworkCommand);
    setTimeout(() => this.child.kill(), 2000).unref();
  }
}

function phase(sent: number, report: PhaseReport): TeamworkPhase {
  const { event: _event, latencies, ...rest } = report;
  return { sent, ...rest, latencyMs: summarize95([...latencies, ...new Array<number>(report.incomplete).fill(Number.POSITIVE_INFINITY)]) };
}

async function run(progress: (step: string) => void): Promise<TeamworkResult> {
  const loadBefore = os.loadavg();
  const server = await startBenchServer({ ATENDE_SECRET: SECRET });
  const client = new Client();
  try {
    const seeded = await seed(server);
    const { rooms, dms, views } = plan(seeded);
    progress(`${seeded.agents.length} sockets`);
    const connectFrom = Date.now();
    const ready = await client.ask<{ opened: number; failed: number }>(
      { cmd: 'open', url: server.url, agents: seeded.agents, concurrency: 25, limitMs: TEAMWORK.limitMs }, 'ready', 5 * 60_000);
    if (ready.opened !== seeded.agents.length) throw new Error(`teamwork bench: ${ready.opened} of ${seeded.agents.length} sockets opened`);
    const connectMs = Date.now() - connectFrom;
    const chatMs = (n: number) => (n / TEAMWORK.rate) * 1000 + TEAMWORK.drainMs + 120_000;
    progress('team rooms');
    const teamRoom = await client.ask<PhaseReport>({ cmd: 'chat', url: server.url, sends: rooms, rate: TEAMWORK.rate, drainMs: TEAMWORK.drainMs }, 'chat', chatMs(rooms.length));
    progress('one-to-one');
    const direct = await client.ask<PhaseReport>({ cmd: 'chat', url: server.url, sends: dms, rate: TEAMWORK.rate, drainMs: TEAMWORK.drainMs }, 'chat', chatMs(dms.length));
    progress('collisions');
    const conversationTeams = Object.fromEntries(seeded.viewConversations.flatMap((ids, t) => ids.map((id) => [id, team(t)])));
    const viewing = await client.ask<PhaseReport>(
      { cmd: 'viewing', views, conversationTeams, rate: TEAMWORK.viewRate, drainMs: TEAMWORK.drainMs }, 'viewing', chatMs(views.length));
    progress('claims');
    const claimer = seeded.agents[seeded.members[0]?.[0] ?? 0];
    if (!claimer) throw new Error('teamwork bench: no claimer');
    const claims = await client.ask<ClaimsReport>({ cmd: 'claims', url: server.url, token: claimer.token, rounds: seeded.claimRounds }, 'claims', 5 * 60_000);
    const statuses: Record<string, number> = {};
    for (const round of claims.rounds) for (const [status, n] of Object.entries(round.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
    return {
      agents: seeded.agents.length, teams: TEAMWORK.teams, connectMs,
      teamRoom: phase(rooms.length, teamRoom), dms: phase(dms.length, direct), collisions: phase(views.length, viewing),
      capacity: {
        claims: TEAMWORK.claims, maxConcurrent: TEAMWORK.maxConcurrent, rounds: claims.rounds.length,
        exact: claims.rounds.filter((r) => r.accepted === TEAMWORK.maxConcurrent && r.finished === r.accepted).length,
        accepted: claims.rounds.map((r) => r.accepted), statuses, claimMs: summarize95(claims.claimMs),
      },
      loadAverage: { before: loadBefore, after: os.loadavg() },
    };
  } finally {
    client.exit();
    await server.close();
  }
}

/** The whole section, bounded by BENCH_TEAMWORK_LIMIT_MS (the client process also stops itself then). */
export function measureTeamwork(progress: (step: string) => void = () => {}): Promise<TeamworkResult> {
  return withTimeout(run(progress), TEAMWORK.limitMs, 'teamwork bench');
}

export function teamworkTable(r: TeamworkResult): string {
  const row = (name: string, p: TeamworkPhase) => [
    name, p.sent, p.accepted, `${p.delivered}/${p.expected}`, p.incomplete, p.latencyMs.p50, p.latencyMs.p95, p.latencyMs.p99, p.latencyMs.max,
    p.leaks, p.selfFrames, Object.entries(p.refused).map(([s, n]) => `${n}×${s}`).join(' ') || '0', p.errorFrames,
  ];
  const c = r.capacity;
  return table(
    ['feature', 'sent', 'accepted', 'delivered', 'incomplete', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'leaks', 'self', 'refused', 'error frames'],
    [row('team room → every member', r.teamRoom), row('one-to-one → recipient', r.dms), row('viewing → team collision', r.collisions)],
  ) + `\ncapacity: ${c.claims} parallel claims by one agent (max ${c.maxConcurrent}) × ${c.rounds} rounds: exactly ${c.maxConcurrent} ` +
    `won in ${c.exact}/${c.rounds} rounds (won per round ${c.accepted.join(',')}; statuses ${JSON.stringify(c.statuses)}); ` +
    `claim p50 ${c.claimMs.p50} / p99 ${c.claimMs.p99} / max ${c.claimMs.max} ms`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const result = await measureTeamwork((step) => process.stdout.write(`${step}… `));
    console.log(`\nTeamwork: ${result.agents} agent sockets in ${result.teams} teams (connected in ${result.connectMs} ms)`);
    console.log(teamworkTable(result));
    console.log(`load average before ${result.loadAverage.before.map((l) => l.toFixed(2)).join(' ')}, after ${result.loadAverage.after.map((l) => l.toFixed(2)).join(' ')}`);
    process.exit(0);
  } catch (error) {
    console.error('\nteamwork bench failed:', error);
    await closeAll();
    process.exit(1);
  }
}
