import type { ErrorBody } from '@atende/protocol';
import { accessToken, ApiError, serverUrl } from './api';
import { forgetAccessToken } from './tokens';

/**
 * A file from a route that wants the bearer token (the reports' and the audit's CSV), saved by the
 * browser. A plain link cannot send the token, so the bytes are fetched and handed to the download
 * through a blob: URL. Refusals arrive as net/api's ApiError, so screens show the server's message
 * like any other call's.
 */
export async function fetchAuthorised(path: string, retried = false): Promise<Response> {
  const token = await accessToken();
  if (!token) throw new ApiError(401, 'unauthenticated', 'Sessão encerrada');
  let response: Response;
  try {
    response = await fetch(serverUrl() + path, { headers: { Authorization: `Bearer ${token}` } });
  } catch {
    throw new ApiError(0, 'network', 'Sem conexão com o servidor');
  }
  if (response.status === 401 && !retried) {
    // The access token expired between the check and the request: renew it once, as net/api does.
    forgetAccessToken();
    return fetchAuthorised(path, true);
  }
  if (!response.ok) {
    const error = (await response.json().catch(() => ({}))) as Partial<ErrorBody>;
    throw new ApiError(response.status, error.error ?? 'http_error', error.message ?? `HTTP ${response.status}`);
  }
  return response;
}

/** Hands the response's bytes to the browser's download under `name`; resolves with the name. */
export async function saveAs(response: Response, name: string): Promise<string> {
  const url = URL.createObjectURL(await response.blob());
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.click();
  } finally {
    // The click has started the download from the URL; revoking it later frees the bytes.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
  return name;
}
