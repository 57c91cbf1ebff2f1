import { chatMessageId, presenceWithPause, type MessageDoc, type PresenceStatus, type UserDoc } from '@atende/protocol';

/**
 * Pure rules of the chat panel (R-WS-12): a colleague's status as the panel shows it, unread counts
 * per room, and which queued messages still wait for their stored copy.
 */

export type ColleagueStatus = 'online' | 'paused' | 'offline';

/**
 * Online, paused (with the pause's name the server wrote on the user, R-WS-09) or offline. The hub
 * reports offline only after its grace period, so a reconnecting colleague never blinks; without
 * our own connection nothing live is known, and everyone reads offline.
 */
export function colleagueStatus(
  presence: PresenceStatus | undefined, user: Pick<UserDoc, 'pause'>, connected: boolean,
): { status: ColleagueStatus; pauseName: string | null } {
  const status = presenceWithPause(connected ? (presence ?? 'offline') : 'offline', user);
  return { status, pauseName: status === 'paused' ? (user.pause?.name ?? null) : null };
}

const STATUS_ORDER: Record<ColleagueStatus, number> = { online: 0, paused: 1, offline: 2 };
export const byStatusThenName = (a: { status: ColleagueStatus; name: string }, b: { status: ColleagueStatus; name: string }): number =>
  STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.name.localeCompare(b.name);

type ChatMessage = Pick<MessageDoc, 'conversationId' | 'authorId' | 'createdAt' | 'direction'>;

/**
 * Colleagues' messages newer than the room's read mark; one's own never count. A room never read
 * on this machine counts what is newer than `since`, when this machine first served me
 * (`chatSince.ts`), not its whole history.
 */
export function unreadByRoom(
  messages: readonly ChatMessage[], me: string, markOf: (roomId: string) => number | undefined, since: number,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of messages) {
    if (m.direction !== 'internal' || m.authorId === me) continue;
    if (m.createdAt > (markOf(m.conversationId) ?? since)) counts.set(m.conversationId, (counts.get(m.conversationId) ?? 0) + 1);
  }
  return counts;
}

export function totalUnread(counts: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const n of counts.values()) total += n;
  return total;
}

/** Messages grouped by room, each room's in the order given (appended: a copy per message made it quadratic). */
export function messagesByRoom<T extends Pick<MessageDoc, 'conversationId'>>(messages: readonly T[]): Map<string, T[]> {
  const rooms = new Map<string, T[]>();
  for (const m of messages) {
    const room = rooms.get(m.conversationId);
    if (room) room.push(m);
    else rooms.set(m.conversationId, [m]);
  }
  return rooms;
}

/** My queued chat commands whose message has not replicated yet: shown in the room as "sending". */
export function stillSending<T extends { id: string }>(queued: readonly T[], stored: ReadonlySet<string>, me: string): T[] {
  return queued.filter((q) => !stored.has(chatMessageId(me, q.id)));
}

/**
 * Of the chat messages in the replica, the ones that are news (R-WS-12): a colleague's, first seen
 * by this window now, and newer than what was read in its room and than `notBefore` (when this
 * window opened: history arriving with the first sync is not news). Every message is marked seen.
 */
export function chatNews<T extends ChatMessage & Pick<MessageDoc, 'id'>>(
  messages: readonly T[], me: string, seen: Set<string>, notBefore: number, markOf: (roomId: string) => number | undefined,
): T[] {
  const news: T[] = [];
  for (const m of messages) {
    if (seen.has(m.id)) continue;
    seen.add(m.id);
    if (m.direction !== 'internal' || m.authorId === me) continue;
    if (m.createdAt > Math.max(notBefore, markOf(m.conversationId) ?? -1)) news.push(m);
  }
  return news;
}

/** The latest message of each room among `news`: one alert per room, however many came at once. */
export function latestPerRoom<T extends ChatMessage & Pick<MessageDoc, 'id'>>(news: readonly T[]): T[] {
  const latest = new Map<string, T>();
  for (const m of news) {
    const kept = latest.get(m.conversationId);
    if (!kept || m.createdAt >= kept.createdAt) latest.set(m.conversationId, m);
  }
  return [...latest.values()];
}
