import type { ChannelKind } from './documents.js';
import { customerWroteAtOf, serviceWindow } from './whatsappWindow.js';

/**
 * When an agent may write to the customer, per channel (R-CH-05, R-WA-05…07): each customer
 * message opens or refreshes a window counted from its own upstream time. WhatsApp: 24 h, then
 * templates only. Messenger and Instagram: the 24 h standard window (`messaging_type: RESPONSE`),
 * then — when the channel account allows it — `MESSAGE_TAG` + `HUMAN_AGENT` up to 7 days, then
 * closed. The website chat, Telegram and Reclame Aqui have no window. Pure, with the clock passed
 * in, so the composer, the server's refusal and the adapter's choice of `messaging_type` agree.
 */
export const STANDARD_WINDOW_MS = 24 * 60 * 60_000;
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * 60 * 60_000;

/** The server's refusal of a reply outside a Messenger/Instagram window: clients switch on this code. */
export const REPLY_WINDOW_CLOSED = 'reply_window_closed';
/** The server's refusal of a reply longer than its channel takes (`fitsChannelText`). */
export const TEXT_TOO_LONG = 'text_too_long';

/** Channels whose replies depend on the customer's last message time. */
export const WINDOWED_CHANNELS: readonly ChannelKind[] = ['whatsapp', 'messenger', 'instagram'];

/**
 * `free`: no window on this channel. `standard`: inside the 24 h window. `human_agent`: past it,
 * replies go tagged HUMAN_AGENT (Messenger/Instagram, when allowed). `closed`: free text refused
 * (WhatsApp still takes approved templates).
 */
export type ReplyMode = 'free' | 'standard' | 'human_agent' | 'closed';

export interface ReplyWindow {
  mode: ReplyMode;
  /** When the current mode ends (or the last one ended); null for `free` or when the customer never wrote. */
  closesAt: number | null;
  /** Milliseconds until `closesAt`, 0 once closed or without a window. */
  remainingMs: number;
}

export interface ReplyPolicy {
  /** The Messenger/Instagram account's `humanAgentTag` setting is 'on'. */
  humanAgentTag: boolean;
}

/** A channel account's reply policy from its settings: the one place `humanAgentTag === 'on'` is read. */
export function replyPolicyOf(settings: Readonly<Record<string, string | undefined>> | undefined): ReplyPolicy {
  return { humanAgentTag: settings?.humanAgentTag === 'on' };
}

export function replyWindowOf(
  channel: ChannelKind, customerWroteAt: number | null | undefined, now: number, policy: ReplyPolicy = { humanAgentTag: false },
): ReplyWindow {
  if (!WINDOWED_CHANNELS.includes(channel)) return { mode: 'free', closesAt: null, remainingMs: 0 };
  const standard = serviceWindow(customerWroteAt, now);
  if (standard.open) return { mode: 'standard', closesAt: standard.closesAt, remainingMs: standard.remainingMs };
  if (channel === 'whatsapp' || !policy.humanAgentTag || standard.closesAt === null) {
    return { mode: 'closed', closesAt: standard.closesAt, remainingMs: 0 };
  }
  const closesAt = standard.closesAt - STANDARD_WINDOW_MS + HUMAN_AGENT_WINDOW_MS;
  const remainingMs = Math.max(0, closesAt - now);
  return remainingMs > 0 ? { mode: 'human_agent', closesAt, remainingMs } : { mode: 'closed', closesAt, remainingMs: 0 };
}

/** The part of a conversation its reply window reads. */
export interface WindowedConversation {
  channel: ChannelKind;
  channelMeta: Record<string, string>;
  lastInboundAt: number | null;
}

/**
 * A conversation's window now, counted from the customer's own upstream time (`customerWroteAtOf`):
 * one reading for the composer and the server's refusal, so they cannot drift.
 */
export function conversationReplyWindow(
  conversation: WindowedConversation, now: number, policy: ReplyPolicy = { humanAgentTag: false },
): ReplyWindow {
  return replyWindowOf(conversation.channel, customerWroteAtOf(conversation), now, policy);
}

/** Whether free text (and files) may be sent now. */
export const mayReplyFreely = (window: ReplyWindow): boolean => window.mode !== 'closed';
