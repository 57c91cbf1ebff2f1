import { pathOf, type Endpoint, type RequestOf, type ResponseOf } from '@atende/protocol';
import { api, publicApi } from './api';

/**
 * The typed side of the REST contract (`protocol/src/contract.ts`): paths, methods, bodies and
 * responses come from the endpoint, so a call that does not match what the server parses does
 * not compile. Signed-in calls go through `api` (token renewal, ApiError).
 */
export function call<E extends Endpoint & { auth: 'user' }>(endpoint: E, request: RequestOf<E>): Promise<ResponseOf<E>> {
  const { path, body } = requestOf(endpoint, request);
  return api<ResponseOf<E>>(endpoint.method, path, body);
}

/** The same for the endpoints open before sign-in (password links): no token, no renewal. */
export function publicCall<E extends Endpoint & { auth: 'none' }>(endpoint: E, request: RequestOf<E>): Promise<ResponseOf<E>> {
  const { path, body } = requestOf(endpoint, request);
  return publicApi<ResponseOf<E>>(endpoint.method, path, body);
}

function requestOf(endpoint: Endpoint, request: object): { path: string; body: unknown } {
  const parts = request as { params?: Record<string, string>; body?: unknown; query?: Record<string, unknown> };
  let path = pathOf(endpoint.path, parts.params);
  if (parts.query) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(parts.query)) {
      if (value !== undefined) query.set(key, typeof value === 'string' ? value : JSON.stringify(value));
    }
    const text = query.toString();
    if (text) path += `?${text}`;
  }
  return { path, body: endpoint.body ? (parts.body ?? {}) : undefined };
}
