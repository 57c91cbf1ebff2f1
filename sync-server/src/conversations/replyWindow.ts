import {
  CHANNEL_TEXT_MAX, customerWroteAtOf, DomainError, mayReplyFreely, REPLY_WINDOW_CLOSED, replyWindowOf,
  type ChannelKind, type ConversationDoc, type ReplyWindow,
} from '@atende/protocol';
import { assertWhatsAppWindowOpen } from './whatsappWindow.js';

/** Channel names as agents read them in refusals. */
const CHANNEL_NAME: Record<ChannelKind, string> = {
  webchat: 'O chat do site', whatsapp: 'O WhatsApp', telegram: 'O Telegram', messenger: 'O Messenger',
  instagram: 'O Instagram', reclameaqui: 'O Reclame Aqui',
};

/** The part of a channel account the reply rules read: its settings (Messenger/Instagram `humanAgentTag`). */
export interface ReplyAccount {
  settings?: Record<string, string | undefined> | undefined;
}

/** The reply window of a conversation now (R-CH-05, R-WA-05), with the account's HUMAN_AGENT setting. */
export function replyWindowNow(conversation: ConversationDoc, account: ReplyAccount | undefined, now: number): ReplyWindow {
  return replyWindowOf(conversation.channel, customerWroteAtOf(conversation), now, { humanAgentTag: account?.settings?.humanAgentTag === 'on' });
}

/**
 * Free text and files outside the channel's window are refused here and never reach the upstream:
 * WhatsApp as before (`whatsapp_window_closed`, templates still go); Messenger and Instagram past
 * 24 h (or 7 days with HUMAN_AGENT) `reply_window_closed`, with when it closed.
 */
export function assertReplyWindowOpen(conversation: ConversationDoc, account: ReplyAccount | undefined, now: number): void {
  if (conversation.channel === 'whatsapp') {
    assertWhatsAppWindowOpen(conversation, now);
    return;
  }
  const window = replyWindowNow(conversation, account, now);
  if (mayReplyFreely(window)) return;
  const name = CHANNEL_NAME[conversation.channel];
  const rule = account?.settings?.humanAgentTag === 'on'
    ? 'passaram 7 dias desde a última mensagem do cliente'
    : 'passaram 24 horas desde a última mensagem do cliente';
  throw new DomainError('conflict', REPLY_WINDOW_CLOSED,
    `${name} não permite responder: ${rule}. Só será possível responder quando o cliente escrever de novo.`,
    { closesAt: window.closesAt });
}

export const TEXT_TOO_LONG = 'text_too_long';

/** A reply longer than its channel takes (CHANNEL_TEXT_MAX), counted as the composer counts: trimmed, UTF-16 units. */
export function assertTextFits(channel: ChannelKind, text: string): void {
  const max = CHANNEL_TEXT_MAX[channel];
  if (text.trim().length <= max) return;
  throw new DomainError('unprocessable', TEXT_TOO_LONG,
    `${CHANNEL_NAME[channel]} aceita até ${max.toLocaleString('pt-BR')} caracteres por mensagem.`, { max });
}
