import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import type { LoginResponse, MessageDoc, UserDoc } from '@atende/protocol';
import { loadConfig, type Config } from '../src/config/config.js';
import { startServer, type RunningServer, type StartOptions } from '../src/server.js';
import { toStored } from '../src/store/wire.js';

export const DEMO_PASSWORD = 'atende123';

export interface TestServer extends RunningServer {
  dataDir: string;
  config: Config;
  /** Stops the server and removes its data folder. */
  close(): Promise<void>;
}

/** A real server on a random loopback port over a fresh embedded store (ARCHITECTURE §9). */
export async function startTestServer(
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<TestServer> {
  const dataDir = env.ATENDE_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), 'atende-test-'));
  const config = loadConfig({ PORT: '0', ATENDE_LOG_LEVEL: 'silent', ATENDE_DATA_DIR: dataDir, ...env });
  const server = await startServer(config, { log: () => {}, ...options });
  return {
    ...server,
    dataDir,
    config,
    async close() {
      await server.stop();
      if (!env.ATENDE_DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** JSON over real HTTP; `body` as a string is sent raw (for malformed-input tests). */
export async function call<T = Record<string, unknown>>(
  server: { url: string },
  method: string,
  route: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  const res = await fetch(server.url + route, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: parsed as T };
}

export async function login(server: { url: string }, email: string, password = DEMO_PASSWORD): Promise<LoginResponse> {
  const reply = await call<LoginResponse>(server, 'POST', '/api/auth/login', { body: { email, password } });
  if (reply.status !== 200) throw new Error(`login ${email}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/** Adds an agent (and its password) straight into the store, e.g. one in team Comercial. */
export async function addUser(
  server: TestServer,
  user: Pick<UserDoc, 'name' | 'email' | 'role' | 'teamIds'> & { key: string; maxConcurrent?: number },
  password = DEMO_PASSWORD,
): Promise<UserDoc> {
  const now = Date.now();
  const doc: UserDoc = {
    id: `user:${user.key}`, type: 'user', name: user.name, email: user.email, role: user.role,
    teamIds: user.teamIds, maxConcurrent: user.maxConcurrent ?? 5, createdAt: now, updatedAt: now,
  };
  const [result] = await server.store.bulkWrite([toStored(doc)]);
  if (!result?.ok) throw new Error(`could not add ${user.email}`);
  await server.auth.setPassword(doc, password);
  return doc;
}

export interface Visitor {
  visitorId: string;
  token: string;
}

export async function newVisitor(server: { url: string }, account = 'demo-site', name?: string): Promise<Visitor> {
  const reply = await call<Visitor>(server, 'POST', `/api/webchat/${account}/visitors`, { body: name ? { name } : {} });
  if (reply.status !== 201) throw new Error(`visitor: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

let counter = 0;
/** A client-generated id in the shape the protocol accepts. */
export const clientId = (prefix = 'c') => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}xxxxxxxx`.slice(0, 40);

/** Visitor writes; answers the created message id and conversation (found through the store). */
export async function visitorSays(server: TestServer, visitor: Visitor, text: string, id = clientId('v')) {
  const reply = await call<{ message: { id: string } }>(server, 'POST', '/api/webchat/messages', {
    token: visitor.token,
    body: { id, text },
  });
  if (reply.status !== 201 && reply.status !== 200) throw new Error(`visitor message: ${reply.status} ${JSON.stringify(reply.body)}`);
  const stored = await server.store.get(reply.body.message.id);
  return { messageId: reply.body.message.id, conversationId: String(stored?.conversationId), status: reply.status };
}

/** A WebSocket client that records frames and waits for the one a test expects. */
export class FrameClient {
  readonly frames: Array<Record<string, unknown>> = [];
  private waiters: Array<{ match: (f: Record<string, unknown>) => boolean; resolve: (f: Record<string, unknown>) => void }> = [];
  closed: { code: number; reason: string } | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Record<string, unknown>;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
  }

  static async open(url: string): Promise<FrameClient> {
    const ws = new WebSocket(url);
    // Listen before 'open': a first frame sent right after the upgrade can arrive in the same
    // packet and be emitted before an awaiting caller would attach its listener.
    const client = new FrameClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  /** An agent socket that has said hello and received its welcome. */
  static async agent(server: { url: string }, token: string): Promise<FrameClient> {
    const client = await FrameClient.open(server.url.replace(/^http/, 'ws') + '/ws');
    client.send({ type: 'hello', token });
    await client.next((f) => f.type === 'welcome');
    return client;
  }

  static async visitor(server: { url: string }, token: string): Promise<FrameClient> {
    const client = await FrameClient.open(`${server.url.replace(/^http/, 'ws')}/ws/webchat?token=${encodeURIComponent(token)}`);
    await client.next((f) => f.type === 'welcome');
    return client;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first recorded or future frame matching; fails after `timeoutMs`. */
  next(match: (f: Record<string, unknown>) => boolean, timeoutMs = 5000): Promise<Record<string, unknown>> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-5))}`)), timeoutMs);
      this.waiters.push({ match, resolve: (f) => { clearTimeout(timer); resolve(f); } });
    });
  }

  /** Resolves when the socket closes. */
  closedPromise(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket did not close')), timeoutMs);
      this.ws.once('close', (code, reason) => { clearTimeout(timer); resolve({ code, reason: reason.toString() }); });
    });
  }

  clear(): void {
    this.frames.length = 0;
  }

  close(): void {
    this.ws.close();
  }
}

type Frame = Record<string, unknown>;

/** The next frame matching that arrives after this call (frames already recorded are ignored). */
export function nextNew(client: FrameClient, match: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
  const old = new Set(client.frames);
  return client.next((f) => !old.has(f) && match(f), timeoutMs);
}

/**
 * A ping/pong round trip. Frames on one socket arrive in order, so once the pong is here every
 * frame the server had queued for this socket before answering has arrived too: a frame that
 * should not have come can be told absent without waiting on a clock.
 */
export async function roundTrip(client: FrameClient): Promise<void> {
  const pong = nextNew(client, (f) => f.type === 'pong');
  client.send({ type: 'ping' });
  await pong;
}

/** Sends one frame and answers the error frame it provokes. */
export async function errorFor(client: FrameClient, frame: unknown): Promise<Frame> {
  const error = nextNew(client, (f) => f.type === 'error');
  client.send(frame);
  return error;
}

/** Pulls a whole collection for a token, following checkpoints until a short page. */
export async function pullAll(server: { url: string }, token: string, collection: string, limit = 100) {
  const documents: Array<Record<string, unknown>> = [];
  let checkpoint: unknown = null;
  for (let page = 0; page < 1000; page++) {
    const query = `?limit=${limit}` + (checkpoint ? `&checkpoint=${encodeURIComponent(JSON.stringify(checkpoint))}` : '');
    const reply = await call<{ documents: Array<Record<string, unknown>>; checkpoint: unknown }>(
      server, 'GET', `/api/sync/${collection}/pull${query}`, { token },
    );
    if (reply.status !== 200) throw new Error(`pull ${collection}: ${reply.status} ${JSON.stringify(reply.body)}`);
    documents.push(...reply.body.documents);
    checkpoint = reply.body.checkpoint;
    if (reply.body.documents.length < limit) return { documents, checkpoint };
  }
  throw new Error('pull did not finish');
}

/** The stored messages with this upstream id (a channel's dedupe key): one, or none, unless dedupe broke. */
export async function messagesWith(server: TestServer, externalId: string): Promise<MessageDoc[]> {
  const docs = await server.store.find({ selector: { type: 'message', externalId }, limit: 10 });
  return docs.map((doc) => ({ ...doc, id: doc._id }) as unknown as MessageDoc);
}
