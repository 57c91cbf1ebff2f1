import { computed, type Ref } from 'vue';
import { conversationReplyWindow, mayReplyFreely, type ReplyPolicy, type WindowedConversation } from '@atende/protocol';
import { useNow } from '../../composables';

/**
 * The reply window as the agent sees it (R-WA-05…07 for WhatsApp, R-CH-05 for Messenger and
 * Instagram): the protocol's `conversationReplyWindow` (the rule the server applies when it queues
 * a reply and the adapter when it sends), the channel account's HUMAN_AGENT setting and the shared
 * one-second clock. Components read strings and modes that change once a minute (or at a
 * transition), so the clock's ticks do not re-render them.
 */
export type WindowConversation = WindowedConversation;

const NO_TAG: ReplyPolicy = { humanAgentTag: false };

/** Whether free text (and files) may go now: always on channels without a window; else inside it. */
export function mayWriteFreely(conversation: WindowConversation, now: number, policy: ReplyPolicy = NO_TAG): boolean {
  return mayReplyFreely(conversationReplyWindow(conversation, now, policy));
}

/**
 * The time left as an i18n key under `replyWindow.left.` and its values: hours and minutes,
 * seconds in the last minute; days and hours past a day when `withDays` (the 7-day HUMAN_AGENT
 * window; WhatsApp's never passes 24 h, and keeps its hours).
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

/**
 * The live window of a conversation. `mode` (and `open`) change only at a transition; `left` is
 * the text of the time left, a string, so a tick that does not change the minute re-renders
 * nothing (Vue only triggers a computed's readers when its value changed).
 */
export function useReplyWindow(
  conversation: Ref<WindowConversation>, say: (left: TimeLeft) => string, policy: () => ReplyPolicy = () => NO_TAG,
) {
  const now = useNow();
  const window = computed(() => conversationReplyWindow(conversation.value, now.value, policy()));
  const mode = computed(() => window.value.mode);
  const open = computed(() => mayReplyFreely(window.value));
  const left = computed(() => say(timeLeft(window.value.remainingMs, mode.value === 'human_agent')));
  return { mode, open, left };
}
