import { createHash } from 'node:crypto';
import {
  DomainError, keyOf, mayBeInvited, pauseErrors, type ConversationDoc, type UserDoc,
} from '@atende/protocol';
import type { DocStore, StoredDoc } from '../store/index.js';
import { getWire } from '../store/wire.js';
import { eventMessageId, type PendingEvent } from './events.js';

/**
 * What inviting collaborators (R-WS-05) needs of the store, beside the lifecycle's `invite` and
 * `leave` events (ConversationService runs those): who may be invited, the trace lines, and the
 * recognition of a repeated command by what it wrote with the conversation.
 */

/** The agents named by an invitation, each checked; a 422 (409 when paused) names the first that does not fit. */
export async function invitees(store: DocStore, c: ConversationDoc, agentIds: readonly string[]): Promise<UserDoc[]> {
  const agents: UserDoc[] = [];
  for (const agentId of agentIds) {
    const agent = agentId.startsWith('user:') ? await getWire<UserDoc>(store, agentId) : undefined;
    // A removed user is a tombstone (`getWire` answers nothing): as unknown as a made-up id.
    if (!agent || agent.type !== 'user') throw new DomainError('unprocessable', 'unknown_agent', `No such agent: ${agentId}`);
    if (agent.id === c.agentId) throw new DomainError('unprocessable', 'is_owner', 'That agent already holds the conversation');
    if (!mayBeInvited(agent, c)) {
      throw new DomainError('unprocessable', 'agent_not_in_team', `${agent.name} is not a member of the conversation’s team`);
    }
    // A paused agent receives no conversation (R-WS-09), as a helper no more than as its holder.
    if (agent.pause) throw pauseErrors.targetPaused(agent.name);
    agents.push(agent);
  }
  return agents;
}

/** Keyed by the command, so a repeat (or a retry after a crash) writes the same line again, not a second one. */
export function invitedEvent(commandId: string, agent: Pick<UserDoc, 'id' | 'name'>, byUserId: string, at: number): PendingEvent {
  return { key: `invited.${commandId}.${keyOf(agent.id)}`, payload: { event: 'invited', agentId: agent.id, agentName: agent.name, byUserId }, at };
}

export function leftEvent(commandId: string, agent: Pick<UserDoc, 'id' | 'name'>, at: number): PendingEvent {
  return { key: `left.${commandId}.${keyOf(agent.id)}`, payload: { event: 'left', agentId: agent.id, agentName: agent.name }, at };
}

/**
 * The record that an invitation command ran (server-only: `invitation` is no replicated type),
 * written in the conversation's own store write, or alone when it found everyone already in. A
 * repeat that finds it answers the conversation as it is: it never brings back someone who left
 * since, whether or not this command had brought them in.
 */
export function invitationRecord(conversationId: string, byUserId: string, commandId: string, at: number): StoredDoc {
  const key = createHash('sha256').update(`${conversationId}\n${byUserId}\n${commandId}`).digest('base64url').slice(0, 32);
  return { _id: `invitation:${key}`, type: 'invitation', conversationId, byUserId, commandId, at };
}

export async function recorded(store: DocStore, record: StoredDoc): Promise<boolean> {
  const stored = await store.get(record._id, { fresh: true });
  return stored !== undefined && !stored._deleted;
}

/** Writes the record unless it is there (create-only: a conflict is the record already written). */
export async function keepRecord(store: DocStore, record: StoredDoc): Promise<void> {
  const [result] = await store.bulkWrite([record]);
  if (result && !result.ok && result.error !== 'conflict') throw new Error(`write ${record._id}: ${result.reason}`);
}

/**
 * Whether a leave already ran: its event line is stored (written in the same store write as the
 * conversation). Without it a repeat would refuse a leave that went through ("not invited").
 */
export async function alreadyApplied(store: DocStore, conversationId: string, event: PendingEvent): Promise<boolean> {
  const stored = await store.get(eventMessageId(conversationId, event.key), { fresh: true });
  return stored !== undefined && !stored._deleted && stored.conversationId === conversationId;
}
