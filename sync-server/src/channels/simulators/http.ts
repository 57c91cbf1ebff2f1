import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { z } from 'zod';
import { simulatorHtml, type PageHead } from './pageHtml.js';

/**
 * The plumbing of the issue-11 simulator pages' small JSON APIs: answers, zod problems as one
 * line, the page's own files with a strict CSP (no inline script or style, nothing from elsewhere).
 */
export const PAGE_CSP = "default-src 'self'; img-src 'self' data:; media-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

export function problem(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The request's media type, without parameters. */
export const contentTypeOf = (req: IncomingMessage) => (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/**
 * A fake's request body, or null past `max` bytes (declared or counted): the caller answers 413
 * without holding the bytes, so a simulator running for days is not filled by one large POST.
 */
export async function readBounded(req: IncomingMessage, max: number): Promise<Buffer | null> {
  if (Number(req.headers['content-length'] ?? 0) > max) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * A page API's JSON body checked against `schema`; undefined once it answered the refusal. Only
 * `application/json` is read: a web page elsewhere can POST text/plain to loopback without a
 * CORS preflight, but not JSON.
 */
export function readJson<T>(req: IncomingMessage, res: ServerResponse, body: Buffer, schema: z.ZodType<T>): T | undefined {
  if (contentTypeOf(req) !== 'application/json') {
    json(res, 415, { error: 'send the body as JSON (content-type: application/json)' });
    return undefined;
  }
  const input = schema.safeParse(parseJson(body));
  if (input.success) return input.data;
  json(res, 400, { error: problem(input.error) });
  return undefined;
}

/** The names a simulator is reached by from this machine, with its port: it listens on loopback only. */
const loopbackHosts = (port: number) => [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];

/**
 * Refuses (403, returns true) a request to a simulator's page or page API that a web page
 * elsewhere made: a Host other than loopback on the simulator's port (DNS rebinding: a hostile
 * name that resolves to 127.0.0.1), or an Origin other than the simulator's own (a cross-site
 * fetch or form). Without it, any site a demo user visits could write as a customer.
 */
export function refuseForeignRequest(req: IncomingMessage, res: ServerResponse): boolean {
  const hosts = loopbackHosts(req.socket.localPort ?? 0);
  const host = (req.headers.host ?? '').toLowerCase();
  if (!hosts.includes(host)) {
    json(res, 403, { error: `this simulator answers only at ${hosts.map((h) => `http://${h}`).join(', ')} (Host was ${host || 'missing'})` });
    return true;
  }
  const origin = req.headers.origin?.toLowerCase();
  if (origin !== undefined && !hosts.some((h) => origin === `http://${h}`)) {
    json(res, 403, { error: `requests from another site (Origin ${origin}) are refused` });
    return true;
  }
  return false;
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/**
 * Serves `files` (route → file in `dir`), read once; returns whether it answered. With `head`, the
 * .html files are the pages' bodies, served inside the shared head (simulatorHtml). `csp` replaces
 * PAGE_CSP (the WhatsApp page also shows the business's https links).
 */
export function pageAssets(dir: string, files: Record<string, string>, options: { head?: PageHead; csp?: string } = {}) {
  const read = (file: string): Buffer => {
    const bytes = readFileSync(path.join(dir, file));
    return options.head && path.extname(file) === '.html' ? Buffer.from(simulatorHtml(options.head, bytes.toString('utf8'))) : bytes;
  };
  const csp = options.csp ?? PAGE_CSP;
  const assets = new Map(Object.entries(files).map(([route, file]) => [route, { body: read(file), type: TYPES[path.extname(file)] ?? 'application/octet-stream' }]));
  return (req: IncomingMessage, res: ServerResponse, route: string): boolean => {
    if (req.method !== 'GET') return false;
    if (route === '/favicon.ico') {
      res.writeHead(204).end();
      return true;
    }
    const asset = assets.get(route);
    if (!asset) return false;
    res.writeHead(200, { 'content-type': asset.type, 'content-security-policy': csp, 'cache-control': 'no-cache' }).end(asset.body);
    return true;
  };
}

/** A file the page shows, served from the simulator itself. */
export function sendFile(res: ServerResponse, file: { bytes: Buffer; mimeType: string } | undefined): void {
  if (!file) json(res, 404, { error: 'no such file' });
  else res.writeHead(200, { 'content-type': file.mimeType, 'cache-control': 'private, max-age=3600', 'x-content-type-options': 'nosniff' }).end(file.bytes);
}

/** A fake's hook for requests outside its API (a simulator's customer page); returns whether it answered. */
export type PageHook = (req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<boolean>;

/** The callbacks a fake calls with each thing it accepted (a send, a typing action); `add` returns the unsubscribe. */
export class Listeners<T> {
  private readonly listeners = new Set<(value: T) => void>();

  add(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  emit(value: T): void {
    for (const listener of this.listeners) listener(value);
  }
}

/**
 * The loopback HTTP server every fake upstream (WhatsApp's Graph, Telegram's Bot API, Meta's
 * Graph) runs on, on a port chosen at start; a failing handler answers 500 rather than crashing.
 */
export abstract class LoopbackServer {
  url = '';
  /** Requests outside the fake's API (the simulator's customer page). */
  pages: PageHook | undefined;
  private server: Server | undefined;

  /** `dropConnectionsOnStop`: also end keep-alive and in-flight connections (a fake that fetches from its callers). */
  constructor(private readonly dropConnectionsOnStop = false) {}

  protected abstract handle(req: IncomingMessage, res: ServerResponse): Promise<void>;

  async start(): Promise<this> {
    const server = createServer((req, res) => void this.handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    }));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    if (this.dropConnectionsOnStop) server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * The files a fake holds (what customers sent, what the business uploaded), bounded: a demo runs
 * for days, so past `maxFiles` or `maxBytes` the oldest are forgotten (their URLs then answer 404,
 * as an expired upstream link does).
 */
export class BoundedFiles<F extends { bytes: Buffer | null }> {
  private readonly files = new Map<string, F>();
  private bytes = 0;

  constructor(readonly maxFiles = 500, readonly maxBytes = 200 * 1024 * 1024) {}

  set(id: string, file: F): void {
    this.delete(id);
    this.files.set(id, file);
    this.bytes += file.bytes?.length ?? 0;
    for (const [oldest] of this.files) {
      if (this.files.size <= 1 || (this.files.size <= this.maxFiles && this.bytes <= this.maxBytes)) break;
      this.delete(oldest);
    }
  }

  get(id: string): F | undefined {
    return this.files.get(id);
  }

  has(id: string): boolean {
    return this.files.has(id);
  }

  delete(id: string): void {
    const file = this.files.get(id);
    if (!file) return;
    this.bytes -= file.bytes?.length ?? 0;
    this.files.delete(id);
  }

  values(): IterableIterator<F> {
    return this.files.values();
  }

  get size(): number {
    return this.files.size;
  }

  get totalBytes(): number {
    return this.bytes;
  }
}

/** Keeps the last `max` entries of a fake's record (its calls, its sends): a demo runs for days. */
export function keepLast<T>(records: T[], max = 500): void {
  if (records.length > max) records.splice(0, records.length - max);
}

/**
 * The file name a `Content-Disposition` header gives (`attachment; filename="boleto.pdf"`, or
 * RFC 6266's `filename*=UTF-8''…` when it is not ASCII, preferred), without any folder part;
 * undefined when it names none.
 */
export function filenameOf(contentDisposition: string | null | undefined): string | undefined {
  if (!contentDisposition) return undefined;
  const extended = /filename\*\s*=\s*UTF-8''([^;\s]+)/i.exec(contentDisposition)?.[1];
  let name: string | undefined;
  if (extended) {
    try {
      name = decodeURIComponent(extended);
    } catch {
      name = undefined;
    }
  }
  if (name === undefined) {
    const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(contentDisposition);
    name = plain?.[1]?.replace(/\\(.)/g, '$1') ?? plain?.[2];
  }
  const base = name?.split(/[/\\]/).pop()?.replace(/[\p{Cc}]/gu, '').trim().slice(0, 200);
  return base || undefined;
}
