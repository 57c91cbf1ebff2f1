import { computed, onScopeDispose, ref, watch, type ComputedRef, type Ref } from 'vue';
import type { MessageDoc } from '@atende/protocol';
import type { AtendeDatabase } from '../../db/database';
import { liveQuery } from '../../db/live';

/**
 * Unread markers on active cards (issue 9): for each conversation, the server time of the newest
 * message this agent has seen, kept on this machine per user (localStorage, shared by the user's
 * windows; no replicated collection). A conversation counts as read while it is open in a window
 * that is visible and has focus.
 */
const KEY_PREFIX = 'atende.read.';
/** Enough for a day's work; the oldest marks go first. */
const MAX_MARKS = 500;

type Marks = Record<string, number>;
const marks = ref<Marks>({});
let loadedFor: string | undefined;

function load(userId: string): void {
  if (loadedFor === userId) return;
  loadedFor = userId;
  try {
    const stored = JSON.parse(localStorage.getItem(KEY_PREFIX + userId) ?? '{}') as unknown;
    marks.value = stored && typeof stored === 'object' ? (stored as Marks) : {};
  } catch {
    marks.value = {};
  }
}

if (typeof window !== 'undefined') {
  // Another window of the same user read a conversation: its badge clears here too.
  window.addEventListener('storage', (event) => {
    if (loadedFor && event.key === KEY_PREFIX + loadedFor) {
      const user = loadedFor;
      loadedFor = undefined;
      load(user);
    }
  });
}

export function readMarkOf(userId: string, conversationId: string): number | undefined {
  load(userId);
  return marks.value[conversationId];
}

/** Records that the user has seen the conversation up to `at` (a message's server time). */
export function markRead(userId: string, conversationId: string, at: number): void {
  load(userId);
  if ((marks.value[conversationId] ?? -1) >= at) return;
  const next = Object.entries({ ...marks.value, [conversationId]: at })
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_MARKS);
  marks.value = Object.fromEntries(next);
  try {
    localStorage.setItem(KEY_PREFIX + userId, JSON.stringify(marks.value));
  } catch {
    // Storage full or denied: the marker is a convenience.
  }
}

/** Customer messages newer than the read mark (never opened: all of them). */
export function unreadCount(messages: readonly Pick<MessageDoc, 'direction' | 'createdAt'>[], mark: number | undefined): number {
  return messages.filter((m) => m.direction === 'in' && m.createdAt > (mark ?? -1)).length;
}

/** The live unread count of one active conversation of the user. */
export function useUnreadCount(
  db: Ref<AtendeDatabase | undefined>,
  userId: Ref<string | undefined>,
  conversationId: Ref<string | undefined>,
): ComputedRef<number> {
  const mark = computed(() => (userId.value && conversationId.value ? readMarkOf(userId.value, conversationId.value) : undefined));
  const newer = liveQuery<MessageDoc>(
    () => (db.value && conversationId.value
      ? db.value.messages.find({ selector: { conversationId: conversationId.value, createdAt: { $gt: mark.value ?? -1 } } }).$
      : undefined),
    () => [db.value, conversationId.value, mark.value],
  );
  return computed(() => unreadCount(newer.value, mark.value));
}

/** Whether someone is looking at this window: visible and focused. */
function looking(): boolean {
  return document.visibilityState === 'visible' && document.hasFocus();
}

/**
 * Keeps the open conversation read: at opening, and whenever a message arrives or the window
 * gets focus back while it is shown.
 */
export function useReadWhileShown(userId: Ref<string | undefined>, conversationId: Ref<string>, messages: Ref<readonly MessageDoc[]>): void {
  function read(): void {
    const latest = messages.value[messages.value.length - 1];
    if (userId.value && latest && looking()) markRead(userId.value, conversationId.value, latest.createdAt);
  }
  watch([userId, conversationId, () => messages.value.length], read, { immediate: true });
  window.addEventListener('focus', read);
  document.addEventListener('visibilitychange', read);
  onScopeDispose(() => {
    window.removeEventListener('focus', read);
    document.removeEventListener('visibilitychange', read);
  });
}
