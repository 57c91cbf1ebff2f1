import { computed, onScopeDispose, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import type { ConversationDoc, Transfer } from '@atende/protocol';
import { needsAttention, silenced, titleWith } from '../conversation/attention';
import { arrivingTransfer } from '../invite/transferNote';
import { useChatAlerts } from '../chat/chatAlerts';
import { readMarkOf } from '../conversation/readMarks';
import { desktop } from '../../desktop';
import { usePreferencesStore } from '../../stores/preferences';
import { useSessionStore } from '../../stores/session';
import { useWorkspaceStore } from '../../stores/workspace';
import { useMyPause } from '../pause/myPause';

let audio: AudioContext | undefined;
let quiet: ReturnType<typeof setTimeout> | undefined;
const TONE_S = 0.3;
// Browsers only let audio start after a user gesture; arm it on the first one. Suspended at once and
// between tones: a running context keeps the audio service busy in silence (~3 % of a core per window).
function armAudio(): void {
  if (audio || typeof AudioContext === 'undefined') return;
  audio = new AudioContext();
  void audio.suspend();
}
if (typeof window !== 'undefined') {
  window.addEventListener('pointerdown', armAudio, { once: true });
  window.addEventListener('keydown', armAudio, { once: true });
}

async function beep(): Promise<void> {
  const context = audio;
  if (!context || context.state === 'closed') return;
  clearTimeout(quiet);
  await context.resume().catch(() => undefined);
  if (context.state !== 'running') return;
  const osc = context.createOscillator();
  const gain = context.createGain();
  osc.frequency.value = 880;
  gain.gain.setValueAtTime(0.15, context.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.001, context.currentTime + TONE_S);
  osc.connect(gain).connect(context.destination);
  osc.start();
  osc.stop(context.currentTime + TONE_S);
  // The last tone's end suspends it (a tone that comes meanwhile moves this on).
  clearTimeout(quiet);
  quiet = setTimeout(() => void context.suspend(), TONE_S * 1000 + 200);
}

const CONTACT_WAIT_MS = 2_000;
/** Server and desk clocks differ a little; a conversation that started just before opening is still news. */
const CLOCK_SLACK_MS = 60_000;

interface Alert {
  title: string;
  body: string;
  /** What a click on the notification opens; none for the internal chat. */
  conversationId?: string;
}

/**
 * R-WS-10: a new waiting conversation and a new customer message in an active one play a
 * sound and raise a notification (when permitted); both switchable in the top bar. R-WS-19: so
 * does a transfer arriving to me or to my team's queue, with its note; R-WS-05: and an invitation.
 */
export function useAlerts(): void {
  const { t } = useI18n();
  const workspace = useWorkspaceStore();
  const preferences = usePreferencesStore();
  const seenWaiting = new Set<string>();
  // Conversations already waiting when the app opened are backlog, also when the local list loads
  // after the replica said it caught up (a warm start with 5,000 waiting raised 5,000 alerts).
  const openedAt = Date.now();
  const seenInbound = new Map<string, number>();
  const session = useSessionStore();
  const myPause = useMyPause();

  function raise(alert: Alert): void {
    if (preferences.sound) void beep();
    // A native notification in the desktop, a web one (when permitted) in a browser; a click
    // focuses the window and selects the conversation (desktop/workstation.ts).
    if (preferences.notifications) desktop.notify(alert);
  }

  watch(
    () => preferences.notifications,
    (on) => {
      if (on) desktop.requestNotificationPermission();
    },
  );

  /** R-WS-05: someone else's conversations I am invited into now; a new one (again after leaving, too) is news. */
  let invitedTo = new Set<string>();
  function announceInvitations(active: readonly ConversationDoc[], meId: string | undefined, primed: boolean): void {
    const now = new Set(active.filter((c) => meId !== undefined && c.agentId !== meId).map((c) => c.id));
    for (const c of active) {
      if (primed && now.has(c.id) && !invitedTo.has(c.id)) raise({ title: t('invite.alertInvited'), body: workspace.contactName(c), conversationId: c.id });
    }
    invitedTo = now;
  }

  const seenTransfers = new Set<string>();
  function transferAlert(c: ConversationDoc, moved: Transfer): Alert {
    const title = moved.toAgentId ? t('returnQueue.alertToMe') : t('returnQueue.alertToTeam');
    const name = workspace.contactName(c);
    return { title, body: moved.note ? `${name}: ${moved.note}` : name, conversationId: c.id };
  }

  /**
   * A new conversation usually replicates a moment before its contact: wait for the contact's
   * name (at most CONTACT_WAIT_MS) so the notification does not show a bare id.
   */
  const waitingForContact = new Map<string, ReturnType<typeof setTimeout>>();
  function announceWaiting(id: string): void {
    clearTimeout(waitingForContact.get(id));
    waitingForContact.delete(id);
    const c = workspace.waiting.find((w) => w.id === id);
    if (c && !myPause.value) raise({ title: t('alerts.newWaiting'), body: `${workspace.contactName(c)}: ${c.lastPreview}`, conversationId: c.id });
  }
  onScopeDispose(() => waitingForContact.forEach((timer) => clearTimeout(timer)));

  watch(
    () => [workspace.waiting, workspace.active, workspace.contacts, session.syncState, session.user] as const,
    ([waiting, active, contacts, syncState, me]) => {
      // Until the replica has caught up once, everything arriving is backlog, not news.
      const primed = syncState === 'synced';
      for (const c of [...waiting, ...active]) {
        // A transfer (or return to the queue) arriving to me or my team's queue, with its note (R-WS-19).
        const moved = me ? arrivingTransfer(c, me) : undefined;
        if (!moved || seenTransfers.has(moved.id)) continue;
        seenTransfers.add(moved.id);
        // It is the news: no second "new waiting" alert for the same arrival.
        seenWaiting.add(c.id);
        if (primed && moved.at >= openedAt - CLOCK_SLACK_MS) raise(transferAlert(c, moved));
      }
      announceInvitations(active, me?.id, primed);
      for (const c of waiting) {
        if (seenWaiting.has(c.id)) continue;
        // R-WS-09: one arriving while I am paused is not mine to take (the server would refuse): no alert.
        if (!primed || myPause.value || (c.waitingSince ?? c.createdAt) < openedAt - CLOCK_SLACK_MS) {
          seenWaiting.add(c.id);
        } else if (contacts.has(c.contactId)) {
          seenWaiting.add(c.id);
          announceWaiting(c.id);
        } else if (!waitingForContact.has(c.id)) {
          waitingForContact.set(c.id, setTimeout(() => {
            seenWaiting.add(c.id);
            announceWaiting(c.id);
          }, CONTACT_WAIT_MS));
        }
      }
      for (const c of active) {
        const last = c.lastInboundAt ?? 0;
        const before = seenInbound.get(c.id);
        seenInbound.set(c.id, last);
        if (primed && before !== undefined && last > before && !silenced(c)) {
          raise({ title: t('alerts.newMessage', { name: workspace.contactName(c) }), body: c.lastPreview, conversationId: c.id });
        }
      }
    },
    { immediate: true },
  );

  // R-WS-12: a colleague's chat message alerts too; it answers how many rooms hold unread ones.
  const chatRoomsUnread = useChatAlerts(raise);

  // The title counts the active conversations with unread customer messages, resolved ones aside,
  // and the chat rooms with unread messages.
  const attention = computed(() => {
    const userId = session.user?.id;
    return userId ? workspace.active.filter((c) => needsAttention(c, readMarkOf(userId, c.id))).length + chatRoomsUnread.value : 0;
  });
  watch(attention, (count) => (document.title = titleWith(count)), { immediate: true });
  onScopeDispose(() => (document.title = titleWith(0)));
}
