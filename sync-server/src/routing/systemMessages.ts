import { createHash } from 'node:crypto';
import { keyOf, type ConversationDoc, type MessageDoc } from '@atende/protocol';
import { mayReachCustomer, outgoingMessage, signatureOf, speakingAccount, storeOutgoing } from '../conversations/outgoing.js';
import type { DocStore } from '../store/index.js';

/**
 * Messages the organisation sends with no agent (R-RT-01 session timeout, R-RT-03 off-hours): an
 * outgoing message with no author, stored `queued` with its send job like an agent's reply
 * (conversations/outgoing.ts), so every channel delivers it through the same outbox. Its id comes from the conversation
 * and the reason, so each is sent at most once per conversation however often the cause repeats.
 */
export function systemMessageId(conversationId: string, reason: string): string {
  const id = `message:sys.${keyOf(conversationId)}.${reason}`;
  return id.length <= 100 ? id : `message:sys.${createHash('sha256').update(id).digest('base64url').slice(0, 32)}`;
}

/**
 * The message, or undefined when the channel would refuse it now (WhatsApp's and Messenger's
 * windows closed since the customer last wrote): a job that can only fail is not written.
 * Signed with the channel account's name: the organisation as the customer knows it there.
 */
export async function systemMessage(store: DocStore, c: ConversationDoc, reason: string, text: string, at: number): Promise<MessageDoc | undefined> {
  const account = await speakingAccount(store, c);
  if (!mayReachCustomer(c, account, at)) return undefined;
  return outgoingMessage(c, { id: systemMessageId(c.id, reason), at, authorName: signatureOf(account), text: text.trim() });
}

/**
 * Writes the message with its send job, create-only: false when it was sent already (or the
 * write failed). The conversation's card follows it, unless the caller wrote that already.
 */
export async function storeSystemMessage(store: DocStore, message: MessageDoc, options: { summarised?: boolean } = {}): Promise<boolean> {
  return (await storeOutgoing(store, message, { ...options, jobNow: message.createdAt })) !== undefined;
}
