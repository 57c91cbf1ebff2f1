import { defineStore } from 'pinia';
import { reactive, ref } from 'vue';
import type { PresenceStatus } from '@atende/protocol';
import { realtime } from '../net/socket';
import { useCollisionsStore } from './collisions';

const TYPING_TTL_MS = 6_000;

/** "Sua pausa foi encerrada por Carla" (R-SV-04): what a supervisor did, for the agent to read once. */
export interface PauseEndedNotice {
  byName: string;
  at: number;
}

/** Presence of colleagues and who is typing where; both live only on the socket. */
export const useRealtimeStore = defineStore('realtime', () => {
  const presence = reactive(new Map<string, PresenceStatus>());
  /** When each user's status began (R-SV-01 "time in current status"); absent: not known (an older server). */
  const presenceSince = reactive(new Map<string, number>());
  const pauseEnded = ref<PauseEndedNotice>();
  const typing = reactive(new Map<string, { authorId: string; until: number }>());
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  realtime.on('welcome', (frame) => {
    presence.clear();
    for (const [userId, status] of Object.entries(frame.presence)) presence.set(userId, status);
    presenceSince.clear();
    for (const [userId, since] of Object.entries(frame.presenceSince ?? {})) presenceSince.set(userId, since);
  });
  realtime.on('presence', (frame) => {
    presence.set(frame.userId, frame.status);
    if (frame.since === undefined) presenceSince.delete(frame.userId);
    else presenceSince.set(frame.userId, frame.since);
  });
  // The sign-out notice is the session's (session.ts): it ends on the sign-in screen.
  realtime.on('notice', (frame) => {
    if (frame.notice === 'pauseEnded') pauseEnded.value = { byName: frame.byName, at: Date.now() };
  });
  realtime.on('typing', (frame) => {
    clearTimeout(timers.get(frame.conversationId));
    if (!frame.typing) {
      typing.delete(frame.conversationId);
      return;
    }
    typing.set(frame.conversationId, { authorId: frame.authorId, until: Date.now() + TYPING_TTL_MS });
    // A lost "stopped typing" frame must not leave the indicator on forever.
    timers.set(frame.conversationId, setTimeout(() => typing.delete(frame.conversationId), TYPING_TTL_MS));
  });

  let lastSent: { conversationId: string; typing: boolean } | undefined;
  function setTyping(conversationId: string, isTyping: boolean): void {
    if (lastSent?.conversationId === conversationId && lastSent.typing === isTyping) return;
    if (realtime.send({ type: 'typing', conversationId, typing: isTyping })) lastSent = { conversationId, typing: isTyping };
  }

  // R-WS-17: collision frames are kept from the first one, before any conversation is open.
  useCollisionsStore();

  function setStatus(status: 'online' | 'paused'): void {
    realtime.send({ type: 'presence.set', status });
  }

  function dismissPauseEnded(): void {
    pauseEnded.value = undefined;
  }

  return { presence, presenceSince, typing, setTyping, setStatus, pauseEnded, dismissPauseEnded };
});
