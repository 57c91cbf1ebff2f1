import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { API, type RaAccountReputation } from '@atende/protocol';

/**
 * The reputation store (R-CH-08): what the top bar's entry and the panel show comes from the
 * server for the signed-in user, asked when online; an answer meant for another user is dropped.
 */
interface Deferred {
  promise: Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}
const calls = vi.hoisted(() => [] as Array<{ path: string; params: unknown; answer: Deferred }>);
vi.mock('../src/net/api', () => {
  class ApiError extends Error {
    constructor(readonly status: number, readonly code: string, message: string) {
      super(message);
    }
  }
  return { ApiError };
});
vi.mock('../src/net/client', () => ({
  call: vi.fn((endpoint: { path: string }, request: { params?: unknown }) => {
    const answer = {} as Deferred;
    answer.promise = new Promise((resolve, reject) => Object.assign(answer, { resolve, reject }));
    calls.push({ path: endpoint.path, params: request.params, answer });
    return answer.promise;
  }),
}));
const session = await vi.hoisted(async () => {
  const { reactive } = await import('vue');
  return reactive({ user: undefined as { id: string; role: string } | undefined });
});
vi.mock('../src/stores/session', () => ({ useSessionStore: () => session }));

const { ApiError } = await import('../src/net/api');
const { setConnectionState } = await import('../src/net/connection');
const { useReputationStore } = await import('../src/stores/reputation');

const account = (description: string): RaAccountReputation => ({ accountId: 'channel:ra', name: 'Loja', description, fetchedAt: 1, error: null, periods: {} });
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  calls.length = 0;
  setActivePinia(createPinia());
  session.user = undefined;
  setConnectionState('offline');
});

describe('R-CH-08 reputation store', () => {
  it('R-CH-08 asks for the accounts once a signed-in user is online, and keeps the answer', async () => {
    session.user = { id: 'user:sara', role: 'supervisor' };
    const store = useReputationStore();
    expect(calls).toEqual([]);
    setConnectionState('online');
    await settle();
    expect(calls.map((c) => c.path)).toEqual([API.raReputation.path]);
    calls[0]?.answer.resolve({ accounts: [account('Loja')] });
    await settle();
    expect(store.state).toBe('ready');
    expect(store.accounts.map((a) => a.description)).toEqual(['Loja']);
  });

  it('R-CH-08 an answer that arrives after the user signed out is not shown to the next one', async () => {
    session.user = { id: 'user:sara', role: 'supervisor' };
    setConnectionState('online');
    const store = useReputationStore();
    session.user = undefined;
    await settle();
    calls[0]?.answer.resolve({ accounts: [account('Loja')] });
    await settle();
    expect(store.accounts).toEqual([]);
    expect(store.state).toBe('idle');
  });

  it('R-CH-08 "Atualizar" replaces the figures; asked too soon it says so, and one account at a time', async () => {
    session.user = { id: 'user:sara', role: 'supervisor' };
    const store = useReputationStore();
    const first = store.refresh('channel:ra');
    expect(store.refreshing).toBe('channel:ra');
    expect(await store.refresh('channel:ra')).toBe('failed');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ path: API.raRefreshReputation.path, params: { accountId: 'channel:ra' } });
    calls[0]?.answer.resolve({ accounts: [account('Loja atualizada')] });
    expect(await first).toBe('done');
    expect(store.accounts.map((a) => a.description)).toEqual(['Loja atualizada']);

    const again = store.refresh('channel:ra');
    calls[1]?.answer.reject(new ApiError(429, 'reputation_too_soon', 'cedo demais'));
    expect(await again).toBe('tooSoon');
    expect(store.refreshing).toBeUndefined();
  });

  it('R-CH-08 figures "Atualizar" brought are not overwritten by an older list request answering later', async () => {
    session.user = { id: 'user:sara', role: 'supervisor' };
    const store = useReputationStore();
    // Offline, so only these requests are out (as when the panel opens).
    void store.load();
    const refreshed = store.refresh('channel:ra');
    calls[1]?.answer.resolve({ accounts: [account('Loja atualizada')] });
    expect(await refreshed).toBe('done');
    expect(calls.map((c) => c.path)).toEqual([API.raReputation.path, API.raRefreshReputation.path]);
    calls[0]?.answer.resolve({ accounts: [account('Loja antiga')] });
    await settle();
    expect(store.accounts.map((a) => a.description)).toEqual(['Loja atualizada']);
    expect(store.state).toBe('ready');
    // A list asked after it is newer, and wins.
    void store.load();
    calls[2]?.answer.resolve({ accounts: [account('Loja nova')] });
    await settle();
    expect(store.accounts.map((a) => a.description)).toEqual(['Loja nova']);
  });
});
