import { formatPhoneNumber, ORIGIN_NUMBER_META, type ConversationDoc } from '@atende/protocol';

/** The WhatsApp conversation's origin number as it reads on screen (`+55 11 91234-5678`), or '' when unknown. */
export function originNumberOf(conversation: Pick<ConversationDoc, 'channelMeta'>): string {
  const origin = conversation.channelMeta[ORIGIN_NUMBER_META];
  return origin ? formatPhoneNumber(origin) : '';
}
