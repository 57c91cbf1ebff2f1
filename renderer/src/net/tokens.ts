import type { LoginResponse, UserDoc } from '@atende/protocol';

/**
 * Tokens shared by every window of the app. The refresh token rotates on use, so windows
 * serialise refreshes with a Web Lock and adopt a token another window already rotated.
 */
const KEY = 'atende.session';

interface StoredSession {
  refreshToken: string;
  user: UserDoc;
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

export function saveSession(response: LoginResponse): void {
  accessToken = response.accessToken;
  // Renew a little early so a request never leaves with a token about to expire.
  accessExpiresAt = Date.now() + (response.expiresIn - 30) * 1000;
  localStorage.setItem(KEY, JSON.stringify({ refreshToken: response.refreshToken, user: response.user }));
}

export function clearSession(): void {
  accessToken = undefined;
  accessExpiresAt = 0;
  localStorage.removeItem(KEY);
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
  const before = storedSession()?.refreshToken;
  return withRefreshLock(async () => {
    const session = storedSession();
    if (!session) return undefined;
    if (session.refreshToken !== before && currentAccessToken()) return currentAccessToken();
    const response = await refresh(session.refreshToken);
    saveSession(response);
    return response.accessToken;
  });
}
