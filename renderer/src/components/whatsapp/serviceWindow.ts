import { computed, type Ref } from 'vue';
import {
  customerWroteAtOf, formatPhoneNumber, mayReplyFreely, ORIGIN_NUMBER_META, replyWindowOf,
  type ConversationDoc, type ReplyPolicy, type ReplyWindow,
} from '@atende/protocol';
import { useNow } from '../../composables';

/**
 * The reply window as the agent sees it (R-WA-05…07 for WhatsApp, R-CH-05 for Messenger and
 * Instagram): the protocol rule read from the conversation (`channelMeta.customerWroteAt`, the
 * customer's own upstream time), the channel account's HUMAN_AGENT setting and the shared
 * one-second clock. Components read strings and modes that change once a minute (or at a
 * transition), so the clock's ticks do not re-render them.
 */
export type WindowConversation = Pick<ConversationDoc, 'channel' | 'channelMeta' | 'lastInboundAt'>;

const NO_TAG: ReplyPolicy = { humanAgentTag: false };

/** The window now: the same rule the server applies when it queues a reply and the adapter when it sends. */
export function replyWindowNow(conversation: WindowConversation, now: number, policy: ReplyPolicy = NO_TAG): ReplyWindow {
  return replyWindowOf(conversation.channel, customerWroteAtOf(conversation), now, policy);
}

/** Whether free text (and files) may go now: always on channels without a window; else inside it. */
export function mayWriteFreely(conversation: WindowConversation, now: number, policy: ReplyPolicy = NO_TAG): boolean {
  return mayReplyFreely(replyWindowNow(conversation, now, policy));
}

/**
 * The time left as an i18n key under `whatsapp.left.` or `replyWindow.left.` and its values: hours
 * and minutes, seconds in the last minute; days and hours past a day when `withDays` (the 7-day
 * HUMAN_AGENT window; WhatsApp's never passes 24 h, and keeps its hours).
 */
export interface TimeLeft {
  key: 'days' | 'hours' | 'minutes' | 'seconds';
  values: { d?: number; h?: number; m?: number; s?: number };
}

export function timeLeft(remainingMs: number, withDays = false): TimeLeft {
  const seconds = Math.max(0, Math.floor(remainingMs / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (withDays && h >= 24) return { key: 'days', values: { d: Math.floor(h / 24), h: h % 24 } };
  if (h > 0) return { key: 'hours', values: { h, m } };
  if (m > 0) return { key: 'minutes', values: { m } };
  return { key: 'seconds', values: { s: seconds } };
}

/** The conversation's origin number as it reads on screen (`+55 11 91234-5678`), or '' when unknown. */
export function originNumberOf(conversation: Pick<ConversationDoc, 'channelMeta'>): string {
  const origin = conversation.channelMeta[ORIGIN_NUMBER_META];
  return origin ? formatPhoneNumber(origin) : '';
}

/**
 * The live window of a conversation. `mode` (and `open`) change only at a transition; `left` is
 * the text of the time left, a string, so a tick that does not change the minute re-renders
 * nothing (Vue only triggers a computed's readers when its value changed).
 */
export function useServiceWindow(
  conversation: Ref<WindowConversation>, say: (left: TimeLeft) => string, policy: () => ReplyPolicy = () => NO_TAG,
) {
  const now = useNow();
  const window = computed(() => replyWindowNow(conversation.value, now.value, policy()));
  const mode = computed(() => window.value.mode);
  const open = computed(() => mayReplyFreely(window.value));
  const left = computed(() => say(timeLeft(window.value.remainingMs, mode.value === 'human_agent')));
  return { mode, open, left };
}
