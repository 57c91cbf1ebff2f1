import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { PING_INTERVAL_MS } from '@atende/protocol';
import { authRoutes } from './auth/routes.js';
import { AuthService } from './auth/service.js';
import { randomToken, TokenSigner } from './auth/tokens.js';
import { ChannelRegistry } from './channels/adapter.js';
import { WebchatAdapter } from './channels/webchat/adapter.js';
import { webchatRoutes } from './channels/webchat/routes.js';
import { acceptVisitorSocket } from './channels/webchat/socket.js';
import { VisitorService } from './channels/webchat/visitors.js';
import type { Config } from './config/config.js';
import { InboundService } from './conversations/inbound.js';
import { ProtocolNumbers } from './conversations/protocolNumbers.js';
import { conversationRoutes } from './conversations/routes.js';
import { ConversationService } from './conversations/service.js';
import { seedDemo } from './demo/seed.js';
import { buildApp, webRoot } from './http/app.js';
import { RateLimiter } from './http/rateLimit.js';
import { AgentHub } from './realtime/hub.js';
import { MAX_FRAME_BYTES } from './realtime/socket.js';
import { type DocStore, openStore, updateDoc } from './store/index.js';
import { syncRoutes } from './sync/routes.js';

export interface RunningServer {
  url: string;
  port: number;
  store: DocStore;
  auth: AuthService;
  hub: AgentHub;
  seeded: boolean;
  stop(): Promise<void>;
}

export interface StartOptions {
  log?: (message: string) => void;
  /** Tests shorten the 15 s ping to exercise dead-socket detection. */
  pingIntervalMs?: number;
  /** Tests shorten the 10 s wait for a socket's first (hello) frame. */
  helloTimeoutMs?: number;
}

const INDEXES: Array<[string, string[]]> = [
  ['idx-credential-email', ['type', 'email']],
  ['idx-conversation-agent', ['type', 'agentId', 'status']],
  ['idx-conversation-contact', ['type', 'contactId']],
  ['idx-message-conversation', ['type', 'conversationId']],
];

/** The token secret from configuration, else one generated once and kept in the store. */
async function tokenSecret(store: DocStore, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const { doc } = await updateDoc(store, 'secret:tokens', (current) =>
    current ? undefined : { _id: 'secret:tokens', type: 'secret', value: randomToken(48) },
  );
  return String(doc?.value);
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? (config.logLevel === 'silent' ? () => {} : (m: string) => console.log(m));
  const pingIntervalMs = options.pingIntervalMs ?? PING_INTERVAL_MS;
  const store = await openStore(config.store);
  for (const [name, fields] of INDEXES) await store.ensureIndex(name, fields);
  const signer = new TokenSigner(await tokenSecret(store, config.secret));
  const auth = new AuthService(store, signer, config);
  const seeded = config.demo ? await seedDemo(store, auth, config.demoPassword) : false;

  const channels = new ChannelRegistry();
  const webchat = new WebchatAdapter();
  channels.register(webchat);
  const conversations = new ConversationService(store, channels, log);
  const inbound = new InboundService(store, new ProtocolNumbers(store, config.timeZone));
  const visitors = new VisitorService(store, signer);
  const hub = new AgentHub(store, auth, conversations, {
    pingIntervalMs,
    presenceGraceMs: config.presenceGraceMs,
    ...(options.helloTimeoutMs ? { helloTimeoutMs: options.helloTimeoutMs } : {}),
    log,
  });
  hub.start();
  const limiter = new RateLimiter(config.publicRateLimitPerMinute);

  const app = buildApp({
    api: [
      ['/api/auth', authRoutes(auth, limiter)],
      ['/api/sync', syncRoutes(store, auth)],
      ['/api/conversations', conversationRoutes(conversations, auth)],
      ['/api/webchat', webchatRoutes(visitors, inbound, limiter)],
    ],
    webDir: webRoot(config.webDir),
    updatesDir: config.updatesDir,
    health: () => ({ store: store.kind }),
    log,
  });
  const server: Server = createServer(app);
  const agentSockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const visitorSockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  server.on('upgrade', (req, socket: Socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/ws') {
      agentSockets.handleUpgrade(req, socket, head, (ws) => hub.accept(ws));
    } else if (url.pathname === '/ws/webchat') {
      const token = url.searchParams.get('token') ?? undefined;
      visitorSockets.handleUpgrade(req, socket, head, (ws) => {
        void acceptVisitorSocket(ws, token, { visitors, inbound, adapter: webchat, hub, pingIntervalMs });
      });
    } else {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    }
  });
  const openSockets = new Set<Socket>();
  server.on('connection', (socket) => {
    openSockets.add(socket);
    socket.on('close', () => openSockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  return {
    url: `http://${host}:${port}`,
    port,
    store,
    auth,
    hub,
    seeded,
    async stop() {
      hub.stop();
      webchat.stop();
      agentSockets.close();
      visitorSockets.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of openSockets) socket.destroy();
      await closed;
      await store.close();
    },
  };
}
