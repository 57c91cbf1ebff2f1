import { z } from 'zod';
import { ClientId, Id, type ChannelKind, type ConversationDoc, type MessageDoc, type Role } from './documents.js';

/**
 * Invited collaborators (R-WS-05): the owner (or a supervisor) brings colleagues into an active
 * conversation; they write in it like the owner, leave when done, and are gone after a finish or
 * a transfer (lifecycle.ts). The owner alone keeps finish and transfer (permissions.ts).
 */

export const INVITE_MAX = 10;

export const InviteBody = z.strictObject({
  /** The command id: a repeat answers the first outcome and invites no one again. */
  id: ClientId.optional(),
  agentIds: z.array(Id).min(1).max(INVITE_MAX).refine((ids) => new Set(ids).size === ids.length, 'each agent once'),
});
export type InviteBody = z.infer<typeof InviteBody>;

export const LeaveBody = z.strictObject({ id: ClientId.optional() });
export type LeaveBody = z.infer<typeof LeaveBody>;

/**
 * Who may be invited into a conversation of `teamId`: an agent of that team, or a supervisor or
 * admin (they oversee every team). Never the conversation's owner: they already hold it.
 */
export function mayBeInvited(
  candidate: { id: string; role: Role; teamIds: readonly string[] },
  conversation: Pick<ConversationDoc, 'teamId' | 'agentId'>,
): boolean {
  if (candidate.id === conversation.agentId) return false;
  return candidate.role !== 'agent' || candidate.teamIds.includes(conversation.teamId);
}

/**
 * Channels whose messages go without the author's name: the website chat shows `authorName` by
 * itself; on Reclame Aqui the company answers as one, and the poller recognises our own answers
 * by their exact text (channels/reclameaqui/complaints.ts), which a prefix would break.
 */
const NOT_PREFIXED: ReadonlySet<ChannelKind> = new Set(['webchat', 'reclameaqui']);

/**
 * Whether an agent's outgoing message must name its author to the customer: on channels that show
 * no author, while the conversation has invitees — and also when the author no longer holds it nor
 * is invited (they left, or it was transferred, before the send ran), so a message is never passed
 * off as the current owner's. Templates are approved texts and go as approved.
 */
export function identifiesAuthor(
  conversation: Pick<ConversationDoc, 'channel' | 'agentId' | 'invitedAgentIds'>,
  message: Pick<MessageDoc, 'direction' | 'authorId' | 'authorName' | 'kind' | 'text'>,
): boolean {
  if (NOT_PREFIXED.has(conversation.channel)) return false;
  if (message.direction !== 'out' || !message.authorId || !message.authorName.trim() || !message.text.trim()) return false;
  if (message.kind === 'template' || message.kind === 'reaction' || message.kind === 'event') return false;
  return conversation.invitedAgentIds.length > 0 || conversation.agentId !== message.authorId;
}

/** `*Ana Souza*:` on WhatsApp (bold there; asterisks in the name would break it), `Ana Souza:` elsewhere. */
export function authorPrefix(channel: ChannelKind, authorName: string): string {
  const name = authorName.trim().replace(/\s+/g, ' ');
  return channel === 'whatsapp' ? `*${name.replace(/\*/g, '')}*:` : `${name}:`;
}

/**
 * The text that leaves for the customer's channel. The stored message keeps the agent's text as
 * typed; only the upstream copy carries the author's name.
 */
export function upstreamText(
  conversation: Pick<ConversationDoc, 'channel' | 'agentId' | 'invitedAgentIds'>,
  message: Pick<MessageDoc, 'direction' | 'authorId' | 'authorName' | 'kind' | 'text'>,
): string {
  if (!identifiesAuthor(conversation, message)) return message.text;
  return `${authorPrefix(conversation.channel, message.authorName)} ${message.text}`;
}
