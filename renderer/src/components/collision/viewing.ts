import { onScopeDispose, watch } from 'vue';
import { VIEWING_RENEW_MS } from '@atende/protocol';
import { realtime } from '../../net/socket';
import { reportOpened } from '../audit/openedBeacon';

/**
 * Tells the server this window shows the conversation (R-WS-17): while it is on screen and the
 * window is visible, renewed every VIEWING_RENEW_MS and again on each new connection; `false`
 * when the window is hidden, the conversation changes or the view closes.
 */
export function useViewing(conversationId: () => string | undefined): void {
  /** The conversation the server was last told this window views. */
  let told: string | undefined;

  function announce(): void {
    const shown = document.visibilityState === 'visible' ? conversationId() : undefined;
    if (told && told !== shown) {
      realtime.send({ type: 'viewing', conversationId: told, viewing: false });
      told = undefined;
    }
    if (shown && realtime.send({ type: 'viewing', conversationId: shown, viewing: true })) told = shown;
  }

  watch(conversationId, announce, { immediate: true });
  // Issue 19 (R-PRIV-05): another team's conversation on screen is told to the access audit.
  watch(conversationId, (id) => void reportOpened(id), { immediate: true });
  document.addEventListener('visibilitychange', announce);
  const renew = setInterval(announce, VIEWING_RENEW_MS);
  // A new socket knows nothing of the old one's views.
  const offWelcome = realtime.onWelcome(() => {
    told = undefined;
    announce();
  });
  onScopeDispose(() => {
    clearInterval(renew);
    offWelcome();
    document.removeEventListener('visibilitychange', announce);
    if (told) realtime.send({ type: 'viewing', conversationId: told, viewing: false });
    told = undefined;
  });
}
