import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { drainServer, type DrainParts } from './drain.js';
import { RequestGate } from './requestGate.js';

export interface ListenerOptions {
  host: string;
  port: number;
  /** Largest WebSocket frame accepted (larger ones close the socket with 1009). */
  maxFrameBytes: number;
  /** Where the agents' sockets (`/ws`) and the website visitors' (`/ws/webchat?token=…`) go. */
  acceptAgent(ws: WebSocket): void;
  acceptVisitor(ws: WebSocket, token: string | undefined): void;
  log: (message: string) => void;
}

/** What the drain needs from the node besides the listener itself. */
export type NodeParts = Pick<DrainParts, 'stopTimers' | 'stopJobs' | 'release'>;

export interface Listener {
  server: Server;
  port: number;
  /** `http://host:port`, an IPv6 host in brackets. */
  url: string;
  sockets: { agent: WebSocketServer; visitor: WebSocketServer };
  /** Set once the drain begins: readiness answers 503, new requests and sockets are refused. */
  isDraining(): boolean;
  /** The graceful drain (SIGTERM, stop): run once, later calls get the same outcome. */
  drain(parts: NodeParts, timeoutMs: number): Promise<boolean>;
}

/**
 * The node's HTTP listener: the app behind the request gate, the two WebSocket paths on upgrade,
 * and the drain that stops them all (drain.ts). Resolves once the port is open.
 */
export async function listen(app: RequestListener, options: ListenerOptions): Promise<Listener> {
  let draining = false;
  const gate = new RequestGate(() => draining);
  const server = createServer(gate.wrap(app));
  gate.attach(server);
  const agent = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes });
  const visitor = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes });
  server.on('upgrade', (req, socket: Socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (draining) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
    } else if (url.pathname === '/ws') {
      agent.handleUpgrade(req, socket, head, (ws) => options.acceptAgent(ws));
    } else if (url.pathname === '/ws/webchat') {
      const token = url.searchParams.get('token') ?? undefined;
      visitor.handleUpgrade(req, socket, head, (ws) => options.acceptVisitor(ws, token));
    } else {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let drained: Promise<boolean> | undefined;
  return {
    server,
    port,
    url: `http://${host}:${port}`,
    sockets: { agent, visitor },
    isDraining: () => draining,
    drain: (parts, timeoutMs) => (drained ??= drainServer({
      ...parts,
      gate,
      server,
      sockets: [agent, visitor],
      log: options.log,
      startDraining: () => { draining = true; },
    }, timeoutMs)),
  };
}
