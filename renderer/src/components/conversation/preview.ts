import { computed, type Ref } from 'vue';
import { DELETED, storyOf, type ConversationDoc, type MessageDoc } from '@atende/protocol';
import type { AtendeDatabase } from '../../db/database';
import { liveQuery } from '../../db/live';

/**
 * A card's preview line for a message without text (a photo without caption, a sticker, a
 * location…): the server's `lastPreview` stays language-neutral (the text, else the file name,
 * else empty), and the card names the message's kind in the agent's language (`preview.<key>`).
 */
export interface KindPreview {
  key: 'image' | 'audio' | 'video' | 'document' | 'documentNamed' | 'sticker' | 'location' | 'contacts' | 'template' | 'templateNamed' | 'reaction'
    | 'storyMention' | 'storyReply' | 'deleted';
  values?: Record<string, string>;
}

type Previewed = Pick<MessageDoc, 'kind' | 'attachments' | 'payload'>;

export function kindPreview(message: Previewed): KindPreview | null {
  // Instagram (issue 11): an unsent message and a story mention carry no text and no file.
  const payload: Previewed['payload'] = message.payload ?? {};
  if (payload[DELETED] === true) return { key: 'deleted' };
  const story = storyOf(payload);
  if (story && message.attachments.length === 0) return { key: story.kind === 'mention' ? 'storyMention' : 'storyReply' };
  // A file sent from the composer is a text message carrying it: its file's kind names it.
  const kind = message.kind === 'text' ? message.attachments[0]?.kind : message.kind;
  const named = (key: 'documentNamed' | 'templateNamed', name: unknown, bare: 'document' | 'template'): KindPreview =>
    typeof name === 'string' && name ? { key, values: { name } } : { key: bare };
  switch (kind) {
    case 'image': case 'audio': case 'video': case 'sticker': case 'location': case 'contacts': case 'reaction':
      return { key: kind };
    case 'document':
      return named('documentNamed', message.attachments[0]?.name || payload.filename, 'document');
    case 'template':
      return named('templateNamed', payload.template, 'template');
    default:
      return null;
  }
}

/** What the customer or an agent said last: the message the server's summary was made from. */
const SAID: ReadonlySet<MessageDoc['direction']> = new Set(['in', 'out']);

/**
 * Only a card whose `lastPreview` is empty looks up its latest message in the local store (indexed
 * by conversation and time), so a list of text conversations queries nothing.
 */
export function useKindPreview(db: Ref<AtendeDatabase | undefined>, conversation: Ref<ConversationDoc>): Ref<KindPreview | null> {
  const lookUp = computed(() => (conversation.value.lastPreview ? undefined : conversation.value.id));
  const latest = liveQuery<MessageDoc>(
    () => {
      const id = lookUp.value;
      if (!id) return undefined;
      return db.value?.messages.find({ selector: { conversationId: id }, sort: [{ createdAt: 'desc' }], limit: 5 }).$;
    },
    () => [db.value, lookUp.value],
  );
  return computed(() => {
    if (conversation.value.lastPreview) return null;
    const last = latest.value.find((m) => SAID.has(m.direction));
    return last ? kindPreview(last) : null;
  });
}
