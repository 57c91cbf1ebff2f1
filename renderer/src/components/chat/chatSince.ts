/**
 * When this machine first served a user's internal chat (R-WS-12): the baseline of unread counts
 * for rooms without a read mark. Read marks live on each machine (`conversation/readMarks.ts`), so
 * a machine that never served the user knows nothing of what they read elsewhere; counting the whole
 * replicated history as unread would bury the few messages that are news. Messages written before
 * this machine first served the user were read on another machine or are old news; everything
 * after it counts until the room is read here. Kept per user, so later sign-ins keep the same
 * baseline and what arrives while signed out still counts.
 */
const KEY_PREFIX = 'atende.chat.since.';

type Store = Pick<Storage, 'getItem' | 'setItem'>;

function defaultStorage(): Store | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined; // access denied
  }
}

export function chatSinceOf(userId: string, now = Date.now(), storage: Store | undefined = defaultStorage()): number {
  try {
    const stored = Number(storage?.getItem(KEY_PREFIX + userId));
    if (Number.isFinite(stored) && stored > 0) return stored;
    storage?.setItem(KEY_PREFIX + userId, String(now));
  } catch {
    // Storage full or denied: now is the baseline of this session.
  }
  return now;
}
