import { z } from 'zod';

/**
 * Collision indicator (R-WS-17): "Ana Souza está vendo" / "está digitando" on a conversation
 * another agent or a supervisor has open. Live only (never stored): a window says `viewing`
 * while it shows a conversation and renews it; the server relays each change as a `collision`
 * frame to the others who may see the conversation. These rules are shared by the server (bounds)
 * and the renderer (expiry, who to name).
 */
export const CollisionState = z.enum(['viewing', 'typing', 'idle', 'left']);
export type CollisionState = z.infer<typeof CollisionState>;

/** A window renews its `viewing` this often while the conversation stays shown. */
export const VIEWING_RENEW_MS = 30_000;
/** An observer forgets a viewer not heard from for this long (two renewals missed, plus slack). */
export const VIEWING_TTL_MS = 75_000;
/** Conversations one connection may be marked as viewing at once (a window shows one; pop-outs have their own socket). */
export const MAX_VIEWING_PER_CONNECTION = 20;

/** What an observer knows of one other user on one conversation. */
export interface CollisionEntry {
  state: 'viewing' | 'typing';
  /** When the last frame about this user and conversation arrived (the observer's clock). */
  at: number;
}

/**
 * The entry after a frame: 'idle' (stopped typing) keeps them as a viewer, 'left' forgets them.
 * Every frame counts as a renewal, so a typer who never renews viewing stays until they stop.
 */
export function nextEntry(state: CollisionState, now: number): CollisionEntry | undefined {
  switch (state) {
    case 'viewing':
    case 'typing':
      return { state, at: now };
    case 'idle':
      return { state: 'viewing', at: now };
    case 'left':
      return undefined;
  }
}

export function isCurrent(entry: CollisionEntry, now: number): boolean {
  return now - entry.at < VIEWING_TTL_MS;
}

/** Who to name on a conversation: typers and viewers (typing wins), current entries only, sorted by name. */
export function observersOf(
  entries: ReadonlyMap<string, CollisionEntry> | undefined,
  now: number,
  nameOf: (userId: string) => string | undefined,
  exclude: ReadonlySet<string> = new Set(),
): { typing: string[]; viewing: string[] } {
  const typing: string[] = [];
  const viewing: string[] = [];
  for (const [userId, entry] of entries ?? []) {
    if (exclude.has(userId) || !isCurrent(entry, now)) continue;
    // A user not (yet) in the replica is not named by id: they show once their document arrives.
    const name = nameOf(userId);
    if (!name) continue;
    (entry.state === 'typing' ? typing : viewing).push(name);
  }
  const byName = (a: string, b: string) => a.localeCompare(b);
  return { typing: typing.sort(byName), viewing: viewing.sort(byName) };
}
