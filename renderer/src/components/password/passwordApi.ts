import { API, type PasswordLinkStatusResponse, type SetPasswordBody } from '@atende/protocol';
import { ApiError, serverUrl } from '../../net/api';

/**
 * The public password-link calls (R-AUTH-02): made before anyone is signed in, so without
 * net/api's token handling; a refusal comes back as an ApiError like every other call's.
 */
async function publicCall(method: string, path: string, body?: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(serverUrl() + path, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'Sem conexão com o servidor');
  }
  const text = await response.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!response.ok) {
    const error = (data ?? {}) as { error?: string; message?: string };
    throw new ApiError(response.status, error.error ?? 'http_error', error.message ?? `HTTP ${response.status}`);
  }
  return data;
}

/** "Esqueceu a senha?": the server answers alike whether or not the address is registered. */
export async function forgotPassword(email: string): Promise<void> {
  await publicCall(API.forgotPassword.method, API.forgotPassword.path, { email });
}

export async function passwordLinkStatus(token: string): Promise<PasswordLinkStatusResponse> {
  const path = `${API.passwordLinkStatus.path}?${new URLSearchParams({ token }).toString()}`;
  return (await publicCall(API.passwordLinkStatus.method, path)) as PasswordLinkStatusResponse;
}

export async function setPasswordWithLink(body: SetPasswordBody): Promise<void> {
  await publicCall(API.setPasswordWithLink.method, API.setPasswordWithLink.path, body);
}
