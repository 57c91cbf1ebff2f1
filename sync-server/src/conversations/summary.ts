import type { Attachment, ConversationDoc, MessageDoc } from '@atende/protocol';

/** The line a conversation card shows for its latest message: its text, else its first file's name. */
export function previewOf(message: { text: string; attachments?: readonly Pick<Attachment, 'name'>[] | undefined }): string {
  const text = message.text || message.attachments?.[0]?.name || '';
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
}

/** The conversation's list fields after a message was added to it (customer messages also move lastInboundAt). */
export function summarise(c: ConversationDoc, message: MessageDoc): ConversationDoc {
  return {
    ...c,
    ...(message.direction === 'in' ? { lastInboundAt: Math.max(c.lastInboundAt ?? 0, message.createdAt) } : {}),
    lastMessageAt: Math.max(c.lastMessageAt ?? 0, message.createdAt),
    lastPreview: previewOf(message),
    updatedAt: Math.max(Date.now(), c.updatedAt + 1),
  };
}

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
