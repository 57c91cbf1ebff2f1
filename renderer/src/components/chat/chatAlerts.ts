import { computed, watch, type ComputedRef } from 'vue';
import { useI18n } from 'vue-i18n';
import type { NotifyRequest } from '@atende/protocol';
import { useChatStore } from '../../stores/chat';
import { useSessionStore } from '../../stores/session';
import { useWorkspaceStore } from '../../stores/workspace';
import { readMarkOf } from '../conversation/readMarks';
import { chatNews, latestPerRoom } from './chatRules';

/** Server and desk clocks differ a little: a message written just before opening is still news. */
const CLOCK_SLACK_MS = 60_000;

const looking = (): boolean => document.visibilityState === 'visible' && document.hasFocus();

/**
 * A colleague's chat message alerts like a customer's (R-WS-12 with R-WS-10): sound and
 * notification through `raise` (which follows the top bar's switches), unless its room is open in
 * the panel of a window someone is looking at. Answers how many rooms hold unread messages, for
 * the window's title.
 */
export function useChatAlerts(raise: (alert: NotifyRequest) => void): ComputedRef<number> {
  const { t } = useI18n();
  const chat = useChatStore();
  const session = useSessionStore();
  const workspace = useWorkspaceStore();
  const notBefore = Date.now() - CLOCK_SLACK_MS;
  const seen = new Set<string>();

  watch(
    () => [chat.byRoom, session.syncState, session.user?.id] as const,
    ([rooms, syncState, me]) => {
      if (!me) return;
      const news = chatNews([...rooms.values()].flat(), me, seen, notBefore, (room) => readMarkOf(me, room));
      // Until the replica has caught up once, what arrives is history (marked seen above).
      if (syncState !== 'synced') return;
      for (const m of latestPerRoom(news)) {
        if (chat.panelOpen && chat.openRoomId === m.conversationId && looking()) continue;
        const room = chat.roomOf(m.conversationId);
        if (!room) continue;
        const author = (m.authorId ? workspace.users.get(m.authorId)?.name : undefined) ?? '';
        const title = room.kind === 'dm' ? t('chat.alertDirect', { name: author }) : t('chat.alertTeam', { name: author, team: room.title });
        raise({ title, body: m.text });
      }
    },
    { immediate: true },
  );

  return computed(() => chat.unread.size);
}
