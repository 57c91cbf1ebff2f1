import { z } from 'zod';
import { CollisionState, Id, PresenceStatus, Role, WebchatServerFrame } from '@atende/protocol';
import type { Bus } from './types.js';

/**
 * Every topic with the shape of its message. Another node wrote what arrives, so it is parsed
 * here and a message that does not fit is dropped (and logged) instead of reaching a handler.
 */
export const BusTopics = {
  /** A frame for a website visitor: every node pushes it to its own sockets of that contact. */
  'visitor.deliver': z.object({ contactId: Id, frame: WebchatServerFrame }),
  /** Someone types in a conversation: every node relays it to its sockets of these users. */
  typing: z.object({
    conversationId: Id,
    /** A user id, or the contact id when the customer types. */
    authorId: Id,
    typing: z.boolean(),
    recipientIds: z.array(Id).max(100),
  }),
  /**
   * R-WS-17: a user views, types in or left a conversation. Every node tells its sockets whose user
   * may see a conversation of `teamId` (all but the author's); with `to`, only that user's (the
   * answer to a `fresh` viewing: who was already there).
   */
  collision: z.object({
    conversationId: Id,
    teamId: Id,
    userId: Id,
    state: CollisionState,
    fresh: z.boolean().optional(),
    to: Id.optional(),
  }),
  /** A session was signed out or revoked: every node closes its sockets and forgets its cache. */
  'session.revoked': z.object({ sessionId: z.string().min(1).max(100), userId: Id }),
  /** An agent's presence changed (written by the Redis presence scripts; `seq` orders changes). */
  'presence.changed': z.object({ userId: Id, status: PresenceStatus, seq: z.number().int().nonnegative() }),
  /** A notice for every signed-in user of these roles (R-WS-09: a pause past its maximum, to supervisors). */
  'notify.roles': z.object({ roles: z.array(Role).min(1), title: z.string().min(1).max(200), body: z.string().max(1000) }),
  /**
   * The store's identity changed (issue 19: a purge raised its epoch, the replicas' purge signal):
   * every node hands out checkpoints of the new one at once and tells its sockets to pull, so open
   * desks meet 409 replica_reset and wipe their replicas now rather than at their next reconnect.
   */
  'store.identity': z.object({ identity: z.string().min(3).max(200) }),
} as const;

export type TopicName = keyof typeof BusTopics;
export type TopicMessage<T extends TopicName> = z.infer<(typeof BusTopics)[T]>;

export function publishTopic<T extends TopicName>(bus: Bus, topic: T, message: TopicMessage<T>): Promise<void> {
  return bus.publish(topic, message);
}

export function subscribeTopic<T extends TopicName>(
  bus: Bus,
  topic: T,
  handler: (message: TopicMessage<T>) => void,
  log: (message: string) => void = () => {},
): () => void {
  const schema: z.ZodType = BusTopics[topic];
  return bus.subscribe(topic, (raw) => {
    const parsed = schema.safeParse(raw);
    // The schema is the one of `topic`; TypeScript cannot follow a generic key into the map.
    if (parsed.success) handler(parsed.data as TopicMessage<T>);
    else log(`bus: dropped a malformed ${topic} message: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  });
}
