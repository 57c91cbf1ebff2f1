import { CUSTOMER_WROTE_AT_META, SENT_AT, type Attachment, type ConversationDoc, type MessageDoc } from '@atende/protocol';

/** The line a conversation card shows for its latest message: its text, else its first file's name. */
export function previewOf(message: { text: string; attachments?: readonly Pick<Attachment, 'name'>[] | undefined }): string {
  const text = message.text || message.attachments?.[0]?.name || '';
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
}

/**
 * When the customer wrote a message by their own clock (`payload.sentAt`, set by adapters whose
 * upstream stamps messages; the arrival time otherwise). WhatsApp's 24-hour window counts from it.
 */
export function customerWroteAt(message: Pick<MessageDoc, 'createdAt' | 'payload'>): number {
  const sentAt = message.payload?.[SENT_AT];
  return typeof sentAt === 'number' && Number.isFinite(sentAt) ? sentAt : message.createdAt;
}

/**
 * Kept on the conversation, so a send checks the window without reading messages
 * (`channelMeta.customerWroteAt`), and the agent's typing indicator can name the customer's latest
 * upstream message (`channelMeta.lastInboundExternalId`: WhatsApp shows it only as a reply to one).
 */
export function withCustomerWroteAt(
  c: ConversationDoc,
  message: Pick<MessageDoc, 'createdAt' | 'payload'> & { externalId?: string | null | undefined },
): ConversationDoc {
  const known = Number(c.channelMeta[CUSTOMER_WROTE_AT_META]);
  const wrote = customerWroteAt(message);
  const latest = !Number.isFinite(known) || wrote >= known;
  const at = Math.max(Number.isFinite(known) ? known : 0, wrote);
  const channelMeta: Record<string, string> = { ...c.channelMeta, [CUSTOMER_WROTE_AT_META]: String(at) };
  // A late webhook for an older message does not replace the id of the newest one.
  if (message.externalId && latest) channelMeta.lastInboundExternalId = message.externalId;
  return { ...c, channelMeta };
}

/** The conversation's list fields after a message was added to it (customer messages also move lastInboundAt). */
export function summarise(c: ConversationDoc, message: MessageDoc): ConversationDoc {
  const inbound = message.direction === 'in';
  return {
    ...(inbound ? withCustomerWroteAt(c, message) : c),
    ...(inbound ? { lastInboundAt: Math.max(c.lastInboundAt ?? 0, message.createdAt) } : {}),
    lastMessageAt: Math.max(c.lastMessageAt ?? 0, message.createdAt),
    lastPreview: previewOf(message),
    ...(c.firstResponseAt == null && isAgentAnswer(message) ? { firstResponseAt: message.createdAt } : {}),
    updatedAt: Math.max(Date.now(), c.updatedAt + 1),
  };
}

/**
 * What counts as the first response (issue 16, metrics.ts): a person of the team wrote to the
 * customer. The bot, the organisation's automatic lines, integrations and upstream echoes write
 * with no author; a private Reclame Aqui message is not seen by the customer.
 */
export const isAgentAnswer = (m: Pick<MessageDoc, 'direction' | 'authorId' | 'visibility'>): boolean =>
  m.direction === 'out' && m.authorId !== null && m.visibility === 'public';

/**
 * A message moved into `teamId`'s conversation: replication filters messages by team, and the
 * team it leaves keeps it only as a deletion (ARCHITECTURE §4).
 */
export function inTeam<T extends object>(message: T, teamId: string): T {
  // Stored (`_id`) and wire (`id`) messages alike: only these three fields are read.
  const { teamId: from, formerTeamIds, updatedAt } = message as { teamId?: unknown; formerTeamIds?: unknown; updatedAt?: unknown };
  const former = new Set([...((formerTeamIds as string[] | undefined) ?? []), String(from)]);
  former.delete(teamId);
  return { ...message, teamId, formerTeamIds: [...former], updatedAt: Math.max(Date.now(), Number(updatedAt ?? 0) + 1) };
}
