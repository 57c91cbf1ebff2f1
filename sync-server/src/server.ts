import type { DestinationStream } from 'pino';
import type { Express } from 'express';
import { PING_INTERVAL_MS, preferConversation, preferMessage, type ConversationDoc, type MessageDoc } from '@atende/protocol';
import { StoreIdentity } from './access/scope.js';
import { authRoutes } from './auth/routes.js';
import { AuthService } from './auth/service.js';
import { randomToken, TokenSigner } from './auth/tokens.js';
import { openBus, subscribeTopic, type Bus } from './bus/index.js';
import { agentChannelRoutes } from './channelAccounts/agentRoutes.js';
import { channelAccountRoutes } from './channelAccounts/routes.js';
import { ChannelAccounts, loopbackUrl } from './channelAccounts/service.js';
import { ChannelRegistry } from './channels/adapter.js';
import { ChannelInbound } from './channels/inbound.js';
import { registerChannelJobs, typingToCustomer } from './channels/jobs.js';
import { WhatsAppAdapter } from './channels/whatsapp/adapter.js';
import { TelegramAdapter } from './channels/telegram/adapter.js';
import { MetaMessagingAdapter } from './channels/meta/messaging.js';
import { ReclameAquiAdapter } from './channels/reclameaqui/adapter.js';
import { registerReclameAquiCommands } from './channels/reclameaqui/commandJobs.js';
import { ReclameAquiCommands } from './channels/reclameaqui/commands.js';
import { reclameAquiCommandRoutes } from './channels/reclameaqui/routes.js';
import { registerReclameAquiPolling, schedulePolls } from './channels/reclameaqui/pollJob.js';
import { ReclameAquiPoller } from './channels/reclameaqui/poller.js';
import { ReclameAquiReputation } from './channels/reclameaqui/reputation.js';
import { registerReputationRefresh } from './channels/reclameaqui/reputationJob.js';
import { registerLoginAttemptsSweep } from './auth/attemptsSweep.js';
import { reputationRoutes } from './channels/reclameaqui/reputationRoutes.js';
import { adminTemplateRoutes, agentTemplateRoutes } from './channels/whatsapp/templateRoutes.js';
import { TemplateService } from './channels/whatsapp/templates.js';
import { WebchatAdapter } from './channels/webchat/adapter.js';
import { webchatRoutes } from './channels/webchat/routes.js';
import { acceptVisitorSocket } from './channels/webchat/socket.js';
import { VisitorSockets } from './channels/webchat/visitorSockets.js';
import { VisitorService } from './channels/webchat/visitors.js';
import { visitorNoticeJob } from './channels/webchat/notices.js';
import { webhookRoutes } from './channels/webhooks.js';
import { PublicMediaLinks, publicMediaRoutes } from './channels/publicMedia.js';
import type { Config } from './config/config.js';
import { ContactDirectory } from './contacts/directory.js';
import { InboundService } from './conversations/inbound.js';
import { MessageService } from './conversations/messages.js';
import { preferCounter, ProtocolNumbers } from './conversations/protocolNumbers.js';
import { conversationRoutes, templateMessageRoutes } from './conversations/routes.js';
import { TemplateMessages } from './conversations/templateMessages.js';
import { contactRoutes } from './contacts/routes.js';
import { searchRoutes } from './search/routes.js';
import { SEARCH_DESIGN } from './search/views.js';
import { ConversationService } from './conversations/service.js';
import { ConversationStarter } from './conversations/start.js';
import { ConversationEvents, QUEUED_EVENT_JOB, VISITOR_NOTICE_JOB } from './conversations/events.js';
import { seedDemo } from './demo/seed.js';
import { buildApp, webRoot } from './http/app.js';
import { createLogger, lineLogger } from './observability/logger.js';
import { ServerMetrics } from './observability/metrics.js';
import { countingFailures } from './observability/jobFailures.js';
import { listen, type Listener } from './lifecycle/listener.js';
import { claimDataFolder } from './lifecycle/dataFolderClaims.js';
import { RateLimiter } from './http/rateLimit.js';
import { openJobRunner, type JobRunner } from './jobs/index.js';
import { mediaRoutes, visitorMediaRoutes } from './media/routes.js';
import { MediaService } from './media/service.js';
import { profileRoutes } from './profile/routes.js';
import { RatingRequests } from './ratings/requests.js';
import { webchatRatingRoutes } from './ratings/routes.js';
import { RatingService } from './ratings/service.js';
import { setupPrivacy } from './privacy/setup.js';
import { announceIdentity } from './realtime/storeIdentity.js';
import { ProfileService } from './profile/service.js';
import { AgentHub } from './realtime/hub.js';
import { MAX_FRAME_BYTES } from './realtime/socket.js';
import {
  ConflictSweeper, openStore, startIndexWarmer, updateDoc, wireResolver, withChangeStamps, withGroupCommit, withReadCache,
  withSharedFeed, type DocStore,
} from './store/index.js';
import { INDEXES } from './store/indexes.js';
import { DelegatingStore } from './store/delegate.js';
import { syncRoutes } from './sync/routes.js';
import { backupApi } from './backup/routes.js';
import { setupPauses } from './pauses/index.js';
import { flowInboundHooks } from './flows/index.js';
import type { PasswordLinks } from './auth/passwordLinks.js';
import { setupAdministration } from './administration/index.js';
import { setupReports } from './reports/index.js';
import { ApiTokens } from './apiTokens/index.js';
import { setupSupervision } from './supervision/index.js';
import { registerTelephonyJobs } from './telephony/job.js';
import { telephonyRoutes } from './telephony/routes.js';
import { TelephonyService } from './telephony/service.js';
import { internalChatRoutes } from './internalChat/routes.js';
import { InternalChatService } from './internalChat/service.js';
import { registerTicketJobs } from './tickets/job.js';
import { ticketRoutes } from './tickets/routes.js';
import { TicketService } from './tickets/service.js';
import { backfillChangeStamps } from './sync/stampBackfill.js';

export interface RunningServer {
  url: string;
  /** The Express app: the authorisation matrix lists the routes it really registers (issue 14). */
  app: Express;
  port: number;
  store: DocStore;
  auth: AuthService;
  /** Invitation and reset links (R-AUTH-02); tests send them by hand. */
  passwordLinks: PasswordLinks;
  hub: AgentHub;
  jobs: JobRunner;
  /** Channel adapters by kind; tests register fakes of upstream kinds here. */
  registry: ChannelRegistry;
  /** Channel accounts (their upstream webhook URLs, for adapters tests build). */
  accounts: ChannelAccounts;
  bus: Bus;
  seeded: boolean;
  /** The server's operational log (JSON lines): the entry point's own lines (shutdown) go there too. */
  log: (message: string) => void;
  /** The start-up sweep that gives orphaned queued messages their send job: how many it found. */
  recovered: Promise<number>;
  /** Writes the next poll round of every Reclame Aqui account whose chain is not running (the demo's, once pointed at its simulator). */
  pollReclameAqui(): Promise<void>;
  /**
   * Graceful stop (SIGTERM, issue 14): refuses new work, lets requests and jobs finish, closes
   * sockets with 1012, releases bus and store. True when done within `timeoutMs`, false when forced.
   */
  drain(timeoutMs: number): Promise<boolean>;
  /** drain() with a short bound, for tests and embedders. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Where module sentences go; by default the server's JSON logger (observability/logger.ts). */
  log?: (message: string) => void;
  /** The JSON log's destination instead of stdout (tests read what was logged). */
  logDestination?: DestinationStream;
  /** Tests shorten the 15 s ping to exercise dead-socket detection. */
  pingIntervalMs?: number;
  /** Tests shorten the 10 s wait for a socket's first (hello) frame. */
  helloTimeoutMs?: number;
  /** An already-open store to serve instead of opening `config.store`; stop() leaves it open (several nodes in one process). */
  store?: DocStore;
  /** Reclame Aqui polls start by themselves (watchdog, an account's save); false for tests that run every round by hand. */
  pollInBackground?: boolean;
  /**
   * The outgoing webhooks' event feed reads the store's changes by itself (and writes its checkpoint
   * and delivery jobs); false for suites whose witness of "nothing written" is that change feed (fuzz).
   */
  webhookEvents?: boolean;
  /**
   * The report rollups (R-RT-06) follow the conversations' change feed by themselves and write
   * their facts, rollups and checkpoint; false (like webhookEvents) where that feed witnesses
   * "nothing written" (fuzz, bad input). Reports then answer from what is rolled up (upToDate false).
   */
  reportRollups?: boolean;
  /** Where e-mails are printed without SMTP_URL (R-AUTH-02 demo); the process's stdout when absent. */
  printMail?: (message: string) => void;
}

/** A store this server uses but does not own: stopping the server leaves it open for its owner. */
class BorrowedStore extends DelegatingStore {
  override close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The REST API's version in its OpenAPI document (`/api/v1` is the public API's major version). */
const API_VERSION = '1.0.0';

/** stop()'s bound on requests and sockets (jobs keep the runner's own): tests stop servers by the hundred. */
const STOP_TIMEOUT_MS = 2_000;

/** Hot reads: the session user, conversations, threads, channel accounts and addresses (issue 7 §5). */
const CACHED_PREFIXES = ['user:', 'session:', 'conversation:', 'thread:', 'channel:', 'address:', 'contact:', 'visitor:'];

/** The token secret from configuration, else one generated once and kept in the store. */
async function tokenSecret(store: DocStore, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const { doc } = await updateDoc(store, 'secret:tokens', (current) =>
    current ? undefined : { _id: 'secret:tokens', type: 'secret', value: randomToken(48) },
  );
  return String(doc?.value);
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  // One JSON logger per server (R-OPS-05); the modules' `log(sentence)` callbacks write through it.
  const logger = createLogger({ level: config.logLevel, nodeId: config.nodeId, ...(options.logDestination ? { destination: options.logDestination } : {}) });
  const log = options.log ?? lineLogger(logger);
  const pingIntervalMs = options.pingIntervalMs ?? PING_INTERVAL_MS;
  // Concurrent writes coalesce into one bulk write per tick; hot reads come from a cache kept
  // coherent by the change feed (ARCHITECTURE §5), which the cache, the agent hub and the job
  // runner share: one feed per node (§6).
  // Before opening: a second opening in this process would share the first one's LevelDB handle.
  const releaseFolder = !options.store && config.store.driver === 'embedded' ? claimDataFolder(config.store.dataDir) : undefined;
  const opened = options.store ? new BorrowedStore(options.store) : await openStore(config.store).catch((error: unknown) => {
    releaseFolder?.();
    throw error;
  });
  // Under the stamping wrapper: documents from before change stamps keep their own time (issue 8).
  await backfillChangeStamps(opened, log);
  const store = withReadCache(withGroupCommit(withSharedFeed(withChangeStamps(opened))), { prefixes: CACHED_PREFIXES, max: 10_000 });
  for (const [name, fields] of INDEXES) await store.ensureIndex(name, [...fields]);
  // The search indexes (issue 9): declared here, built by the warmer with the others.
  await store.ensureView(SEARCH_DESIGN);
  // Every index is built before the first request and kept built after bulk loads (issue 8).
  const indexWarmer = startIndexWarmer(store, { log });
  await indexWarmer.ready;
  const serverSecret = await tokenSecret(store, config.secret);
  const signer = new TokenSigner(serverSecret);
  const auth = new AuthService(store, signer, config);
  const seeded = config.demo
    ? await seedDemo(store, auth, config.demoPassword, config.demoHistory ? { timeZone: config.timeZone } : undefined)
    : false;
  const bus = await openBus(config.redisUrl, { nodeId: config.nodeId, log });
  // A CouchDB cluster can accept conflicting writes during a partition; the embedded store cannot.
  const sweeper = new ConflictSweeper(store, {
    conversation: wireResolver<ConversationDoc>(preferConversation),
    message: wireResolver<MessageDoc>(preferMessage),
    counter: preferCounter,
  }, log);
  if (store.kind === 'couchdb') sweeper.start();

  const accounts = new ChannelAccounts(store, config.publicUrl);
  // Links to attachments for upstreams that fetch files by URL (Messenger, Instagram), under the webhooks' base.
  const publicMedia = new PublicMediaLinks(serverSecret, () => accounts.upstreamBaseUrl());
  const conversations = new ConversationService(store);
  const media = new MediaService(store);
  const messages = new MessageService(store, media);
  // One lease of protocol numbers per node, for customers' and agents' new conversations.
  const protocols = new ProtocolNumbers(store, config.timeZone);
  // Chatbot flows (issue 15, R-RT-04): a conversation may open with the bot, which answers by job.
  const inbound = new InboundService(store, protocols, flowInboundHooks(store));
  const directory = new ContactDirectory(store);
  const starter = new ConversationStarter(store, accounts, directory, conversations, protocols);
  const visitors = new VisitorService(store, signer);
  const visitorDelivery = new VisitorSockets(bus, { log });
  const registry = new ChannelRegistry();
  const webchat = new WebchatAdapter(visitorDelivery);
  registry.register('webchat', () => webchat);
  registry.register('whatsapp', (account) => new WhatsAppAdapter(account));
  registry.register('telegram', (account) => new TelegramAdapter(account, { webhookUrl: () => accounts.upstreamWebhookUrl(account) }));
  registry.register('messenger', (account) => new MetaMessagingAdapter(account));
  registry.register('instagram', (account) => new MetaMessagingAdapter(account));
  registry.register('reclameaqui', (account) => new ReclameAquiAdapter(account));
  const templates = new TemplateService(store, accounts, registry);
  const templateMessages = new TemplateMessages(messages, templates);
  visitorDelivery.onDelivered((_contactId, frame) => {
    // Lifecycle notices stay 'sent': they are no one's message to mark delivered.
    if (frame.type === 'message' && frame.message.direction !== 'system') void messages.recordSent(frame.message.id, null, 'delivered').catch(() => undefined);
  });
  // Every node stops trusting a revoked session at once (the hub closes its sockets).
  subscribeTopic(bus, 'session.revoked', (m) => auth.sessionRevoked(m.sessionId), log);
  auth.onLogout((p) => {
    void bus.publish('session.revoked', { sessionId: p.sessionId, userId: p.user.id })
      .catch((e: unknown) => log(`session.revoked not published: ${String(e)}`));
  });
  // Opened once the app is built (below); metrics and readiness read it when asked.
  const node: { listener?: Listener } = {};
  // Prometheus metrics of this server (R-OPS-05): what can be read at scrape time is read then.
  const metrics = new ServerMetrics({
    store,
    sockets: () => ({ agent: node.listener?.sockets.agent.clients.size ?? 0, visitor: node.listener?.sockets.visitor.clients.size ?? 0 }),
  });
  const jobs = countingFailures(openJobRunner(store, {
    ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}), nodeId: config.nodeId, log, stopTimeoutMs: config.shutdownTimeoutMs,
    // An embedded store this server opened is its alone (claimDataFolder keeps a second server of this
    // process off it): jobs a killed process left running are taken over at start.
    exclusive: releaseFolder !== undefined,
  }), metrics);
  registerChannelJobs(jobs, { store, accounts, registry, messages, media, publicMediaUrl: (a) => publicMedia.urlFor(a) });
  // Reclame Aqui has no webhooks: its complaints come in by polling rounds (issue 12).
  const raPoller = new ReclameAquiPoller({ store, accounts, registry, contacts: directory, inbound, firstPollDays: config.reclameAquiFirstPollDays, log });
  const stopRaWatchdog = registerReclameAquiPolling(jobs, { store, accounts, poller: raPoller, log }, { background: options.pollInBackground !== false });
  // Moderation and evaluation requests (R-CH-09, R-CH-10) reach HugMe as outbox jobs.
  registerReclameAquiCommands(jobs, { store, accounts, registry, media, messages });
  // Its reputation (R-CH-08) is fetched on a schedule too, and cached for the panel.
  const raReputation = new ReclameAquiReputation({ store, accounts, registry });
  const stopRaReputation = registerReputationRefresh(jobs, { store, accounts, reputation: raReputation, log });
  // Login attempt records of any e-mail typed are deleted once forgotten (R-AUTH-03, issue 14).
  const stopAttemptsSweep = await registerLoginAttemptsSweep(jobs, { store, log });
  // Lifecycle events (issue 9): the queue position, and the notices the website visitor sees.
  jobs.register(VISITOR_NOTICE_JOB, visitorNoticeJob(store, visitorDelivery));
  // Tickets and click-to-call (issue 13, R-WS-14, R-WS-16): their outgoing integrations are outbox jobs.
  const tickets = new TicketService(store, () => config.tickets.url !== undefined);
  registerTicketJobs(jobs, { store, tickets, config: config.tickets });
  const telephony = new TelephonyService(store, config.telephony);
  registerTelephonyJobs(jobs, config.telephony);
  // Pauses (issue 13, R-WS-09): their routes, the "pause exceeded" job, the end of a pause at sign-out.
  const pauses = await setupPauses({ store, auth, jobs, bus, timeZone: config.timeZone, seedDemo: seeded, log });
  const limiter = new RateLimiter(config.publicRateLimitPerMinute, { bus, log });
  // Administration and automation (issue 15): users, password links, settings, teams, content, routing, flows, API tokens, outgoing webhooks.
  let ownUrl = '';
  const admin = await setupAdministration({
    store, auth, jobs, accounts, media, conversations, inbound, limiter, config, ownUrl: () => ownUrl, apiVersion: API_VERSION, log,
    printMail: options.printMail ?? ((m) => process.stdout.write(`${m}\n`)),
  });
  visitors.useArticles(admin.articles);
  jobs.register(QUEUED_EVENT_JOB, admin.routing.onQueued(new ConversationEvents(store).queuedJobHandler()));
  // Reports (issue 16, R-RT-06): rollups kept from the change feed, read by the report routes.
  const reports = await setupReports({ store, auth, jobs, timeZone: config.timeZone, log, publicApi: { tokens: new ApiTokens(store, Date.now, log), limiter } });
  // One identity for pulls and streamed frames, so both hand out checkpoints of the same store.
  const identity = new StoreIdentity(store);
  // Privacy under the LGPD (issue 19): erasure, export, retention, the access audit.
  const privacy = setupPrivacy({
    store, auth, jobs, media, bus, privacyDir: config.privacyDir, identityChanged: () => announceIdentity(store, bus, identity, log), log, now: Date.now,
  });
  await jobs.start();
  if (options.webhookEvents !== false) admin.start();
  // Like the webhooks' feed, the rollups write by themselves after each conversation change: off where the change feed witnesses "nothing written" (fuzz).
  if (options.reportRollups !== false) reports.start();
  privacy.start();
  // Not awaited: a large backlog must not hold the port closed. Kept so tests (and readiness) can wait on it.
  const recovered = messages.requeueOrphans().catch((e: unknown) => {
    log(`requeue of queued messages failed: ${String(e)}`);
    return 0;
  });

  const hub = new AgentHub(store, auth, {
    pingIntervalMs,
    replicaDays: config.replicaDays,
    identity,
    presenceGraceMs: config.presenceGraceMs,
    ...(options.helloTimeoutMs ? { helloTimeoutMs: options.helloTimeoutMs } : {}),
    log,
    bus,
    onAgentTyping: typingToCustomer({ store, accounts, registry }),
    onStreamed: (ageMs) => metrics.changeStreamed(ageMs),
  });
  hub.start();
  admin.routing.attachPresence((userId) => hub.statusOf(userId));
  // Supervisor actions on agents (issue 16, R-SV-04).
  const supervision = setupSupervision({ store, auth, pauses: pauses.service, hub, log });
  // Customer ratings after finish (issue 18): asked by the finish route, answered by the widget or a channel's buttons.
  const ratings = new RatingService(store);
  const channelInbound = new ChannelInbound(directory, inbound, messages, templates, ratings);

  const app = buildApp({
    trustProxy: config.trustProxy,
    corsOrigins: config.corsOrigins,
    api: [
      ['/api/auth', authRoutes(auth, limiter)],
      ['/api/sync', syncRoutes(store, auth, { replicaDays: config.replicaDays, identity })],
      ['/api/conversations', conversationRoutes(store, conversations, messages, auth, starter, new RatingRequests(store))],
      ['/api/contacts', contactRoutes(store, auth)],
      ['/api/search', searchRoutes(store, auth)],
      ['/api/media', mediaRoutes({ media, auth })],
      // "Editar perfil" (issue 13, R-WS-11).
      ['/api/me', profileRoutes(new ProfileService(store, auth, media), auth)],
      // R-OPS-04: a running server's copy of its own store (only this process may read its LevelDB).
      ...backupApi({ auth, store: config.store, opened, log }, { ownsStore: !options.store }),
      ['/api/admin/channels', channelAccountRoutes(accounts, auth, registry)],
      ['/api/admin/channels', adminTemplateRoutes(templates, auth)],
      ['/api/channels', agentTemplateRoutes(templates, auth)],
      ['/api/conversations', templateMessageRoutes(templateMessages, auth)],
      ['/api/conversations', reclameAquiCommandRoutes(new ReclameAquiCommands(store, media), auth)],
      ['/api/channels', agentChannelRoutes(accounts, auth)],
      ['/api/reclameaqui', reputationRoutes(raReputation, auth)],
      ['/api/conversations', ticketRoutes(tickets, auth)],
      // The internal chat (issue 13, R-WS-12).
      ['/api/chat', internalChatRoutes(new InternalChatService(store), auth, limiter)],
      ['/api', telephonyRoutes(telephony, auth)],
      ...pauses.routes,
      ...admin.routes,
      ...supervision.routes,
      ...reports.routes,
      ...privacy.routes,
      ['/api/webchat/media', visitorMediaRoutes({ media, visitors, limit: limiter.middleware('webchat-media') })],
      ['/api/webchat', webchatRoutes(visitors, inbound, media, limiter)],
      ['/api/webchat', webchatRatingRoutes(visitors, ratings, limiter)],
    ],
    raw: [
      ['/channels', webhookRoutes({ accounts, registry, inbound: channelInbound, limiter })],
      ['/channels', publicMediaRoutes({ links: publicMedia, media })],
    ],
    webDir: webRoot(config.webDir),
    updatesDir: config.updatesDir,
    dictionariesDir: config.dictionariesDir,
    health: () => ({ store: store.kind }),
    // Set by the drain (SIGTERM): ready turns 503 so traffic moves elsewhere first.
    observability: { logger, metrics, metricsToken: config.metricsToken, readiness: { store, bus, isDraining: () => node.listener?.isDraining() ?? false } },
    log,
  });
  // The HTTP listener, the two socket paths and the drain that stops the node (lifecycle/).
  const listening = await listen(app, {
    host: config.host, port: config.port, maxFrameBytes: MAX_FRAME_BYTES, log,
    acceptAgent: (ws) => hub.accept(ws),
    acceptVisitor: (ws, token) => void acceptVisitorSocket(ws, token, { visitors, inbound, delivery: visitorDelivery, hub, pingIntervalMs }),
  });
  node.listener = listening;
  const { port, url } = listening;
  // Without ATENDE_PUBLIC_URL, upstreams on this machine (the simulators) reach us here.
  accounts.setLocalUrl(loopbackUrl(url, port));
  ownUrl = loopbackUrl(url, port);

  const drain = (timeoutMs: number): Promise<boolean> => listening.drain({
    stopTimers: () => { stopRaWatchdog(); stopRaReputation(); stopAttemptsSweep(); admin.stopTimers(); },
    stopJobs: () => jobs.stop(),
    release: async () => {
      hub.stop();
      visitorDelivery.stop();
      await sweeper.stop();
      await bus.close();
      await indexWarmer.stop();
      await admin.stop();
      await reports.stop();
      await privacy.stop();
      await store.close();
      releaseFolder?.();
    },
  }, timeoutMs);

  return {
    url,
    app,
    port,
    store,
    auth,
    passwordLinks: admin.passwordLinks,
    hub,
    jobs,
    registry,
    accounts,
    bus,
    seeded,
    log,
    recovered,
    pollReclameAqui: () => schedulePolls({ store, accounts, poller: raPoller, log }),
    drain,
    async stop() {
      await drain(STOP_TIMEOUT_MS);
    },
  };
}
