import { NETWORK_NOT_ALLOWED, USER_DISABLED } from '@atende/protocol';

interface ApiErrorShape { status: number; code: string; isNetwork: boolean }

const isApiError = (error: unknown): error is ApiErrorShape =>
  error instanceof Error && typeof (error as Partial<ApiErrorShape>).status === 'number' && typeof (error as Partial<ApiErrorShape>).code === 'string';

/** Why a sign-in failed; `disabled` and `outside_networks` come from an admin's settings (R-AUTH-01, R-AUTH-03). */
export type LoginFailure = 'invalid_credentials' | 'locked' | 'disabled' | 'outside_networks' | 'network' | 'unknown';

/** What the sign-in screen says for a failed login: the server's code, read without the browser-only ApiError class. */
export function loginFailureOf(error: unknown): LoginFailure {
  if (!isApiError(error)) return 'unknown';
  if (error.isNetwork) return 'network';
  const byCode: Readonly<Record<string, LoginFailure>> = { locked: 'locked', [USER_DISABLED]: 'disabled', [NETWORK_NOT_ALLOWED]: 'outside_networks' };
  return byCode[error.code] ?? (error.status === 401 || error.status === 400 ? 'invalid_credentials' : 'unknown');
}
