import {
  conversationReplyWindow, DomainError, mayReplyFreely, replyPolicyOf, REPLY_WINDOW_CLOSED, WHATSAPP_WINDOW_CLOSED,
  type ConversationDoc,
} from '@atende/protocol';
import { replyWindowRefusal } from './channelSentences.js';

/** The part of a channel account the reply rules read: its settings (Messenger/Instagram `humanAgentTag`). */
export interface ReplyAccount {
  settings?: Record<string, string | undefined> | undefined;
}

/**
 * Free text and files outside the channel's window are refused here and never reach the upstream,
 * one reading (`replyWindowOf`) for every channel; only the code differs: WhatsApp's
 * `whatsapp_window_closed` (templates still go), Messenger/Instagram past 24 h (or 7 days with
 * HUMAN_AGENT) `reply_window_closed`. Both carry when the window closed.
 */
export function assertReplyWindowOpen(conversation: ConversationDoc, account: ReplyAccount | undefined, now: number): void {
  const policy = replyPolicyOf(account?.settings);
  const window = conversationReplyWindow(conversation, now, policy);
  if (mayReplyFreely(window)) return;
  const code = conversation.channel === 'whatsapp' ? WHATSAPP_WINDOW_CLOSED : REPLY_WINDOW_CLOSED;
  throw new DomainError('conflict', code, replyWindowRefusal(conversation.channel, policy), { closesAt: window.closesAt });
}
