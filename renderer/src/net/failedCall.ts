/**
 * How a failed call to the server ended, for the screen that made it:
 * - `refused`: the server answered 4xx with a sentence written for the user ("Número inválido…",
 *   "Informe o WhatsApp Business Account ID (WABA)…"), shown as said;
 * - `unreachable`: the request never reached the server (status 0 in net/api);
 * - `failed`: anything else (a 5xx, a bug), which the screen says in its own words.
 * Read from the shape of net/api's ApiError (which needs a browser to load), so screens' rules
 * built on it are tested without one.
 */
export type FailedCall =
  | { kind: 'refused'; code: string; message: string }
  | { kind: 'unreachable' }
  | { kind: 'failed' };

interface ApiErrorShape {
  status: number;
  code?: unknown;
}

const hasStatus = (error: unknown): error is Error & ApiErrorShape =>
  error instanceof Error && typeof (error as Partial<ApiErrorShape>).status === 'number';

export function failedCall(error: unknown): FailedCall {
  if (!hasStatus(error)) return { kind: 'failed' };
  if (error.status === 0) return { kind: 'unreachable' };
  if (error.status >= 400 && error.status < 500 && error.message) {
    return { kind: 'refused', code: typeof error.code === 'string' ? error.code : '', message: error.message };
  }
  return { kind: 'failed' };
}
