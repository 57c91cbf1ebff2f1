import type { ConversationDoc } from '@atende/protocol';

/**
 * R-WS-13: a conversation marked resolved is silent (no sound, notification or count) until the
 * customer writes again — the server then clears the mark with the same change that brings the
 * message, so that message alerts as usual.
 */
export const silenced = (conversation: Pick<ConversationDoc, 'mark'>): boolean => conversation.mark === 'resolved';

/** An active conversation with a customer message the agent has not read yet, and not silenced. */
export function needsAttention(conversation: Pick<ConversationDoc, 'mark' | 'lastInboundAt'>, readMark: number | undefined): boolean {
  return !silenced(conversation) && (conversation.lastInboundAt ?? -1) > (readMark ?? -1);
}

/** The window title: how many active conversations wait for the agent's eyes, e.g. "(2) Atende". */
export const titleWith = (count: number): string => (count > 0 ? `(${count}) Atende` : 'Atende');
