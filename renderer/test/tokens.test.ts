import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { LoginResponse, UserDoc } from '@atende/protocol';
import type { TokenVault } from '../src/desktop/tokenVault';

/** net/tokens.ts with the desktop module replaced: with an OS vault (desktop) or without (web). */
const desktop = vi.hoisted(() => ({ tokenVault: undefined as TokenVault | undefined }));
vi.mock('../src/desktop', () => ({ desktop }));
const { clearSession, freshAccessToken, saveSession, SessionLost, storedSession, updateStoredUser } = await import('../src/net/tokens');

const user: UserDoc = {
  id: 'user:ana', type: 'user', name: 'Ana Souza', email: 'ana@demo.local', role: 'agent',
  teamIds: ['team:suporte'], maxConcurrent: 5, createdAt: 1, updatedAt: 1,
};
const login = (n: number, expiresIn = 900): LoginResponse => ({ accessToken: `access-${n}`, refreshToken: `refresh-${n}`, expiresIn, user });

function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, value),
  };
}

/** Web Locks with one lock name: callers run one after the other, like windows of one app. */
function serialLocks() {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    request: <T>(_name: string, run: () => Promise<T>): Promise<T> => {
      const result = tail.then(run);
      tail = result.catch(() => undefined);
      return result;
    },
  };
}

function memoryVault(): TokenVault & { token: string | undefined } {
  return {
    token: undefined,
    async load() {
      return this.token;
    },
    async store(token) {
      this.token = token ?? undefined;
    },
  };
}

beforeEach(() => {
  vi.stubGlobal('localStorage', memoryStorage());
  vi.stubGlobal('navigator', { locks: serialLocks() });
  desktop.tokenVault = undefined;
  clearSession();
});

describe('session tokens in a browser', () => {
  it('keeps the refresh token beside the profile in localStorage', async () => {
    await saveSession(login(1));
    expect(storedSession()).toEqual({ refreshToken: 'refresh-1', user });
  });

  it('issue 8 point 4: the user the server sent (new teams) is what the next start opens with; another user’s is ignored', async () => {
    await saveSession(login(1));
    updateStoredUser({ ...user, teamIds: ['team:comercial'] });
    expect(storedSession()).toEqual({ refreshToken: 'refresh-1', user: { ...user, teamIds: ['team:comercial'] } });
    updateStoredUser({ ...user, id: 'user:bruno', teamIds: [] });
    expect(storedSession()?.user.id).toBe('user:ana');
  });
});

describe('session tokens in the desktop app', () => {
  it('keeps only the profile in localStorage and the refresh token in the OS vault', async () => {
    const vault = memoryVault();
    desktop.tokenVault = vault;
    await saveSession(login(1));
    expect(storedSession()).toEqual({ user });
    expect(localStorage.getItem('atende.session')).not.toContain('refresh-1');
    expect(vault.token).toBe('refresh-1');
    clearSession();
    await Promise.resolve();
    expect(storedSession()).toBeUndefined();
    expect(vault.token).toBeUndefined();
  });

  it('refreshes with the vault’s token, once for concurrent callers, and stores the rotated one', async () => {
    const vault = memoryVault();
    desktop.tokenVault = vault;
    // Expired at once: the next call must refresh.
    await saveSession(login(1, 0));
    const refresh = vi.fn(async (token: string) => login(Number(token.split('-')[1]) + 1));
    const tokens = await Promise.all([freshAccessToken(refresh), freshAccessToken(refresh)]);
    expect(tokens).toEqual(['access-2', 'access-2']);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(refresh).toHaveBeenCalledWith('refresh-1');
    expect(vault.token).toBe('refresh-2');
    expect(storedSession()).toEqual({ user });
  });

  it('adopts a token another window rotated in the vault', async () => {
    const vault = memoryVault();
    desktop.tokenVault = vault;
    await saveSession(login(1, 0));
    vault.token = 'refresh-7'; // another window refreshed meanwhile
    const refresh = vi.fn(async (token: string) => login(Number(token.split('-')[1]) + 1));
    expect(await freshAccessToken(refresh)).toBe('access-8');
    expect(refresh).toHaveBeenCalledWith('refresh-7');
  });

  it('reports a lost session when the profile is stored but the vault lost its token', async () => {
    const vault = memoryVault();
    desktop.tokenVault = vault;
    await saveSession(login(1, 0));
    vault.token = undefined;
    await expect(freshAccessToken(async () => login(2))).rejects.toBeInstanceOf(SessionLost);
  });

  it('has nothing to refresh once signed out', async () => {
    desktop.tokenVault = memoryVault();
    expect(await freshAccessToken(async () => login(2))).toBeUndefined();
  });
});
