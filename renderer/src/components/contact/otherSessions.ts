import type { ChannelKind, ConversationDoc, ConversationStatus } from '@atende/protocol';

/**
 * R-WS-05 "outras sessões abertas": the same contact's conversations that are still open on another
 * channel or account (after a merge, or started by an agent), as the local replica has them —
 * conversations of teams the user does not replicate simply are not there.
 */
export type SessionHolder = { kind: 'mine' } | { kind: 'agent'; agentId: string } | { kind: 'queue'; teamId: string };

export interface OtherSession {
  id: string;
  protocol: string;
  channel: ChannelKind;
  channelAccountId: string;
  status: Exclude<ConversationStatus, 'finished'>;
  holder: SessionHolder;
  /** Mine: shown as the open conversation; anyone else's (or waiting): looked at read-only, never taken by a click. */
  opens: 'select' | 'peek';
  lastAt: number;
}

type SessionFields = Pick<
  ConversationDoc,
  'id' | 'contactId' | 'protocol' | 'channel' | 'channelAccountId' | 'teamId' | 'status' | 'agentId' | 'lastMessageAt' | 'createdAt'
>;

function holderOf(conversation: SessionFields, userId: string | undefined): SessionHolder {
  if (conversation.status === 'active' && conversation.agentId) {
    return conversation.agentId === userId ? { kind: 'mine' } : { kind: 'agent', agentId: conversation.agentId };
  }
  return { kind: 'queue', teamId: conversation.teamId };
}

/**
 * The contact's other open conversations, mine first, then the most recently busy. `current` is
 * the conversation on screen (excluded); `conversations` may hold anything from the replica.
 */
export function otherSessions(
  conversations: readonly SessionFields[],
  current: Pick<ConversationDoc, 'id' | 'contactId'>,
  userId: string | undefined,
): OtherSession[] {
  return conversations
    .flatMap((conversation): OtherSession[] => {
      const { status } = conversation;
      if (conversation.id === current.id || conversation.contactId !== current.contactId || status === 'finished') return [];
      const holder = holderOf(conversation, userId);
      return [{
        id: conversation.id,
        protocol: conversation.protocol,
        channel: conversation.channel,
        channelAccountId: conversation.channelAccountId,
        status,
        holder,
        opens: holder.kind === 'mine' ? 'select' : 'peek',
        lastAt: conversation.lastMessageAt ?? conversation.createdAt,
      }];
    })
    .sort((a, b) => Number(b.holder.kind === 'mine') - Number(a.holder.kind === 'mine') || b.lastAt - a.lastAt);
}
