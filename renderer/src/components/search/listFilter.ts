import { ref } from 'vue';
import type { ConversationDoc } from '@atende/protocol';
import { useContextStore } from '../../stores/context';

/** "Favoritos" (R-WS-13): the lists show only the user's favourite conversations while on. */
export const favouritesOnly = ref(false);

/** The lists' filter for a component's setup: the list itself, or its favourites. */
export function useListFilter(): (list: readonly ConversationDoc[]) => ConversationDoc[] {
  const context = useContextStore();
  return (list) => (favouritesOnly.value ? list.filter((c) => context.favouriteIds.has(c.id)) : [...list]);
}
