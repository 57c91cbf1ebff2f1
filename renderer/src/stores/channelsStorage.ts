import { z } from 'zod';
import { AgentChannel } from '@atende/protocol';

/**
 * The last channel list the server gave a user ("Nova conversa" offline, stores/channels.ts),
 * kept per machine and read back only for that same user.
 */
const KEY = 'atende.channels';
const Saved = z.object({ userId: z.string(), channels: z.array(AgentChannel) });

/** What the store may read and write: localStorage in the app, a stand-in in tests. */
export type ChannelsStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** The last list this user's server gave, when it is theirs and still reads as channels. */
export function savedChannels(storage: ChannelsStorage, userId: string | undefined): AgentChannel[] {
  if (!userId) return [];
  try {
    const saved = Saved.safeParse(JSON.parse(storage.getItem(KEY) ?? 'null'));
    return saved.success && saved.data.userId === userId ? saved.data.channels : [];
  } catch {
    return [];
  }
}

export function forgetChannels(storage: ChannelsStorage): void {
  storage.removeItem(KEY);
}

export function saveChannels(storage: ChannelsStorage, userId: string, channels: AgentChannel[]): void {
  try {
    storage.setItem(KEY, JSON.stringify({ userId, channels }));
  } catch {
    // Storage full or denied: the list is fetched again on the next connection.
  }
}
