import {
  ClientFrame, COLLECTIONS, isParticipant, REPLICA_DAYS_DEFAULT, type ConversationDoc,
  type PresenceStatus, type ServerFrame, UNAUTHENTICATED_CLOSE, type UserDoc,
} from '@atende/protocol';
import type { WebSocket } from 'ws';
import type { AuthService, Principal } from '../auth/service.js';
import { visibleConversation } from '../access/conversations.js';
import type { ChangeRow, DocStore, Feed } from '../store/index.js';
import { toWire } from '../store/wire.js';
import { StoreIdentity, viewerOf } from '../access/scope.js';
import { publishTopic, subscribeTopic, type Bus, type TopicMessage } from '../bus/index.js';
import { Collisions } from './collisions.js';
import { followPause, presenceSetRefusal, statusAtHello } from './pausePresence.js';
import { createPresence, type Presence } from './presence.js';
import { keepAlive, MAX_BUFFERED_BYTES, MAX_FRAME_BYTES, parseFrame, sendFrame } from './socket.js';
import { ChangeStream, type StreamMember } from './stream.js';
import { AGENT_FRAMES, gateFrames } from './throttle.js';
import { publishUserNotice, subscribeUserNotices, type UserNoticeMessage } from './userNotices.js';

interface Connection {
  ws: WebSocket;
  principal?: Principal;
  /** Set once the socket is authenticated: its place in the change stream. */
  member?: StreamMember;
  /** Frames are handled one after another, in arrival order (hello before what follows it). */
  queue: Promise<void>;
}

export interface HubOptions {
  pingIntervalMs: number;
  presenceGraceMs: number;
  helloTimeoutMs?: number;
  log: (message: string) => void;
  /** Carries typing, sign-out and presence to the other nodes (ARCHITECTURE §6). */
  bus: Bus;
  /** The agent's typing, for the channel to show the customer (best effort). */
  onAgentTyping?: (conversation: ConversationDoc, typing: boolean) => void;
  /** Finished conversations older than this many days are not in replicas (issue 8 §3). */
  replicaDays?: number;
  /** The store identity checkpoints carry, shared with the sync routes; defaults to the store's own. */
  identity?: StoreIdentity;
  /** Changes collect this long before a `sync.docs` frame goes out. */
  flushMs?: number;
  /** Outbound bytes an agent socket may have waiting before it is closed with 4008. */
  maxBufferedBytes?: number;
  /** How long after its commit each streamed change went out (the replication lag metric). */
  onStreamed?: (ageMs: number) => void;
}

const FLUSH_MS = 10;
const MAX_FLUSH_MS = 50;
const MAX_DOCS_PER_FRAME = 500;

/**
 * The agents' WebSocket `/ws` (ARCHITECTURE §4): streams changed documents to the sockets that
 * may hold them (`sync.docs`, see stream.ts), refreshes the session user (`session.user`),
 * carries presence and typing. It never carries the only copy of anything durable: a socket
 * that misses frames pulls from its checkpoint.
 */
export class AgentHub {
  private readonly connections = new Set<Connection>();
  private readonly presence: Presence;
  /** R-WS-17: who views or types in which conversation, told to the others who may see it. */
  private readonly collisions: Collisions;
  private readonly unsubscribe: Array<() => void>;
  private feed?: Feed;
  private readonly stream: ChangeStream;
  private readonly identity: StoreIdentity;
  private storeId = '';
  /** Each user's last document row, numbered: a hello can tell that one passed while it waited. */
  private readonly userRows = new Map<string, { n: number; row: ChangeRow }>();
  private userRowCount = 0;

  constructor(
    private readonly store: DocStore,
    private readonly auth: AuthService,
    private readonly options: HubOptions,
  ) {
    this.presence = createPresence(options.bus, options.presenceGraceMs, (userId, status, since) => this.broadcastPresence(userId, status, since), options.log);
    // Every node, this one included, hears sign-outs and typing through the bus.
    this.unsubscribe = [
      subscribeTopic(options.bus, 'session.revoked', (m) => this.loggedOut(m), options.log),
      subscribeTopic(options.bus, 'typing', (m) => this.relayTyping(m), options.log),
      subscribeTopic(options.bus, 'notify.roles', (m) => this.notifyRoles(m), options.log),
      subscribeTopic(options.bus, 'store.identity', (m) => this.storeIdentityChanged(m.identity), options.log),
      subscribeUserNotices(options.bus, (m) => this.noticeUser(m), options.log),
    ];
    this.collisions = new Collisions({ store, bus: options.bus, log: options.log, sockets: () => this.connections });
    this.identity = options.identity ?? new StoreIdentity(store);
    this.stream = new ChangeStream({
      flushMs: options.flushMs ?? FLUSH_MS,
      maxFlushMs: MAX_FLUSH_MS,
      maxBufferedBytes: options.maxBufferedBytes ?? MAX_BUFFERED_BYTES,
      maxDocsPerFrame: MAX_DOCS_PER_FRAME,
      replicaDays: options.replicaDays ?? REPLICA_DAYS_DEFAULT,
      store: () => this.storeId,
      log: options.log,
      ...(options.onStreamed ? { onStreamed: options.onStreamed } : {}),
    });
  }

  /** Read again by hellos now and then (an operator may raise the epoch); frames carry the last value read. */
  private async storeIdentity(): Promise<string> {
    this.storeId = await this.identity.get();
    return this.storeId;
  }

  /**
   * The store's epoch was raised (issue 19: data was purged for good): frames carry the new identity
   * from now on, and every socket is told to pull — its checkpoint of the old identity is answered
   * 409 replica_reset, so the desk wipes its replica and fills it again without the purged documents.
   */
  private storeIdentityChanged(identity: string): void {
    this.identity.learn(identity);
    this.storeId = identity;
    this.stream.hintCatchUp();
  }

  start(): void {
    const types = Object.values(COLLECTIONS);
    this.feed = this.store.follow({
      since: 'now',
      selector: { type: { $in: types } },
      onChange: (row) => this.changed(row),
      onError: (error) => {
        this.options.log(`change feed: ${error.message}`);
        this.stream.hintCatchUp();
      },
    });
  }

  stop(): void {
    this.feed?.stop();
    this.stream.stop();
    for (const off of this.unsubscribe) off();
    this.collisions.stop();
    this.presence.stop();
    for (const c of this.connections) c.ws.terminate();
  }

  statusOf(userId: string): PresenceStatus {
    return this.presence.statusOf(userId);
  }

  accept(ws: WebSocket): void {
    const connection: Connection = { ws, queue: Promise.resolve() };
    this.connections.add(connection);
    keepAlive(ws, this.options.pingIntervalMs);
    const helloTimer = setTimeout(() => {
      if (!connection.principal) ws.close(UNAUTHENTICATED_CLOSE, 'hello expected');
    }, this.options.helloTimeoutMs ?? 10_000);
    ws.on('message', gateFrames(ws, AGENT_FRAMES, (data, isBinary, gate) => {
      if (!gate.enqueue()) return; // the backlog is over its cap: the socket is being closed
      const text = data.toString();
      connection.queue = connection.queue
        .then(() => this.receive(connection, text, isBinary))
        .catch((error: unknown) => {
          this.options.log(`ws frame failed: ${String(error)}`);
          this.error(connection, 'internal', 'The frame could not be handled');
        })
        .finally(() => gate.settled());
    }));
    ws.on('close', () => {
      clearTimeout(helloTimer);
      this.connections.delete(connection);
      this.collisions.closed(connection);
      if (connection.member) this.stream.leave(connection.member);
      if (connection.principal) this.presence.disconnected(connection.principal.user.id);
    });
    ws.on('error', () => ws.terminate());
  }

  private error(connection: Connection, code: string, message: string): void {
    sendFrame(connection.ws, { type: 'error', code, message });
  }

  private async receive(connection: Connection, data: string, isBinary: boolean): Promise<void> {
    if (!this.connections.has(connection)) return; // queued behind the close
    if (isBinary || data.length > MAX_FRAME_BYTES) return this.error(connection, 'invalid_frame', 'Text JSON frames only');
    const parsed = parseFrame(ClientFrame, Buffer.from(data));
    if (!parsed.ok) return this.error(connection, parsed.code, parsed.message);
    const frame = parsed.frame;
    if (frame.type === 'hello') return this.hello(connection, frame.token);
    const principal = connection.principal;
    if (!principal) {
      this.error(connection, 'unauthenticated', 'Send hello with a token first');
      connection.ws.close(UNAUTHENTICATED_CLOSE, 'unauthenticated');
      return;
    }
    switch (frame.type) {
      case 'ping':
        return sendFrame(connection.ws, { type: 'pong' });
      case 'pong':
        return;
      case 'presence.set': {
        const refusal = presenceSetRefusal(principal.user, frame.status);
        return refusal ? this.error(connection, refusal.code, refusal.message) : this.presence.setStatus(principal.user.id, 'online');
      }
      case 'typing':
        return this.agentTyping(connection, principal, frame.conversationId, frame.typing);
      case 'viewing':
        return this.collisions.viewing(connection, principal.user, frame.conversationId, frame.viewing);
      default:
        return missingFrame(frame);
    }
  }

  private async hello(connection: Connection, token: string): Promise<void> {
    if (connection.principal) return this.error(connection, 'already_authenticated', 'hello was already accepted');
    const rowsBefore = this.userRowCount;
    const principal = await this.auth.authenticate(token);
    await this.storeIdentity();
    // The socket closed while the token was checked: its close handler has run already, so
    // registering it now would leave the user online for good.
    if (!this.connections.has(connection)) return;
    if (!principal) {
      this.error(connection, 'unauthenticated', 'The token is invalid or expired');
      connection.ws.close(UNAUTHENTICATED_CLOSE, 'unauthenticated');
      return;
    }
    connection.principal = principal;
    const member: StreamMember = { ws: connection.ws, viewer: viewerOf(principal.user) };
    connection.member = member;
    this.stream.join(member);
    this.presence.setStatus(principal.user.id, statusAtHello(principal.user));
    this.presence.connected(principal.user.id);
    sendFrame(connection.ws, {
      type: 'welcome', userId: principal.user.id, presence: this.presence.snapshot(), presenceSince: this.presence.sinceSnapshot(),
      user: principal.user, replica: this.stream.replicaOf(member.viewer),
    });
    // A change of this user that passed the feed while the token was checked found no socket to update.
    const late = this.userRows.get(principal.user.id);
    if (late && late.n > rowsBefore) this.applyUser(connection, late.row);
  }

  /** A notice for the signed-in users of some roles on this node (a pause past its maximum, to supervisors). */
  private notifyRoles(m: TopicMessage<'notify.roles'>): void {
    const roles = new Set(m.roles);
    const frame: ServerFrame = { type: 'notify', title: m.title, body: m.body };
    for (const c of this.connections) if (c.principal && roles.has(c.principal.user.role)) sendFrame(c.ws, frame);
  }

  /**
   * Tells the user's sockets on every node what a supervisor did to them (R-SV-04). Published
   * before the change it announces, so a sign-out's notice reaches the sockets its revocation
   * closes (the bus delivers in publication order).
   */
  tellUser(message: UserNoticeMessage): Promise<void> {
    return publishUserNotice(this.options.bus, message);
  }

  private noticeUser(m: UserNoticeMessage): void {
    const frame: ServerFrame = { type: 'notice', notice: m.notice, byName: m.byName };
    for (const c of this.connections) if (c.principal?.user.id === m.userId) sendFrame(c.ws, frame);
  }

  private async agentTyping(connection: Connection, principal: Principal, conversationId: string, typing: boolean): Promise<void> {
    let conversation: ConversationDoc;
    try {
      conversation = await visibleConversation(this.store, principal.user, conversationId);
    } catch {
      return this.error(connection, 'not_found', 'conversation not found');
    }
    if (!isParticipant(conversation, principal.user.id)) {
      return this.error(connection, 'forbidden', 'Only participants may type in a conversation');
    }
    this.publishTyping(conversation, principal.user.id, typing);
    this.collisions.typing(connection, principal.user, conversation, typing);
    this.options.onAgentTyping?.(conversation, typing);
  }

  /** The customer's typing, relayed to the agents serving the conversation on any node. */
  customerTyping(conversation: ConversationDoc, typing: boolean): void {
    this.publishTyping(conversation, conversation.contactId, typing);
  }

  private publishTyping(conversation: ConversationDoc, authorId: string, typing: boolean): void {
    const recipientIds = [conversation.agentId, ...conversation.invitedAgentIds].filter((id): id is string => !!id && id !== authorId);
    if (recipientIds.length === 0) return;
    void publishTopic(this.options.bus, 'typing', { conversationId: conversation.id, authorId, typing, recipientIds })
      .catch(() => undefined); // typing is best effort
  }

  private relayTyping(m: TopicMessage<'typing'>): void {
    const to = new Set(m.recipientIds);
    const frame: ServerFrame = { type: 'typing', conversationId: m.conversationId, authorId: m.authorId, typing: m.typing };
    for (const c of this.connections) {
      const id = c.principal?.user.id;
      if (id && to.has(id)) sendFrame(c.ws, frame);
    }
  }

  private changed(row: ChangeRow): void {
    // Rights first: the row that changes a user's teams is already routed by the new ones.
    if (row.doc.type === 'user' || row.id.startsWith('user:')) {
      this.userRows.set(row.id, { n: ++this.userRowCount, row });
      // Presence shows the pause written on the user document, whichever node or command wrote it (R-WS-09).
      followPause(this.presence, row);
      for (const c of this.connections) if (c.principal?.user.id === row.id) this.applyUser(c, row);
    }
    this.stream.changed(row);
  }

  /**
   * Team or role changes apply to open sockets at once: the socket moves to the group of its new
   * scope and the client hears `session.user` (it purges what it lost and resyncs under the new
   * scope). A deleted user's sockets close with 4403.
   */
  private applyUser(c: Connection, row: ChangeRow): void {
    if (!c.principal) return;
    if (row.deleted || row.doc.removed === true) {
      if (c.member) this.stream.leave(c.member);
      c.member = undefined;
      c.ws.close(4403, 'user removed');
      return;
    }
    const user = toWire<UserDoc>(row.doc);
    c.principal = { ...c.principal, user };
    if (!c.member) return;
    this.stream.move(c.member, viewerOf(user));
    sendFrame(c.ws, { type: 'session.user', user, replica: this.stream.replicaOf(c.member.viewer) });
  }

  private broadcastPresence(userId: string, status: PresenceStatus, since: number): void {
    for (const c of this.connections) if (c.principal) sendFrame(c.ws, { type: 'presence', userId, status, since });
  }

  /** A session ended on any node: its sockets here close and presence turns offline at once. */
  private loggedOut(revoked: { sessionId: string; userId: string }): void {
    for (const c of this.connections) {
      if (c.principal?.sessionId !== revoked.sessionId) continue;
      // Forget the principal first so the close does not start the drop grace period.
      this.presence.disconnected(revoked.userId);
      this.collisions.closed(c);
      c.principal = undefined;
      if (c.member) this.stream.leave(c.member);
      c.member = undefined;
      c.ws.close(4001, 'logged out');
    }
    this.presence.loggedOut(revoked.userId);
  }
}

function missingFrame(frame: never): never {
  throw new Error(`unhandled frame ${JSON.stringify(frame)}`);
}
