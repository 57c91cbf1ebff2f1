import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import type { LoginResponse, SyncCheckpoint } from '@atende/protocol';

/** Small HTTP/WebSocket client for the benchmark: only what it needs, every wait bounded. */

export const DEMO_PASSWORD = 'atende123';

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function call<T>(
  base: string,
  method: string,
  route: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const res = await fetch(base + route, { method, headers, body, signal: AbortSignal.timeout(60_000) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function login(base: string, email: string, password = DEMO_PASSWORD): Promise<LoginResponse> {
  const reply = await call<LoginResponse>(base, 'POST', '/api/auth/login', { body: { email, password } });
  if (reply.status !== 200) throw new Error(`login ${email}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

export interface Visitor {
  visitorId: string;
  token: string;
}

export async function newVisitor(base: string, account = 'demo-site'): Promise<Visitor> {
  const reply = await call<Visitor>(base, 'POST', `/api/webchat/${account}/visitors`, { body: {} });
  if (reply.status !== 201) throw new Error(`visitor: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/** The visitor's message POST (the webchat "webhook"); `id` becomes the message's externalId. */
export async function visitorSays(base: string, visitor: Visitor, id: string, text: string): Promise<void> {
  const reply = await call<unknown>(base, 'POST', '/api/webchat/messages', { token: visitor.token, body: { id, text } });
  if (reply.status !== 201) throw new Error(`visitor message ${id}: ${reply.status} ${JSON.stringify(reply.body)}`);
}

export interface PullPage {
  documents: Array<Record<string, unknown>>;
  checkpoint: SyncCheckpoint;
}

export async function pullPage(
  base: string,
  token: string,
  collection: string,
  limit: number,
  checkpoint: SyncCheckpoint | null,
): Promise<PullPage> {
  const query = `?limit=${limit}` + (checkpoint ? `&checkpoint=${encodeURIComponent(JSON.stringify(checkpoint))}` : '');
  const reply = await call<PullPage>(base, 'GET', `/api/sync/${collection}/pull${query}`, { token });
  if (reply.status !== 200) throw new Error(`pull ${collection}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

let counter = 0;
/** A unique client message id in the accepted shape /^[A-Za-z0-9_-]{8,64}$/. */
export function clientId(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Opens an agent socket, says hello and resolves on `welcome`; frames go to `onFrame`. */
export async function agentSocket(
  base: string,
  token: string,
  onFrame: (frame: { type?: unknown; collections?: unknown }, at: number) => void,
): Promise<WebSocket> {
  const ws = new WebSocket(base.replace(/^http/, 'ws') + '/ws');
  const welcomed = new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.once('close', (code) => reject(new Error(`agent socket closed before welcome (${code})`)));
    ws.on('message', (data) => {
      const at = performance.now();
      const frame = JSON.parse(data.toString()) as { type?: unknown; collections?: unknown };
      if (frame.type === 'welcome') resolve();
      else if (frame.type === 'error') reject(new Error(`agent socket error frame: ${data.toString()}`));
      onFrame(frame, at);
    });
    ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', token })));
  });
  try {
    await withTimeout(welcomed, 10_000, 'agent welcome');
  } catch (error) {
    ws.terminate();
    throw error;
  }
  return ws;
}
