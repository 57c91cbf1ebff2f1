import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** The error code of requests refused while the node drains; clients retry them (it is a 503). */
export const SERVER_RESTARTING = 'server_restarting';

/**
 * Probes a load balancer keeps sending over a kept-alive connection while the node drains: they
 * are answered (`/api/ready` says 503 draining itself), so the balancer learns why.
 */
const PROBES = new Set(['/api/health', '/api/ready']);

/**
 * Sits in front of the HTTP app: counts the requests in flight, so a drain can wait for them, and
 * refuses the ones that arrive on a kept-alive connection once the drain began (503
 * `server_restarting`, `Connection: close`), so nothing new starts on a node about to stop.
 */
export class RequestGate {
  /** Every TCP connection, upgraded WebSockets included: what a forced stop destroys. */
  readonly connections = new Set<Socket>();
  private readonly inFlight = new Set<ServerResponse>();
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly isDraining: () => boolean) {}

  /** Requests being served now (refusals aside). */
  get pending(): number {
    return this.inFlight.size;
  }

  attach(server: Server): void {
    server.on('connection', (socket: Socket) => {
      this.connections.add(socket);
      socket.once('close', () => this.connections.delete(socket));
    });
  }

  wrap(listener: RequestListener): RequestListener {
    return (req: IncomingMessage, res: ServerResponse) => {
      const draining = this.isDraining();
      if (draining && !PROBES.has(pathOf(req))) {
        refuse(res);
        return;
      }
      if (draining) res.setHeader('Connection', 'close');
      this.inFlight.add(res);
      // 'close' comes after the answer is sent or when the client gave up: either way it is over.
      res.once('close', () => {
        this.inFlight.delete(res);
        if (this.inFlight.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      });
      listener(req, res);
    };
  }

  /** Resolves once no request is in flight. */
  idle(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function refuse(res: ServerResponse): void {
  const body = JSON.stringify({ error: SERVER_RESTARTING, message: 'The server is restarting; try again in a moment' });
  res.writeHead(503, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Retry-After': '1',
    Connection: 'close',
  });
  res.end(body);
}
