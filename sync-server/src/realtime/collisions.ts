import { TokenBucket } from 'limiter';
import type { WebSocket } from 'ws';
import {
  MAX_VIEWING_PER_CONNECTION, VIEWING_TTL_MS, viewerOf, visibilityOf,
  type CollisionState, type ConversationDoc, type ServerFrame, type UserDoc,
} from '@atende/protocol';
import { visibleConversation } from '../access/conversations.js';
import { publishTopic, subscribeTopic, type Bus, type TopicMessage } from '../bus/index.js';
import type { DocStore } from '../store/index.js';
import { sendFrame } from './socket.js';

/** An agent socket as this module needs it (the hub's connection). */
export interface CollisionSocket {
  ws: WebSocket;
  principal?: { user: UserDoc };
}

/**
 * `viewing: true` frames one socket may send: a burst (a few quick switches between
 * conversations), then a sustained rate far above a renewal every 30 s. `viewing: false` is
 * never refused: it only ever undoes what a counted frame did.
 */
export const VIEWING_FRAMES = { burst: 20, perSecond: 2 } as const;

interface Watch {
  teamId: string;
  typing: boolean;
  /** performance.now() of the last renewal. */
  at: number;
}

/** What one socket is looking at. */
interface Watcher {
  userId: string;
  watching: Map<string, Watch>;
  bucket: TokenBucket;
  closed: boolean;
}

export interface CollisionsOptions {
  store: DocStore;
  bus: Bus;
  log: (message: string) => void;
  /** The node's authenticated and pending agent sockets. */
  sockets: () => Iterable<CollisionSocket>;
}

/**
 * R-WS-17 collisions: who has a conversation open or types in it, told to everyone else who may
 * see that conversation (its team's agents, supervisors and admins) on every node, through the
 * bus. Nothing is stored: a node keeps what its own sockets view, bounded per socket, and tells
 * `left` when a socket stops viewing or closes; observers expire what is not renewed.
 */
export class Collisions {
  private readonly watchers = new WeakMap<CollisionSocket, Watcher>();
  private readonly off: () => void;

  constructor(private readonly options: CollisionsOptions) {
    this.off = subscribeTopic(options.bus, 'collision', (m) => this.deliver(m), options.log);
  }

  stop(): void {
    this.off();
  }

  /** A `viewing` frame from an authenticated socket. */
  async viewing(socket: CollisionSocket, user: UserDoc, conversationId: string, viewing: boolean): Promise<void> {
    const watcher = this.watcherOf(socket, user.id);
    if (!viewing) {
      const watch = watcher.watching.get(conversationId);
      if (!watch) return;
      watcher.watching.delete(conversationId);
      return this.leave(watcher.userId, conversationId, watch.teamId);
    }
    if (!watcher.bucket.tryRemoveTokens(1)) return refuse(socket, 'rate_limited', 'Too many viewing frames; slow down');
    let conversation: ConversationDoc;
    try {
      conversation = await visibleConversation(this.options.store, user, conversationId);
    } catch {
      // Out of sight now (moved to another team, or the user's teams changed): a view it held ends.
      const lost = watcher.watching.get(conversationId);
      if (lost) {
        watcher.watching.delete(conversationId);
        this.leave(watcher.userId, conversationId, lost.teamId);
      }
      return refuse(socket, 'not_found', 'conversation not found');
    }
    // Closed while the conversation was read: its `left`s went out already; saying `viewing` now would outlive it.
    if (watcher.closed) return;
    const previous = watcher.watching.get(conversationId);
    if (!previous && watcher.watching.size >= MAX_VIEWING_PER_CONNECTION) this.evictOldest(watcher);
    const watch: Watch = { teamId: conversation.teamId, typing: previous?.typing ?? false, at: performance.now() };
    watcher.watching.set(conversationId, watch);
    this.publish({
      conversationId, teamId: watch.teamId, userId: user.id, state: watch.typing ? 'typing' : 'viewing', fresh: !previous,
    });
  }

  /** A participant's `typing` frame, already checked by the hub: observers see 'typing' / 'idle'. */
  typing(socket: CollisionSocket, user: UserDoc, conversation: ConversationDoc, typing: boolean): void {
    const watcher = this.watcherOf(socket, user.id);
    const watch = watcher.watching.get(conversation.id);
    if (watch) watch.typing = typing;
    // Stopped typing where this socket is not viewing (the composer outlives the view by a moment): gone.
    if (!typing && !watch) return this.leave(user.id, conversation.id, conversation.teamId);
    this.publish({ conversationId: conversation.id, teamId: conversation.teamId, userId: user.id, state: typing ? 'typing' : 'idle' });
  }

  /** The socket closed (or was signed out): `left` for everything it was viewing. */
  closed(socket: CollisionSocket): void {
    const watcher = this.watchers.get(socket);
    if (!watcher) return;
    watcher.closed = true;
    this.watchers.delete(socket);
    for (const [conversationId, watch] of watcher.watching) this.leave(watcher.userId, conversationId, watch.teamId);
    watcher.watching.clear();
  }

  private watcherOf(socket: CollisionSocket, userId: string): Watcher {
    let watcher = this.watchers.get(socket);
    if (!watcher) {
      const bucket = new TokenBucket({ bucketSize: VIEWING_FRAMES.burst, tokensPerInterval: VIEWING_FRAMES.perSecond, interval: 'second' });
      bucket.content = VIEWING_FRAMES.burst; // limiter starts a bucket empty
      watcher = { userId, watching: new Map(), bucket, closed: false };
      this.watchers.set(socket, watcher);
    }
    return watcher;
  }

  /** Over the bound, the least recently renewed view goes: a client that forgot to say `false`. */
  private evictOldest(watcher: Watcher): void {
    let oldest: [string, Watch] | undefined;
    for (const entry of watcher.watching) if (!oldest || entry[1].at < oldest[1].at) oldest = entry;
    if (!oldest) return;
    watcher.watching.delete(oldest[0]);
    this.leave(watcher.userId, oldest[0], oldest[1].teamId);
  }

  /**
   * One socket of the user stopped viewing: observers hear `left`, unless another socket of the
   * user on this node still views it (a second window), whose state they hear instead.
   */
  private leave(userId: string, conversationId: string, teamId: string): void {
    const still = this.localState(userId, conversationId);
    this.publish({ conversationId, teamId, userId, state: still ?? 'left' });
  }

  private localState(userId: string, conversationId: string): 'viewing' | 'typing' | undefined {
    let state: 'viewing' | 'typing' | undefined;
    for (const socket of this.options.sockets()) {
      const watch = this.watchers.get(socket);
      const seen = watch?.userId === userId ? watch.watching.get(conversationId) : undefined;
      if (seen) state = seen.typing ? 'typing' : state ?? 'viewing';
    }
    return state;
  }

  private publish(message: TopicMessage<'collision'>): void {
    void publishTopic(this.options.bus, 'collision', message)
      .catch((error: unknown) => this.options.log(`collision not published: ${String(error)}`)); // best effort, like typing
  }

  /** Every node: to each socket whose user may see the conversation, but never the author's own. */
  private deliver(m: TopicMessage<'collision'>): void {
    const frame: ServerFrame = { type: 'collision', conversationId: m.conversationId, userId: m.userId, state: m.state };
    const conversation = { type: 'conversation', teamId: m.teamId };
    for (const socket of this.options.sockets()) {
      const user = socket.principal?.user;
      if (!user || user.id === m.userId || (m.to !== undefined && user.id !== m.to)) continue;
      if (visibilityOf(viewerOf(user), conversation) === 'visible') sendFrame(socket.ws, frame);
    }
    if (m.fresh && m.to === undefined) this.introduce(m);
  }

  /** A new viewer learns at once who is already there (else only at their next renewal, up to 30 s later). */
  private introduce(m: TopicMessage<'collision'>): void {
    const now = performance.now();
    const told = new Set<string>([m.userId]);
    for (const socket of this.options.sockets()) {
      const watcher = this.watchers.get(socket);
      const watch = watcher?.watching.get(m.conversationId);
      if (!watcher || !watch || told.has(watcher.userId) || now - watch.at >= VIEWING_TTL_MS) continue;
      const state: CollisionState = this.localState(watcher.userId, m.conversationId) ?? 'viewing';
      told.add(watcher.userId);
      this.publish({ conversationId: m.conversationId, teamId: watch.teamId, userId: watcher.userId, state, to: m.userId });
    }
  }
}

function refuse(socket: CollisionSocket, code: string, message: string): void {
  sendFrame(socket.ws, { type: 'error', code, message });
}
