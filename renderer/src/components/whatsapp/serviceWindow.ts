import { computed, type Ref } from 'vue';
import { customerWroteAtOf, formatPhoneNumber, ORIGIN_NUMBER_META, serviceWindow, type ConversationDoc } from '@atende/protocol';
import { useNow } from '../../composables';

/**
 * The WhatsApp 24-hour window as the agent sees it (R-WA-05…07): the protocol rule read from the
 * conversation (`channelMeta.customerWroteAt`, the customer's own upstream time) and the shared
 * one-second clock. Components read strings and booleans that change once a minute (or at the
 * closing), so the clock's ticks do not re-render them.
 */
export type WindowConversation = Pick<ConversationDoc, 'channel' | 'channelMeta' | 'lastInboundAt'>;

/** Whether free text may go now: always for other channels; for WhatsApp only inside the window. */
export function mayWriteFreely(conversation: WindowConversation, now: number): boolean {
  return conversation.channel !== 'whatsapp' || serviceWindow(customerWroteAtOf(conversation), now).open;
}

/** The time left as an i18n key under `whatsapp.left.` and its values: hours and minutes, seconds in the last minute. */
export interface TimeLeft {
  key: 'hours' | 'minutes' | 'seconds';
  values: { h?: number; m?: number; s?: number };
}

export function timeLeft(remainingMs: number): TimeLeft {
  const seconds = Math.max(0, Math.floor(remainingMs / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
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
 * The live window of a conversation. `open` flips once, at the closing; `left` is the text of the
 * time left, a string, so a tick that does not change the minute re-renders nothing (Vue only
 * triggers a computed's readers when its value changed).
 */
export function useServiceWindow(conversation: Ref<WindowConversation>, say: (left: TimeLeft) => string) {
  const now = useNow();
  const open = computed(() => mayWriteFreely(conversation.value, now.value));
  const left = computed(() => say(timeLeft(serviceWindow(customerWroteAtOf(conversation.value), now.value).remainingMs)));
  return { open, left };
}
