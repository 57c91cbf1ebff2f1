import { defineStore } from 'pinia';
import { readonly, ref, watch } from 'vue';
import { API, type RaAccountReputation } from '@atende/protocol';
import { ApiError } from '../net/api';
import { call } from '../net/client';
import { connectionState } from '../net/connection';
import { useSessionStore } from './session';

/** How "Atualizar" ended: the new figures are in `accounts`, or why not (429: asked again too soon). */
export type RefreshOutcome = 'done' | 'tooSoon' | 'failed';

/**
 * The company's reputation on Reclame Aqui (R-CH-08): the accounts the user's teams serve with the
 * figures the server cached (the server decides which accounts; none: no entry in the top bar).
 * Asked whenever the connection is (re)established for a signed-in user and each time the panel
 * opens; "Atualizar" asks the server to fetch one account again.
 */
export const useReputationStore = defineStore('reputation', () => {
  const session = useSessionStore();
  const accounts = ref<RaAccountReputation[]>([]);
  const state = ref<'idle' | 'loading' | 'ready' | 'failed'>('idle');
  /** The account being refreshed: one at a time. */
  const refreshing = ref<string>();
  /**
   * Requests are numbered as asked; an answer older than the one shown is dropped, so a list
   * request still out cannot put back figures a later "Atualizar" (or list) replaced.
   */
  let asked = 0;
  let shown = 0;
  function newest(request: number): boolean {
    if (request < shown) return false;
    shown = request;
    return true;
  }

  async function load(): Promise<void> {
    const userId = session.user?.id;
    if (!userId) return;
    const request = ++asked;
    state.value = 'loading';
    try {
      const answer = await call(API.raReputation, {});
      // A sign-out or another user's sign-in while the request was out: not theirs.
      if (session.user?.id !== userId || !newest(request)) return;
      accounts.value = answer.accounts;
      state.value = 'ready';
    } catch {
      // Newer figures are shown already: an older request's failure says nothing about them.
      if (session.user?.id === userId && request > shown) state.value = 'failed';
    }
  }

  async function refresh(accountId: string): Promise<RefreshOutcome> {
    const userId = session.user?.id;
    if (!userId || refreshing.value) return 'failed';
    refreshing.value = accountId;
    const request = ++asked;
    try {
      const answer = await call(API.raRefreshReputation, { params: { accountId } });
      if (session.user?.id === userId && newest(request)) {
        accounts.value = answer.accounts;
        state.value = 'ready';
      }
      return 'done';
    } catch (error) {
      return error instanceof ApiError && error.status === 429 ? 'tooSoon' : 'failed';
    } finally {
      refreshing.value = undefined;
    }
  }

  watch([() => session.user?.id, connectionState], ([userId, connection], previous) => {
    if (userId !== previous?.[0]) {
      accounts.value = [];
      state.value = 'idle';
    }
    if (userId && connection === 'online') void load();
  }, { immediate: true });

  return { accounts: readonly(accounts), state: readonly(state), refreshing: readonly(refreshing), load, refresh };
});
