import { defineStore } from 'pinia';
import { readonly, ref, watch } from 'vue';
import { API, type AgentChannel } from '@atende/protocol';
import { call } from '../net/client';
import { connectionState } from '../net/connection';
import { forgetChannels, saveChannels, savedChannels } from './channelsStorage';
import { useSessionStore } from './session';

/**
 * The channel accounts the agent may use ("Nova conversa": origin numbers, R-WA-01). Asked of
 * the server whenever the connection is (re)established for a signed-in user; the last answer
 * is kept (memory and localStorage, per user) so the dialog still shows them offline.
 */
export const useChannelsStore = defineStore('channels', () => {
  const session = useSessionStore();
  const channels = ref<AgentChannel[]>(savedChannels(localStorage, session.user?.id));
  const state = ref<'idle' | 'loading' | 'ready' | 'failed'>('idle');

  async function refresh(): Promise<void> {
    const userId = session.user?.id;
    if (!userId) return;
    state.value = 'loading';
    try {
      const answer = await call(API.agentChannels, {});
      // A sign-out or another user's sign-in while the request was out: not theirs.
      if (session.user?.id !== userId) return;
      channels.value = answer.channels;
      saveChannels(localStorage, userId, answer.channels);
      state.value = 'ready';
    } catch {
      if (session.user?.id === userId) state.value = 'failed';
    }
  }

  watch([() => session.user?.id, connectionState], ([userId, connection], previous) => {
    if (!userId) {
      channels.value = [];
      state.value = 'idle';
      forgetChannels(localStorage);
      return;
    }
    if (userId !== previous?.[0]) channels.value = savedChannels(localStorage, userId);
    if (connection === 'online') void refresh();
  }, { immediate: true });

  return { channels: readonly(channels), state: readonly(state), refresh };
});
