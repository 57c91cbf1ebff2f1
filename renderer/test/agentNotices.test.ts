import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { ServerFrame, UserDoc } from '@atende/protocol';

/**
 * R-SV-04 / R-SV-01 in the agent's app (issue 16): what the socket says a supervisor did (a pause
 * ended, a forced sign-out that lands on the sign-in screen with its notice), and since when each
 * colleague is in their status. The socket, the replica and the HTTP client are the system edges.
 */
type Handler = (frame: ServerFrame) => void;
const handlers = vi.hoisted(() => new Map<string, Set<Handler>>());
const calls = vi.hoisted(() => ({ api: [] as string[] }));
vi.mock('../src/net/socket', () => ({
  realtime: {
    on: (type: string, handler: Handler) => {
      const set = handlers.get(type) ?? new Set<Handler>();
      handlers.set(type, set.add(handler));
      return () => set.delete(handler);
    },
    start: () => undefined,
    stop: () => undefined,
    send: () => false,
  },
}));
const never = () => new Promise<never>(() => undefined);
vi.mock('../src/db/database', () => ({
  openDatabase: async () => ({ leaderElector: () => ({ awaitLeadership: never, isLeader: false, hasLeader: async () => false }) }),
  wipeDatabase: async () => undefined,
}));
vi.mock('../src/db/replica', () => ({
  createReplicaController: () => ({
    onProgress: () => () => undefined, welcome: () => undefined, sessionUser: () => undefined, docs: () => undefined,
    changed: () => undefined, awaitUsable: never, stop: async () => undefined,
  }),
}));
const ana: UserDoc = {
  id: 'user:ana', type: 'user', name: 'Ana Souza', email: 'ana@demo.local', role: 'agent', teamIds: ['team:suporte'],
  maxConcurrent: 5, createdAt: 1, updatedAt: 1,
};
vi.mock('../src/net/api', () => ({
  api: async (method: string, path: string) => {
    calls.api.push(`${method} ${path}`);
  },
  login: async () => ({ user: ana, accessToken: 'a', refreshToken: 'r' }),
  onSignedOut: () => () => undefined,
}));
vi.mock('../src/net/tokens', () => ({
  clearSession: () => undefined, onSessionClearedElsewhere: () => () => undefined, saveSession: async () => undefined,
  storedSession: () => undefined, updateStoredUser: () => undefined,
}));

const { useRealtimeStore } = await import('../src/stores/realtime');
const { useSessionStore } = await import('../src/stores/session');

const emit = (frame: ServerFrame) => {
  for (const handler of handlers.get(frame.type) ?? []) handler(frame);
};
const welcome = (extra: Partial<Extract<ServerFrame, { type: 'welcome' }>>): ServerFrame =>
  ({ type: 'welcome', userId: 'user:carla', presence: {}, ...extra });

beforeEach(() => {
  handlers.clear();
  calls.api.length = 0;
  setActivePinia(createPinia());
});

describe('R-SV-01 presenceSince in the realtime store', () => {
  it('R-SV-01 the welcome fills it, each presence frame moves it, a frame without since (older server) forgets it', () => {
    const store = useRealtimeStore();
    emit(welcome({ presence: { 'user:ana': 'online', 'user:bruno': 'offline' }, presenceSince: { 'user:ana': 1_000 } }));
    expect(Object.fromEntries(store.presenceSince)).toEqual({ 'user:ana': 1_000 });
    emit({ type: 'presence', userId: 'user:ana', status: 'paused', since: 2_000 });
    expect([store.presence.get('user:ana'), store.presenceSince.get('user:ana')]).toEqual(['paused', 2_000]);
    emit({ type: 'presence', userId: 'user:ana', status: 'online' });
    expect(store.presenceSince.has('user:ana')).toBe(false);
    // A welcome without the field (an older server) leaves no stale starts.
    emit(welcome({ presence: { 'user:ana': 'online' } }));
    expect(store.presenceSince.size).toBe(0);
  });
});

describe('R-SV-04 what a supervisor did, told to the agent', () => {
  it('R-SV-04 a pause ended by a supervisor is kept, naming them, until the agent closes it', () => {
    const store = useRealtimeStore();
    emit({ type: 'notice', notice: 'pauseEnded', byName: 'Carla Mendes' });
    expect(store.pauseEnded?.byName).toBe('Carla Mendes');
    store.dismissPauseEnded();
    expect(store.pauseEnded).toBeUndefined();
  });

  it('R-SV-04 a forced sign-out closes the session without calling logout and leaves the sign-in screen’s notice; the next sign-in clears it', async () => {
    const session = useSessionStore();
    expect(await session.signIn('ana@demo.local', 'x')).toBe(true);
    expect(session.user?.id).toBe('user:ana');
    emit({ type: 'notice', notice: 'signedOut', byName: 'Carla Mendes' });
    await vi.waitFor(() => expect(session.user).toBeUndefined());
    expect(session.signedOutBySupervisor).toBe(true);
    expect(calls.api).not.toContain('POST /api/auth/logout');
    // The pause notice is not the session's.
    emit({ type: 'notice', notice: 'pauseEnded', byName: 'Carla Mendes' });
    expect(session.user).toBeUndefined();
    expect(await session.signIn('ana@demo.local', 'x')).toBe(true);
    expect(session.signedOutBySupervisor).toBe(false);
  });
});
