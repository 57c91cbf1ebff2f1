import { z } from 'zod';
import { Id, UserDoc } from './documents.js';
import { COLLECTION_NAMES, type CollectionName } from './collections.js';
import { ReplicaInfo, SyncCheckpoint } from './sync.js';
import { ConversationEventPayload } from './conversationEvents.js';
import { CollisionState } from './collisions.js';

/** WebSocket frames on `/ws` (agents) and `/ws/webchat` (visitors), validated on both sides. */
export const PresenceStatus = z.enum(['online', 'paused', 'offline']);
export type PresenceStatus = z.infer<typeof PresenceStatus>;

export const PING_INTERVAL_MS = 15_000;

/** What a supervisor did to an agent (R-SV-04): ended their pause, or signed them out of every session. */
export const AgentNotice = z.enum(['pauseEnded', 'signedOut']);
export type AgentNotice = z.infer<typeof AgentNotice>;

/**
 * Close code of agent and visitor sockets when the server drains before stopping (1012, "Service
 * Restart" in the WebSocket registry): clients reconnect at once (jittered ≤ 1 s), not on their
 * backoff, since a restarted or sibling node is back within seconds.
 */
export const SERVER_RESTARTING_CLOSE = 1012;
export const SERVER_RESTARTING_REASON = 'server restarting';
/**
 * Close code of an agent socket whose outbound buffer outgrew its cap because it read the change
 * stream too slowly: the network is fine, so the client comes back at once and resyncs.
 */
export const SLOW_READER_CLOSE = 4008;
/**
 * Close code of a socket whose token was refused (missing, expired, revoked; 4000 + HTTP 401): the
 * agent app renews its access token before retrying, the widget forgets its visitor.
 */
export const UNAUTHENTICATED_CLOSE = 4401;

export const ClientFrame = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('hello'), token: z.string().min(1).max(4096) }),
  z.strictObject({ type: z.literal('presence.set'), status: z.enum(['online', 'paused']) }),
  z.strictObject({ type: z.literal('typing'), conversationId: Id, typing: z.boolean() }),
  /** R-WS-17: this window shows the conversation (renewed every VIEWING_RENEW_MS) or stopped showing it. */
  z.strictObject({ type: z.literal('viewing'), conversationId: Id, viewing: z.boolean() }),
  z.strictObject({ type: z.literal('ping') }),
  z.strictObject({ type: z.literal('pong') }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

const CollectionNameSchema = z.enum(COLLECTION_NAMES as [CollectionName, ...CollectionName[]]);

export const ServerFrame = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('welcome'),
    userId: Id,
    presence: z.record(z.string(), PresenceStatus),
    /**
     * When each user's presence last changed (R-SV-01 "time in current status", issue 16), in ms;
     * a user missing here changed before this node knew them. Optional: older servers send none.
     */
    presenceSince: z.record(z.string(), z.number()).optional(),
    /** The signed-in user as the server knows them now (teams, role): the session refreshes from it. */
    user: UserDoc.optional(),
    replica: ReplicaInfo.optional(),
  }),
  /** A hint: pull these collections from their checkpoints (catch-up after a gap). */
  z.object({ type: z.literal('sync.changed'), collections: z.array(CollectionNameSchema) }),
  /**
   * Live changes, computed once per node and sent to every eligible socket (issue 8): the
   * documents in wire form (`_deleted` tombstones carry no content) and the checkpoint to resume
   * from, fed to RxDB's `pull.stream$`.
   */
  z.object({
    type: z.literal('sync.docs'),
    collection: CollectionNameSchema,
    documents: z.array(z.record(z.string(), z.unknown())),
    checkpoint: SyncCheckpoint,
  }),
  /** The user's own document changed (teams, role): refresh the session, purge what was lost. */
  z.object({ type: z.literal('session.user'), user: UserDoc, replica: ReplicaInfo }),
  /** `since`: when this status began (issue 16); optional, older servers send none. */
  z.object({ type: z.literal('presence'), userId: Id, status: PresenceStatus, since: z.number().optional() }),
  z.object({
    type: z.literal('typing'),
    conversationId: Id,
    /** A user id, or the contact id when the customer types. */
    authorId: Id,
    typing: z.boolean(),
  }),
  /** R-WS-17: another user views, types in, stopped typing in ('idle') or left a conversation this user may see. */
  z.object({ type: z.literal('collision'), conversationId: Id, userId: Id, state: CollisionState }),
  z.object({ type: z.literal('notify'), title: z.string(), body: z.string(), conversationId: Id.optional() }),
  /** A supervisor acted on this user (R-SV-04): the app says so, in the user's language, naming who. */
  z.object({ type: z.literal('notice'), notice: AgentNotice, byName: z.string() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
  z.object({ type: z.literal('ping') }),
  z.object({ type: z.literal('pong') }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

export const VisitorFrame = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('typing'), typing: z.boolean() }),
  z.strictObject({ type: z.literal('ping') }),
  z.strictObject({ type: z.literal('pong') }),
]);
export type VisitorFrame = z.infer<typeof VisitorFrame>;

/** What a visitor sees of a message: no internal ids of agents, no private notes. */
export const VisitorMessage = z.object({
  id: z.string(),
  /** 'system': a lifecycle notice (queued, agent joined, transferred, finished), shown centred. */
  direction: z.enum(['in', 'out', 'system']),
  authorName: z.string(),
  text: z.string(),
  createdAt: z.number(),
  /** Files, fetched with the visitor token from `GET /api/webchat/media/:mediaId`. */
  attachments: z.array(z.object({ mediaId: z.string(), name: z.string(), mimeType: z.string(), size: z.number() })).default([]),
  /** The question after finish (issue 18): the widget shows 1–5 stars and a comment box under it until answered. */
  ratingRequest: z.boolean().optional(),
  /** Present on 'system' messages: what happened, for the widget to say in the page's language. */
  event: ConversationEventPayload.optional(),
});
export type VisitorMessage = z.infer<typeof VisitorMessage>;

export const WebchatServerFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('welcome'), visitorId: z.string() }),
  z.object({ type: z.literal('message'), message: VisitorMessage }),
  z.object({ type: z.literal('typing'), typing: z.boolean() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
  z.object({ type: z.literal('ping') }),
  z.object({ type: z.literal('pong') }),
]);
export type WebchatServerFrame = z.infer<typeof WebchatServerFrame>;
