import { onScopeDispose, ref, type Ref } from 'vue';

/**
 * Below this width the workstation cannot show the rail, the lists, a conversation, the contact
 * panel and the internal chat side by side: at 1280 px the conversation kept ~300 px, its name
 * and "Opções" cut (R-WS-12). There the chat takes the contact panel's place while it is open.
 * Rail 56 + lists 320 + conversation ≥ 600 + contact 300 + chat 300 ≈ 1580 px.
 */
export const ROOM_FOR_BOTH_PANELS = '(min-width: 1600px)';

/** Whether the contact panel and the chat panel fit together now, following the window's width. */
export function useRoomForBothPanels(): Readonly<Ref<boolean>> {
  const query = typeof window.matchMedia === 'function' ? window.matchMedia(ROOM_FOR_BOTH_PANELS) : undefined;
  const fits = ref(query?.matches ?? true);
  const follow = (event: MediaQueryListEvent): void => {
    fits.value = event.matches;
  };
  query?.addEventListener('change', follow);
  onScopeDispose(() => query?.removeEventListener('change', follow));
  return fits;
}
