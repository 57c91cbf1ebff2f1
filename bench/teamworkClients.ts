import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { chatMessageId } from '@atende/protocol';
import { call, clientId } from './client.js';

/**
 * The client side of the teamwork benchmark (`teamwork.ts`), in a child process so the agents'
 * sockets (parsing every frame of several hundred sockets) do not share the server's event loop.
 * It holds one socket per agent, sends the chat POSTs, `viewing` frames and claims itself, and
 * records when each chat message and collision frame first reaches each socket: sends and
 * receipts are on one clock (this process's performance.now()). Driven over IPC; every wait is
 * bounded here or in the parent, and the process exits when the parent goes away or at `limitMs`.
 */

export interface BenchAgent {
  id: string;
  teamId: string;
  token: string;
}

/** A chat POST: by agent `from` (index) into `room`; `to` is the recipient's index of a one-to-one room. */
export interface ChatSend {
  from: number;
  room: string;
  to?: number;
}

export interface View {
  from: number;
  conversationId: string;
}

export type TeamworkCommand =
  | { cmd: 'open'; url: string; agents: BenchAgent[]; concurrency: number; limitMs: number }
  | { cmd: 'chat'; url: string; sends: ChatSend[]; rate: number; drainMs: number }
  | { cmd: 'viewing'; views: View[]; conversationTeams: Record<string, string>; rate: number; drainMs: number }
  | { cmd: 'claims'; url: string; token: string; rounds: string[][] }
  | { cmd: 'exit' };

/** Per send or view: the outcome, for the parent to summarize. */
export interface PhaseReport {
  event: 'chat' | 'viewing';
  /** Accepted sends (201) / views sent. */
  accepted: number;
  /** Refused sends by HTTP status ('429': the per-user chat limit). */
  refused: Record<string, number>;
  /** Per accepted send: the last expected socket's receipt − send start (ms); missing ones are not here. */
  latencies: number[];
  /** Accepted sends that missed at least one expected socket within the drain. */
  incomplete: number;
  expected: number;
  delivered: number;
  /** Receipts by sockets that must not get it (another team's, a third user's DM). */
  leaks: number;
  /** `collision` frames about a user reaching that user's own socket (must be 0). */
  selfFrames: number;
  /** `error` frames sockets received during the phase. */
  errorFrames: number;
  ms: number;
}

export interface ClaimsReport {
  event: 'claims';
  rounds: Array<{ accepted: number; statuses: Record<string, number>; finished: number }>;
  claimMs: number[];
}

interface Held {
  agent: BenchAgent;
  ws: WebSocket;
  /** Chat message id → first receipt. */
  messages: Map<string, number>;
  /** `${userId}|${conversationId}` → first receipt of a viewing/typing collision frame. */
  collisions: Map<string, number>;
  /** Collision frames per conversation (any state), for the other-team check. */
  collisionConversations: Map<string, number>;
  errors: number;
}

const send = (message: unknown) => process.send?.(message);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The sockets by the agent's index in the `open` command. */
const sockets = new Map<number, Held>();
const all = () => [...sockets.values()];
let closed = 0;

function connect(url: string, agent: BenchAgent): Promise<Held> {
  const ws = new WebSocket(url.replace(/^http/, 'ws') + '/ws', { perMessageDeflate: false });
  const socket: Held = { agent, ws, messages: new Map(), collisions: new Map(), collisionConversations: new Map(), errors: 0 };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no welcome')), 60_000);
    ws.on('message', (data: Buffer) => {
      const at = performance.now();
      const text = data.toString();
      // Only the frames measured are decoded: presence, conversations and pings are not.
      if (text.startsWith('{"type":"sync.docs","collection":"messages"')) {
        const frame = JSON.parse(text) as { documents: Array<{ id?: unknown; direction?: unknown }> };
        for (const doc of frame.documents) {
          if (doc.direction === 'internal' && !socket.messages.has(String(doc.id))) socket.messages.set(String(doc.id), at);
        }
      } else if (text.startsWith('{"type":"collision"')) {
        const frame = JSON.parse(text) as { conversationId: string; userId: string; state: string };
        const seen = socket.collisionConversations.get(frame.conversationId) ?? 0;
        socket.collisionConversations.set(frame.conversationId, seen + 1);
        const key = `${frame.userId}|${frame.conversationId}`;
        if ((frame.state === 'viewing' || frame.state === 'typing') && !socket.collisions.has(key)) socket.collisions.set(key, at);
      } else if (text.startsWith('{"type":"ping"')) {
        ws.send('{"type":"pong"}');
      } else if (text.startsWith('{"type":"welcome"')) {
        clearTimeout(timer);
        resolve(socket);
      } else if (text.startsWith('{"type":"error"')) {
        socket.errors += 1;
      }
    });
    ws.once('close', () => {
      closed += 1;
      clearTimeout(timer);
      reject(new Error('closed before welcome'));
    });
    ws.once('error', () => undefined);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', token: agent.token })));
  });
}

async function open(command: Extract<TeamworkCommand, { cmd: 'open' }>): Promise<{ event: 'ready'; opened: number; failed: number; closed: number }> {
  setTimeout(() => process.exit(2), command.limitMs).unref(); // the overall bound, whatever the parent does
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < command.agents.length) {
      const index = next++;
      const agent = command.agents[index];
      if (!agent) continue;
      try {
        sockets.set(index, await connect(command.url, agent));
      } catch {
        failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: command.concurrency }, worker));
  return { event: 'ready', opened: sockets.size, failed, closed };
}

/** Runs `count` actions at `rate` per second (never faster), keeping the promises they start. */
async function paced(count: number, rate: number, action: (i: number) => Promise<void> | void): Promise<void> {
  const started = performance.now();
  const running: Array<Promise<void> | void> = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    running.push(action(i));
  }
  await Promise.all(running);
}

interface Expectation {
  key: string;
  start: number;
  expected: Held[];
  /** Sockets that may get it without being expected (the author's own). */
  allowed: Set<Held>;
}

/** Waits until every expectation is met or `drainMs` passed, then judges deliveries and leaks. */
async function judge(
  event: PhaseReport['event'], expectations: Expectation[], pick: (s: Held) => Map<string, number>, drainMs: number,
  extra: { refused: Record<string, number>; selfFrames: number; leaks: number; errorsBefore: number; started: number },
): Promise<PhaseReport> {
  const met = (e: Expectation) => e.expected.every((s) => pick(s).has(e.key));
  const until = performance.now() + drainMs;
  while (performance.now() < until && !expectations.every(met)) await sleep(50);
  const latencies: number[] = [];
  let incomplete = 0;
  let expected = 0;
  let delivered = 0;
  let leaks = extra.leaks;
  for (const e of expectations) {
    const times = e.expected.map((s) => pick(s).get(e.key));
    expected += times.length;
    delivered += times.filter((t) => t !== undefined).length;
    if (times.every((t) => t !== undefined)) latencies.push(Math.max(e.start, ...(times as number[])) - e.start);
    else incomplete += 1;
    const expectedSet = new Set(e.expected);
    for (const s of all()) if (!expectedSet.has(s) && !e.allowed.has(s) && pick(s).has(e.key)) leaks += 1;
  }
  const errorFrames = all().reduce((n, s) => n + s.errors, 0) - extra.errorsBefore;
  return {
    event, accepted: expectations.length, refused: extra.refused, latencies, incomplete, expected, delivered, leaks,
    selfFrames: extra.selfFrames, errorFrames, ms: Math.round(performance.now() - extra.started),
  };
}

const errorCount = () => all().reduce((n, s) => n + s.errors, 0);

async function chat(command: Extract<TeamworkCommand, { cmd: 'chat' }>): Promise<PhaseReport> {
  const expectations: Expectation[] = [];
  const refused: Record<string, number> = {};
  const errorsBefore = errorCount();
  const started = performance.now();
  await paced(command.sends.length, command.rate, async (i) => {
    const plan = command.sends[i];
    const author = plan && sockets.get(plan.from);
    if (!plan || !author) return;
    const id = clientId('tw');
    const start = performance.now();
    const reply = await call<unknown>(command.url, 'POST', '/api/chat/messages', {
      token: author.agent.token, body: { id, room: plan.room, text: `Equipe, alguém pode olhar o pedido ${i}?` },
    });
    if (reply.status !== 201) {
      refused[reply.status] = (refused[reply.status] ?? 0) + 1;
      return;
    }
    const recipient = plan.to === undefined ? undefined : sockets.get(plan.to);
    const expected = recipient ? [recipient] : all().filter((s) => s.agent.teamId === author.agent.teamId);
    expectations.push({ key: chatMessageId(author.agent.id, id), start, expected, allowed: new Set([author]) });
  });
  return judge('chat', expectations, (s) => s.messages, command.drainMs, { refused, selfFrames: 0, leaks: 0, errorsBefore, started });
}

async function viewing(command: Extract<TeamworkCommand, { cmd: 'viewing' }>): Promise<PhaseReport> {
  const expectations: Expectation[] = [];
  const errorsBefore = errorCount();
  const started = performance.now();
  await paced(command.views.length, command.rate, (i) => {
    const view = command.views[i];
    const viewer = view && sockets.get(view.from);
    if (!view || !viewer) return;
    const start = performance.now();
    viewer.ws.send(JSON.stringify({ type: 'viewing', conversationId: view.conversationId, viewing: true }));
    const expected = all().filter((s) => s !== viewer && s.agent.teamId === viewer.agent.teamId);
    // Leaks and self frames are counted below, by conversation, not here.
    expectations.push({ key: `${viewer.agent.id}|${view.conversationId}`, start, expected, allowed: new Set(all()) });
  });
  const report = await judge('viewing', expectations, (s) => s.collisions, command.drainMs, { refused: {}, selfFrames: 0, leaks: 0, errorsBefore, started });
  // Any collision frame on a conversation of another team is a leak, whoever it names; one naming the socket's own user is a self frame.
  for (const s of all()) {
    for (const [conversationId, n] of s.collisionConversations) {
      const team = command.conversationTeams[conversationId];
      if (team !== undefined && team !== s.agent.teamId) report.leaks += n;
    }
    for (const key of s.collisions.keys()) if (key.startsWith(`${s.agent.id}|`)) report.selfFrames += 1;
  }
  return report;
}

/** Per round: every claim at once, then the accepted ones finished so the next round starts with free seats. */
async function claims(command: Extract<TeamworkCommand, { cmd: 'claims' }>): Promise<ClaimsReport> {
  const rounds: ClaimsReport['rounds'] = [];
  const claimMs: number[] = [];
  for (const conversations of command.rounds) {
    const statuses: Record<string, number> = {};
    const outcomes = await Promise.all(conversations.map(async (id) => {
      const start = performance.now();
      const reply = await call<unknown>(command.url, 'POST', `/api/conversations/${encodeURIComponent(id)}/claim`, { token: command.token, body: {} });
      claimMs.push(performance.now() - start);
      statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
      return { id, ok: reply.status === 200 };
    }));
    const won = outcomes.filter((o) => o.ok);
    const finishes = await Promise.all(won.map((o) =>
      call<unknown>(command.url, 'POST', `/api/conversations/${encodeURIComponent(o.id)}/finish`, { token: command.token, body: {} })));
    rounds.push({ accepted: won.length, statuses, finished: finishes.filter((f) => f.status === 200).length });
  }
  return { event: 'claims', rounds, claimMs };
}

function answer(work: Promise<unknown>): void {
  work.then(send, (error: unknown) => send({ event: 'error', message: error instanceof Error ? error.message : String(error) }));
}

process.on('disconnect', () => process.exit(0));
process.on('message', (command: TeamworkCommand) => {
  switch (command.cmd) {
    case 'open':
      return answer(open(command));
    case 'chat':
      return answer(chat(command));
    case 'viewing':
      return answer(viewing(command));
    case 'claims':
      return answer(claims(command));
    case 'exit':
      for (const s of all()) s.ws.terminate();
      process.exit(0);
  }
});
