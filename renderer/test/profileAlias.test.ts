import { describe, expect, it, vi } from 'vitest';
import { ALIAS_MAX } from '@atende/protocol';
import { FakeApiError } from './apiErrorFake';

vi.mock('../src/net/api', () => ({
  ApiError: FakeApiError,
  accessToken: () => Promise.resolve('token-ana'),
  serverUrl: () => 'http://atende.test',
}));
const calls: Array<{ endpoint: { path: string; method: string }; request: unknown }> = [];
vi.mock('../src/net/client', () => ({
  call: (endpoint: { path: string; method: string }, request: unknown) => {
    calls.push({ endpoint, request });
    return Promise.resolve({ user: { id: 'user:ana', alias: 'Aninha' } });
  },
}));

const { aliasProblem, normalizeAlias, saveProfile } = await import('../src/components/profile/profile');

/** R-WS-11 / issue 18 "Codinome": the profile's alias field, checked as the server checks it. */
describe('R-WS-11 the alias field of the profile', () => {
  it('R-WS-11 the alias is kept without the spaces around it; an empty one clears it (customers see the name again)', () => {
    expect(normalizeAlias('  Aninha ')).toBe('Aninha');
    expect(normalizeAlias('Ana S.')).toBe('Ana S.');
    expect(normalizeAlias('')).toBeNull();
    expect(normalizeAlias('    ')).toBeNull();
  });

  it('R-WS-11 an alias over 60 characters is told before sending; spaces around it do not count', () => {
    expect(aliasProblem('A'.repeat(ALIAS_MAX))).toBeUndefined();
    expect(aliasProblem(`  ${'A'.repeat(ALIAS_MAX)}  `)).toBeUndefined();
    expect(aliasProblem('A'.repeat(ALIAS_MAX + 1))).toBe('tooLong');
    // Counted as the server's schema counts (UTF-16 units), so what passes here is never refused there.
    expect(aliasProblem('é'.repeat(ALIAS_MAX))).toBeUndefined();
    expect(aliasProblem('😀'.repeat(ALIAS_MAX / 2 + 1))).toBe('tooLong');
  });

  it('R-WS-11 saving sends PATCH /api/me with the alias only', async () => {
    calls.length = 0;
    const user = await saveProfile({ alias: 'Aninha' });
    expect(user.alias).toBe('Aninha');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.endpoint).toMatchObject({ method: 'PATCH', path: '/api/me' });
    expect(calls[0]?.request).toEqual({ body: { alias: 'Aninha' } });
  });
});
