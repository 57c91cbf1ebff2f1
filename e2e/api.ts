import type { ServerProcess } from './fixtures';

/** A JSON call to the test server's API as the tests' setup makes it; a non-2xx answer throws with its body, a 204 is undefined. */
export async function api<T>(server: ServerProcess, method: string, path: string, token?: string, body?: unknown): Promise<T> {
  const response = await fetch(server.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (response.status === 204 ? undefined : await response.json()) as T;
}
