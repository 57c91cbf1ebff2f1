import { computed, type ComputedRef } from 'vue';
import type { ConversationDoc } from '@atende/protocol';
import { liveQuery } from '../../db/live';
import { useSessionStore } from '../../stores/session';
import { otherSessions, type OtherSession } from './otherSessions';

/**
 * The contact's other open sessions (R-WS-05), live from the local replica: the contact panel's
 * list and the pop-out window's "Opções" (which has no contact panel) read the same. No
 * conversation (`undefined`): no query and an empty list.
 */
export function useOtherSessions(conversation: () => ConversationDoc | undefined): ComputedRef<OtherSession[]> {
  const session = useSessionStore();
  const contactId = computed(() => conversation()?.contactId);
  const found = liveQuery<ConversationDoc>(
    () => (contactId.value
      ? session.db?.conversations.find({ selector: { contactId: contactId.value, status: { $in: ['bot', 'waiting', 'active'] } } }).$
      : undefined),
    () => [session.db, contactId.value],
  );
  return computed(() => {
    const current = conversation();
    return current ? otherSessions(found.value, current, session.user?.id) : [];
  });
}
