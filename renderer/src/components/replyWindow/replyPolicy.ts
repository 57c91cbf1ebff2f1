import { computed } from 'vue';
import type { ConversationDoc, ReplyPolicy } from '@atende/protocol';
import { useChannelsStore } from '../../stores/channels';

/**
 * Whether the conversation's Messenger/Instagram account sends replies with the HUMAN_AGENT tag
 * past 24 h (R-CH-05), from the agent's channel list (`GET /api/channels`, kept offline too). An
 * account the list does not name counts as without the tag: the composer then closes at 24 h,
 * never later than the server would.
 */
export function useReplyPolicy(conversation: () => Pick<ConversationDoc, 'channelAccountId'>) {
  const channels = useChannelsStore();
  return computed<ReplyPolicy>(() => ({
    humanAgentTag: channels.channels.find((channel) => channel.id === conversation().channelAccountId)?.humanAgentTag ?? false,
  }));
}
