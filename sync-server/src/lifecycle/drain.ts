import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { SERVER_RESTARTING_CLOSE, SERVER_RESTARTING_REASON } from '@atende/protocol';
import type { WebSocket, WebSocketServer } from 'ws';
import type { RequestGate } from './requestGate.js';

export interface DrainParts {
  gate: RequestGate;
  server: Server;
  /** The agents' and the website visitors' WebSocket servers. */
  sockets: readonly WebSocketServer[];
  /** Sets the node's draining flag: readiness answers 503, new requests are refused. */
  startDraining(): void;
  /** Timers that would start new work (polling, refreshes); stopped first. */
  stopTimers(): void;
  /**
   * Stops claiming jobs and waits for the running ones (bounded by the runner's own stop timeout):
   * true when every one finished, false when some were cut off.
   */
  stopJobs(): Promise<boolean>;
  /** The hub, the bus and the store: closed last, whether the drain was orderly or forced. */
  release(): Promise<void>;
  log: (message: string) => void;
}

/**
 * Stops a node without losing what it acknowledged or was doing (issue 14 point 7): it stops
 * accepting connections, refuses new requests on kept-alive ones, lets the requests in flight and
 * the running jobs finish, then closes agent and visitor sockets with 1012 so clients reconnect at
 * once (to a sibling node, or to this one restarted). Past `timeoutMs` what is left is cut off.
 * Resolves true when everything finished in time, false when it had to force (a job cut off included).
 */
export async function drainServer(parts: DrainParts, timeoutMs: number): Promise<boolean> {
  const { gate, server, sockets, log } = parts;
  parts.startDraining();
  parts.stopTimers();
  const listenerClosed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // A stop that failed may have left jobs running as surely as one that ran out of time.
  const jobsStopped = parts.stopJobs().catch((error: unknown) => {
    log(`shutdown: stopping jobs failed: ${String(error)}`);
    return undefined;
  });
  const orderly = (async () => {
    await Promise.all([gate.idle(), jobsStopped]);
    // The answers are out: kept-alive connections are idle now (a request squeezed in is refused and closes its own).
    server.closeIdleConnections();
    // Last, so a job that delivered to a socket (an agent's reply to a visitor) got to write it.
    await closeSockets(sockets);
  })();
  const deadline = new Deadline(timeoutMs);
  const inTime = await deadline.race(orderly);
  if (inTime) {
    // Connections end by themselves once their last answer is flushed; one stuck mid-request is cut at the deadline.
    await deadline.race(listenerClosed);
  } else {
    const open = sockets.reduce((n, wss) => n + wss.clients.size, 0);
    log(`shutdown: not drained within ${timeoutMs} ms (${gate.pending} request(s) in flight, ${open} socket(s) open); forcing`);
  }
  deadline.clear();
  for (const wss of sockets) for (const ws of wss.clients) ws.terminate();
  for (const socket of gate.connections) socket.destroy();
  await listenerClosed;
  // The runner's bound is the drain's and starts first, so a job it cut off can leave the rest in time.
  const jobsFinished = await jobsStopped;
  if (jobsFinished === false) log('shutdown: not drained: running job(s) cut off; their leases expire and they run again');
  await parts.release();
  return inTime && jobsFinished === true;
}

/** One timer for the whole drain: each step waits at most for what is left of it. */
class Deadline {
  private timer: NodeJS.Timeout | undefined;
  private readonly passed: Promise<false>;

  constructor(ms: number) {
    this.passed = new Promise((resolve) => {
      this.timer = setTimeout(() => resolve(false), ms);
    });
  }

  /** True when `step` settled before the deadline (a failed step counts as not drained). */
  race(step: Promise<unknown>): Promise<boolean> {
    return Promise.race([step.then(() => true, () => false), this.passed]);
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

/**
 * How long a client gets to answer the 1012 close. A connected client answers in a round trip; one
 * that is half-open (a laptop gone to sleep, a network flap) never does, and ws would wait 30 s for
 * it: that must not turn an orderly stop into a forced one, so it is cut off instead.
 */
const CLOSE_ANSWER_MS = 1_000;

/** Closes every socket with 1012, waits briefly for the clients' close frames, then cuts off the silent ones. */
async function closeSockets(servers: readonly WebSocketServer[]): Promise<void> {
  const closing: Array<Promise<void>> = [];
  for (const wss of servers) {
    for (const ws of wss.clients) closing.push(closeWith1012(ws));
    wss.close();
  }
  const all = Promise.all(closing);
  const answered = new AbortController();
  await Promise.race([all, sleep(CLOSE_ANSWER_MS, undefined, { signal: answered.signal }).catch(() => undefined)]);
  answered.abort();
  for (const wss of servers) for (const ws of wss.clients) ws.terminate();
  await all;
}

function closeWith1012(ws: WebSocket): Promise<void> {
  if (ws.readyState === ws.CLOSED) return Promise.resolve();
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  if (ws.readyState === ws.CONNECTING) ws.terminate();
  else ws.close(SERVER_RESTARTING_CLOSE, SERVER_RESTARTING_REASON);
  return closed;
}
