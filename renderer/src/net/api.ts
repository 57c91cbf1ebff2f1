import type { ErrorBody, LoginResponse } from '@atende/protocol';
import { desktop } from '../desktop';
import { clearSession, forgetAccessToken, freshAccessToken, SessionLost } from './tokens';

/**
 * Where the sync server is: same origin for the web build; the desktop shell loads the app
 * from its own `app://` scheme and says where the server is in its configuration (R-DT-05).
 */
export function serverUrl(): string {
  return desktop.serverUrl();
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The request never reached the server (offline, server down). */
  get isNetwork(): boolean {
    return this.status === 0;
  }
}

const signedOutListeners = new Set<() => void>();
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

async function send<T>(method: string, path: string, body: unknown, token: string | undefined): Promise<T> {
  let response: Response;
  try {
    response = await fetch(serverUrl() + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'Sem conexão com o servidor');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const data: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const error = (data ?? {}) as Partial<ErrorBody>;
    throw new ApiError(response.status, error.error ?? 'http_error', error.message ?? `HTTP ${response.status}`);
  }
  return data as T;
}

/** A call to an endpoint open before sign-in (`auth: 'none'`): no token, the same ApiError on refusal. */
export function publicApi<T>(method: string, path: string, body?: unknown): Promise<T> {
  return send<T>(method, path, body, undefined);
}

export function refreshTokens(refreshToken: string): Promise<LoginResponse> {
  return send<LoginResponse>('POST', '/api/auth/refresh', { refreshToken }, undefined);
}

/** A valid access token, or undefined when the session is gone (then listeners are told). */
export async function accessToken(): Promise<string | undefined> {
  try {
    return await freshAccessToken(refreshTokens);
  } catch (error) {
    if ((error instanceof ApiError && error.status === 401) || error instanceof SessionLost) {
      clearSession();
      for (const listener of signedOutListeners) listener();
      return undefined;
    }
    throw error;
  }
}

/** An authenticated call; a 401 renews the access token once and retries. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const token = await accessToken();
  if (!token) throw new ApiError(401, 'unauthenticated', 'Sessão encerrada');
  try {
    return await send<T>(method, path, body, token);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    forgetAccessToken();
    const retryToken = await accessToken();
    if (!retryToken) throw error;
    return send<T>(method, path, body, retryToken);
  }
}

export function login(email: string, password: string): Promise<LoginResponse> {
  return send<LoginResponse>('POST', '/api/auth/login', { email, password }, undefined);
}
