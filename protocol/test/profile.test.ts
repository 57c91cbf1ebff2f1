import { describe, expect, it } from 'vitest';
import { ChangePasswordBody, isValidExtension, normalizeExtension, passwordProblem, UpdateProfileBody } from '../src/index.js';

describe('R-WS-11 profile rules', () => {
  it('R-WS-11 an extension is 1 to 15 dialable keys; empty clears it', () => {
    expect(isValidExtension('2001')).toBe(true);
    expect(isValidExtension(' *31# ')).toBe(true);
    expect(isValidExtension('')).toBe(true);
    expect(isValidExtension(null)).toBe(true);
    expect(normalizeExtension('  ')).toBeNull();
    expect(isValidExtension('20a1')).toBe(false);
    expect(isValidExtension('1234567890123456')).toBe(false);
  });

  it('R-WS-11 a new password has at least 8 characters, not only spaces, and is not the current one', () => {
    expect(passwordProblem('segura-123', 'atende123')).toBeUndefined();
    expect(passwordProblem('curta', 'atende123')).toBe('too_short');
    expect(passwordProblem('         ', 'atende123')).toBe('blank');
    expect(passwordProblem('atende123', 'atende123')).toBe('same_as_current');
    expect(passwordProblem('x'.repeat(1025), 'atende123')).toBe('too_long');
  });

  it('R-WS-11 the bodies refuse unknown fields, and a profile change must change something', () => {
    expect(UpdateProfileBody.safeParse({}).success).toBe(false);
    expect(UpdateProfileBody.safeParse({ language: 'en', role: 'admin' }).success).toBe(false);
    expect(UpdateProfileBody.safeParse({ extension: null }).success).toBe(true);
    expect(ChangePasswordBody.safeParse({ currentPassword: 'a', newPassword: 'b', userId: 'user:x' }).success).toBe(false);
  });
});
