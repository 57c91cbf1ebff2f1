import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { call, clientId, newVisitor, type Visitor } from './client.js';

/**
 * The client side of the stream benchmark (`stream.ts`), run in child processes so the sockets'
 * own work (TLS-free ws parsing, JSON) does not share the server's event loop. Two roles:
 * - sockets: holds agent sockets, records when each message document first reaches each socket;
 * - poster: website visitors POST messages at a target rate (the HTTP run).
 * Driven over IPC by `stream.ts`; every wait is bounded there.
 */

/** Wall clock in ms with sub-ms resolution, comparable across processes of one machine. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

/** The time a benchmark message was sent, carried in its text: "bench <ms> …". */
export const sentAtOf = (text: unknown): number | undefined => {
  const match = typeof text === 'string' ? /^bench (\d+(?:\.\d+)?)/.exec(text) : null;
  return match ? Number(match[1]) : undefined;
};

export type ClientCommand =
  | { cmd: 'open'; url: string; tokens: string[]; concurrency: number }
  | { cmd: 'reset' }
  | { cmd: 'report' }
  | { cmd: 'prepare'; url: string; accounts: string[]; visitorsPerAccount: number }
  | { cmd: 'post'; url: string; rate: number; seconds: number }
  | { cmd: 'exit' };

export interface SocketsReport {
  event: 'report';
  /**
   * Per message id: [teamId, sockets reached, latest delivery − sent (ms), earliest frame checkpoint
   * `t` − sent (ms): the commit stamp, or a later one when the frame carried several documents,
   * sent (wall ms)].
   */
  messages: Array<[string, string, number, number, number, number]>;
  /** Deliveries (message × socket) per 1 ms latency bucket; the last bucket holds the rest. */
  histogram: number[];
  frames: number;
  bytes: number;
  closed: number;
  cpuMs: number;
}

export interface PosterReport {
  event: 'posted';
  sent: number;
  failed: number;
  ms: number;
  postMs: number[];
  /** Due posts that found no idle visitor at their moment (the poster fell behind). */
  late: number;
  cpuMs: number;
}

const BUCKETS = 60_000;

interface Frame {
  documents: Array<Record<string, unknown>>;
  checkpoint: { t: number };
}
const send = (message: unknown) => process.send?.(message);

class Sockets {
  private readonly sockets: WebSocket[] = [];
  private messages = new Map<string, { team: string; count: number; max: number; stamp: number; sentAt: number }>();
  private histogram = new Array<number>(BUCKETS).fill(0);
  private frames = 0;
  private bytes = 0;
  private closed = 0;
  private cpu = process.cpuUsage();

  async open(url: string, tokens: string[], concurrency: number): Promise<void> {
    let next = 0;
    let failed = 0;
    const worker = async () => {
      while (next < tokens.length) {
        const token = tokens[next++] ?? '';
        try {
          this.sockets.push(await this.connect(url, token));
        } catch {
          failed += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    send({ event: 'ready', opened: this.sockets.length, failed });
  }

  private connect(url: string, token: string): Promise<WebSocket> {
    const ws = new WebSocket(url.replace(/^http/, 'ws') + '/ws', { perMessageDeflate: false });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no welcome')), 60_000);
      ws.on('message', (data: Buffer) => {
        const at = wallNow();
        this.frames += 1;
        this.bytes += data.length;
        const text = data.toString();
        // Only sync.docs of messages are parsed: presence and pings are counted, not decoded.
        if (text.startsWith('{"type":"welcome"')) {
          clearTimeout(timer);
          resolve(ws);
        } else if (text.startsWith('{"type":"sync.docs","collection":"messages"')) {
          this.record(JSON.parse(text) as Frame, at);
        } else if (text.startsWith('{"type":"ping"')) {
          ws.send('{"type":"pong"}');
        }
      });
      ws.once('close', () => {
        this.closed += 1;
        clearTimeout(timer);
        reject(new Error('closed before welcome'));
      });
      ws.once('error', () => undefined);
      ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', token })));
    });
  }

  private record(frame: Frame, at: number): void {
    for (const doc of frame.documents) {
      const sentAt = sentAtOf(doc.text);
      if (sentAt === undefined) continue;
      const latency = at - sentAt;
      const stamp = frame.checkpoint.t - sentAt;
      const id = String(doc.id);
      const seen = this.messages.get(id);
      if (seen) {
        seen.count += 1;
        seen.max = Math.max(seen.max, latency);
        seen.stamp = Math.min(seen.stamp, stamp);
      } else {
        this.messages.set(id, { team: String(doc.teamId), count: 1, max: latency, stamp, sentAt });
      }
      const bucket = Math.min(BUCKETS - 1, Math.max(0, Math.floor(latency)));
      this.histogram[bucket] = (this.histogram[bucket] ?? 0) + 1;
    }
  }

  reset(): void {
    this.messages = new Map();
    this.histogram = new Array<number>(BUCKETS).fill(0);
    this.frames = 0;
    this.bytes = 0;
    this.closed = 0;
    this.cpu = process.cpuUsage();
  }

  report(): SocketsReport {
    const cpu = process.cpuUsage(this.cpu);
    return {
      event: 'report',
      messages: [...this.messages].map(([id, m]) => [id, m.team, m.count, Math.round(m.max * 100) / 100, Math.round(m.stamp * 100) / 100, m.sentAt]),
      histogram: this.histogram, frames: this.frames, bytes: this.bytes, closed: this.closed,
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    };
  }

  exit(): void {
    for (const ws of this.sockets) ws.terminate();
  }
}

const visitors: Array<{ visitor: Visitor; busy: boolean }> = [];

/**
 * Visitors of several webchat accounts, each with its conversation open (its first message, not
 * timed): the timed messages are follow-ups, the steady state of a busy operation. Opening 200
 * conversations at once is the ingest benchmark's subject, not this one's.
 */
async function prepare(command: Extract<ClientCommand, { cmd: 'prepare' }>): Promise<{ event: 'prepared'; visitors: number }> {
  for (const account of command.accounts) {
    const created = await Promise.all(Array.from({ length: command.visitorsPerAccount }, async () => {
      const visitor = await newVisitor(command.url, account);
      const reply = await call<unknown>(command.url, 'POST', '/api/webchat/messages', { token: visitor.token, body: { id: clientId('o'), text: 'Olá!' } });
      if (reply.status !== 201) throw new Error(`first message: ${reply.status}`);
      return visitor;
    }));
    visitors.push(...created.map((visitor) => ({ visitor, busy: false })));
  }
  return { event: 'prepared', visitors: visitors.length };
}

/** The prepared visitors POST at `rate` msg/s in all, in turn; each has one POST in flight at most. */
async function post(command: Extract<ClientCommand, { cmd: 'post' }>): Promise<PosterReport> {
  const total = Math.round(command.rate * command.seconds);
  const postMs: number[] = [];
  let sent = 0;
  let failed = 0;
  let late = 0;
  let cursor = 0;
  const inFlight = new Set<Promise<void>>();
  const cpu = process.cpuUsage();
  const started = performance.now();
  while (sent + late < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * command.rate));
    while (sent + late < due) {
      // Round robin over the accounts' visitors, so every team gets its share.
      let pick: (typeof visitors)[number] | undefined;
      for (let k = 0; k < visitors.length && !pick; k++) {
        const candidate = visitors[(cursor + k) % visitors.length];
        if (candidate && !candidate.busy) pick = candidate;
      }
      cursor += 1;
      if (!pick) {
        late += 1;
        continue;
      }
      const chosen = pick;
      chosen.busy = true;
      const t = performance.now();
      const text = `bench ${wallNow().toFixed(2)} Boa tarde, meu pedido ainda não chegou.`;
      const request = call<unknown>(command.url, 'POST', '/api/webchat/messages', { token: chosen.visitor.token, body: { id: clientId('s'), text } })
        .then((reply) => {
          if (reply.status === 201) postMs.push(performance.now() - t);
          else failed += 1;
        }, () => void (failed += 1))
        .finally(() => {
          chosen.busy = false;
          inFlight.delete(request);
        });
      inFlight.add(request);
      sent += 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await Promise.all(inFlight);
  const used = process.cpuUsage(cpu);
  return { event: 'posted', sent, failed, ms: performance.now() - started, postMs, late, cpuMs: Math.round((used.user + used.system) / 1000) };
}

const sockets = new Sockets();
process.on('message', (command: ClientCommand) => {
  switch (command.cmd) {
    case 'open':
      void sockets.open(command.url, command.tokens, command.concurrency);
      return;
    case 'reset':
      sockets.reset();
      send({ event: 'reset' });
      return;
    case 'report':
      send(sockets.report());
      return;
    case 'prepare':
      void prepare(command).then(send, (error: unknown) => send({ event: 'error', message: String(error) }));
      return;
    case 'post':
      void post(command).then(send, (error: unknown) => send({ event: 'error', message: String(error) }));
      return;
    case 'exit':
      sockets.exit();
      process.exit(0);
  }
});
