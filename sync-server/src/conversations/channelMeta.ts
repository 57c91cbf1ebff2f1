import type { ConversationDoc } from '@atende/protocol';
import type { DocStore } from '../store/index.js';
import { updateWire } from '../store/wire.js';

/**
 * Adds upstream facts to a conversation's `channelMeta` (keys not named stay as others wrote
 * them); no write when it already says so. `meta` may be a function of the current channelMeta,
 * so a rule that weighs what is stored (Reclame Aqui's last public word) reads the latest revision.
 */
export async function mergeChannelMeta(
  store: DocStore, conversationId: string,
  meta: Record<string, string> | ((current: Record<string, string>) => Record<string, string>),
): Promise<void> {
  await updateWire<ConversationDoc>(store, conversationId, (c) => {
    if (!c) return undefined;
    const next = typeof meta === 'function' ? meta(c.channelMeta) : meta;
    if (Object.entries(next).every(([k, v]) => c.channelMeta[k] === v)) return undefined;
    return { ...c, channelMeta: { ...c.channelMeta, ...next }, updatedAt: Math.max(Date.now(), c.updatedAt + 1) };
  });
}
