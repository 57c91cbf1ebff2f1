import { describe, expect, it } from 'vitest';
import { FakeApiError as ApiError } from './apiErrorFake';
import { loginFailureOf } from '../src/stores/loginFailure';

describe('sign-in failures', () => {
  it('R-AUTH-01 R-AUTH-03 a disabled user and a sign-in from outside the allowed networks read as such, not as a generic failure', () => {
    expect(loginFailureOf(new ApiError(403, 'user_disabled', 'desativado'))).toBe('disabled');
    expect(loginFailureOf(new ApiError(403, 'network_not_allowed', 'rede'))).toBe('outside_networks');
    expect(loginFailureOf(new ApiError(423, 'locked', 'bloqueado'))).toBe('locked');
    expect(loginFailureOf(new ApiError(401, 'invalid_credentials', 'errado'))).toBe('invalid_credentials');
    expect(loginFailureOf(new ApiError(0, 'network', 'offline'))).toBe('network');
    expect(loginFailureOf(new ApiError(500, 'internal', 'x'))).toBe('unknown');
    expect(loginFailureOf(new Error('boom'))).toBe('unknown');
  });
});
