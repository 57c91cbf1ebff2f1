import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TicketRequest } from '@atende/protocol';

const MAX_BODY = 4 * 1024 * 1024;

export interface FakeTicket {
  number: string;
  request: TicketRequest;
}

/**
 * A ticket system on loopback (R-WS-14), for the tests and the demo: `POST /tickets` with the
 * payload the `ticket-create` job sends answers `{number, url}`; `GET /tickets/<number>` shows the
 * ticket as a page (what the link's chip opens). A repeated `Idempotency-Key` answers the ticket
 * created the first time. `down` makes it answer 503, as an outage would; with a `token` it wants
 * that bearer.
 */
export class FakeTicketSystem {
  readonly tickets = new Map<string, FakeTicket>();
  /** Every POST received, accepted or not. */
  requests = 0;
  down = false;
  private readonly byKey = new Map<string, string>();
  private next = 1001;
  private server: Server | undefined;
  url = '';

  constructor(private readonly token?: string) {}

  /** Starts on 127.0.0.1 (a free port); `url` is then the address to set as ATENDE_TICKET_URL. */
  async start(): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res).catch(() => this.send(res, 500, { error: 'internal' })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tickets`;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' && path.startsWith('/tickets/')) return this.page(res, decodeURIComponent(path.slice('/tickets/'.length)));
    if (req.method !== 'POST' || path !== '/tickets') return this.send(res, 404, { error: 'not found' });
    this.requests++;
    const body = await readBody(req);
    if (this.down) return this.send(res, 503, { error: 'down for maintenance' });
    if (this.token && req.headers.authorization !== `Bearer ${this.token}`) return this.send(res, 401, { error: 'bad token' });
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return this.send(res, 400, { error: 'not JSON' });
    }
    const parsed = TicketRequest.safeParse(json);
    if (!parsed.success) return this.send(res, 422, { error: parsed.error.issues[0]?.message ?? 'invalid' });
    const key = String(req.headers['idempotency-key'] ?? '');
    let number = key ? this.byKey.get(key) : undefined;
    if (!number) {
      number = `TK-${this.next++}`;
      this.tickets.set(number, { number, request: parsed.data });
      if (key) this.byKey.set(key, number);
    }
    this.send(res, 201, { number, url: `${this.url}/${encodeURIComponent(number)}` });
  }

  private page(res: ServerResponse, number: string): void {
    const ticket = this.tickets.get(number);
    if (!ticket) return this.send(res, 404, { error: 'no such ticket' });
    const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
    const rows = ticket.request.messages.map((m) => `<li><strong>${escape(m.author)}</strong>: ${escape(m.text)}</li>`).join('');
    const html = `<!doctype html><meta charset="utf-8"><title>${escape(number)}</title><h1>Ticket ${escape(number)}</h1>`
      + `<p>Protocolo ${escape(ticket.request.conversation.protocol)} — ${escape(ticket.request.conversation.contact.name)}</p><ul>${rows}</ul>`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'" });
    res.end(html);
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) break;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
