import { defineStore } from 'pinia';
import { markRaw, shallowReactive } from 'vue';
import { isCurrent, nextEntry, observersOf, type CollisionEntry, type CollisionState } from '@atende/protocol';
import { realtime } from '../net/socket';

/** Conversations kept at once: far more than anyone opens, so a long day cannot grow it. */
export const MAX_CONVERSATIONS = 200;

/**
 * What this window knows of others on each conversation (R-WS-17), from `collision` frames.
 * Plain and clock-free so it is tested without a socket; the store below makes it reactive.
 */
export class CollisionBook {
  constructor(readonly conversations: Map<string, Map<string, CollisionEntry>> = new Map()) {}

  apply(conversationId: string, userId: string, state: CollisionState, now: number): void {
    const previous = this.conversations.get(conversationId);
    const entries = new Map([...(previous ?? [])].filter(([, entry]) => isCurrent(entry, now)));
    const entry = nextEntry(state, now);
    if (entry) entries.set(userId, entry);
    else entries.delete(userId);
    // A new map each time: the reactive outer map sees the change; insertion order keeps the most recent last.
    this.conversations.delete(conversationId);
    if (entries.size > 0) this.conversations.set(conversationId, entries);
    for (const oldest of this.conversations.keys()) {
      if (this.conversations.size <= MAX_CONVERSATIONS) break;
      this.conversations.delete(oldest);
    }
  }

  observers(conversationId: string, now: number, nameOf: (userId: string) => string | undefined, exclude?: ReadonlySet<string>) {
    return observersOf(this.conversations.get(conversationId), now, nameOf, exclude);
  }

  clear(): void {
    this.conversations.clear();
  }
}

/** Fed by the socket from the first frame (created in the realtime store); a new connection starts empty. */
export const useCollisionsStore = defineStore('collisions', () => {
  // Raw: the store would wrap the class deeply; its outer map is what changes and is tracked.
  const book = markRaw(new CollisionBook(shallowReactive(new Map())));
  realtime.on('collision', (frame) => book.apply(frame.conversationId, frame.userId, frame.state, Date.now()));
  // After a drop nothing said before it is trusted: viewers renew within 30 s, and this window's own
  // `viewing` makes the server introduce who is there at once.
  realtime.on('welcome', () => book.clear());
  return { book };
});
