import type { LoginResponse, UserDoc } from '@atende/protocol';
import { desktop } from '../desktop';

/**
 * Tokens shared by every window of the app. The refresh token rotates on use, so windows
 * serialise refreshes with a Web Lock and adopt a token another window already rotated.
 * The user's profile stays in localStorage (it opens the replica before the network answers);
 * the refresh token goes to the desktop's OS-encrypted vault when there is one, and stays
 * beside the profile in a browser.
 */
const KEY = 'atende.session';

interface StoredSession {
  /** Only in a browser: the desktop keeps it in its vault. */
  refreshToken?: string;
  user: UserDoc;
}

/** The profile is stored but its refresh token is gone (e.g. the OS vault was reset). */
export class SessionLost extends Error {
  constructor() {
    super('Sessão encerrada');
    this.name = 'SessionLost';
  }
}

let accessToken: string | undefined;
let accessExpiresAt = 0;

export function storedSession(): StoredSession | undefined {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as StoredSession) : undefined;
  } catch {
    return undefined;
  }
}

async function storedRefreshToken(): Promise<string | undefined> {
  const vault = desktop.tokenVault;
  return vault ? vault.load() : storedSession()?.refreshToken;
}

export async function saveSession(response: LoginResponse): Promise<void> {
  accessToken = response.accessToken;
  // Renew a little early so a request never leaves with a token about to expire.
  accessExpiresAt = Date.now() + (response.expiresIn - 30) * 1000;
  const vault = desktop.tokenVault;
  // The token first: a window that sees the profile must find its token too.
  if (vault) await vault.store(response.refreshToken);
  const stored: StoredSession = vault ? { user: response.user } : { refreshToken: response.refreshToken, user: response.user };
  localStorage.setItem(KEY, JSON.stringify(stored));
}

/** The server said the user changed (teams, role): the next start opens with what it said. */
export function updateStoredUser(user: UserDoc): void {
  const stored = storedSession();
  if (!stored || stored.user.id !== user.id) return;
  localStorage.setItem(KEY, JSON.stringify({ ...stored, user }));
}

export function clearSession(): void {
  accessToken = undefined;
  accessExpiresAt = 0;
  localStorage.removeItem(KEY);
  void desktop.tokenVault?.store(null);
}

/** Another window of this browser signed out (it removed the shared session). */
export function onSessionClearedElsewhere(listener: () => void): void {
  window.addEventListener('storage', (event) => {
    if (event.key === KEY && event.newValue === null) listener();
  });
}

export function currentAccessToken(): string | undefined {
  return accessToken && Date.now() < accessExpiresAt ? accessToken : undefined;
}

export function forgetAccessToken(): void {
  accessToken = undefined;
}

type Refresher = (refreshToken: string) => Promise<LoginResponse>;

async function withRefreshLock<T>(run: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  return locks ? locks.request('atende.refresh', run) : run();
}

/** A valid access token, refreshing it (once across windows) when needed. */
export async function freshAccessToken(refresh: Refresher): Promise<string | undefined> {
  const current = currentAccessToken();
  if (current) return current;
  const before = await storedRefreshToken();
  return withRefreshLock(async () => {
    if (!storedSession()) return undefined;
    const refreshToken = await storedRefreshToken();
    if (!refreshToken) throw new SessionLost();
    if (refreshToken !== before && currentAccessToken()) return currentAccessToken();
    const response = await refresh(refreshToken);
    await saveSession(response);
    return response.accessToken;
  });
}
