import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PHOTO_MAX_BYTES, type UserDoc } from '@atende/protocol';
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
    return Promise.resolve({ user: { id: 'user:ana' } });
  },
}));

const { photoProblem, problemOf, saveProfile, uploadPhoto } = await import('../src/components/profile/profile');
const { usePreferencesStore } = await import('../src/stores/preferences');

const ana: UserDoc = {
  id: 'user:ana', type: 'user', name: 'Ana Souza', email: 'ana@demo.local', role: 'agent', teamIds: ['team:suporte'],
  maxConcurrent: 5, createdAt: 1, updatedAt: 2, photoMediaId: 'media:0123456789AB',
};

describe('R-WS-11 profile dialog rules', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('R-WS-11 a picture the server would refuse is told before it is sent', () => {
    expect(photoProblem({ type: 'image/png', size: 1000 })).toBeUndefined();
    expect(photoProblem({ type: 'image/webp', size: PHOTO_MAX_BYTES })).toBeUndefined();
    expect(photoProblem({ type: 'image/gif', size: 1000 })).toBe('photo_type');
    expect(photoProblem({ type: '', size: 1000 })).toBe('photo_type');
    expect(photoProblem({ type: 'image/jpeg', size: PHOTO_MAX_BYTES + 1 })).toBe('photo_size');
  });

  it('R-WS-11 the server’s refusals become messages the agent can act on', () => {
    expect(problemOf(new FakeApiError(403, 'wrong_password', 'x'))).toBe('wrong_password');
    expect(problemOf(new FakeApiError(423, 'locked', 'x'))).toBe('locked');
    expect(problemOf(new FakeApiError(422, 'too_short', 'x'))).toBe('too_short');
    expect(problemOf(new FakeApiError(415, 'unsupported_type', 'x'))).toBe('photo_type');
    expect(problemOf(new FakeApiError(413, 'too_large', 'x'))).toBe('photo_size');
    expect(problemOf(new FakeApiError(0, 'network', 'x'))).toBe('network');
    expect(problemOf(new FakeApiError(500, 'internal', 'x'))).toBe('failed');
    // A colleague's extension (R-WS-16: calls would ring the colleague's phone).
    expect(problemOf(new FakeApiError(409, 'extension_taken', 'O ramal 2002 já é de outro agente.'))).toBe('extension_taken');
    expect(problemOf(new Error('boom'))).toBe('failed');
  });

  it('R-WS-11 the photo goes as its own bytes with its type (PUT /api/me/photo), and the answer is checked', async () => {
    const fetch = vi.fn((_url: string, _init: RequestInit) => Promise.resolve(new Response(JSON.stringify({ user: ana }), { status: 200 })));
    vi.stubGlobal('fetch', fetch);
    const picture = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' });
    expect(await uploadPhoto(picture)).toEqual(ana);
    const [url, init] = fetch.mock.calls[0] ?? [];
    expect(url).toBe('http://atende.test/api/me/photo');
    expect(init).toMatchObject({ method: 'PUT', body: picture, headers: { Authorization: 'Bearer token-ana', 'Content-Type': 'image/png' } });

    fetch.mockImplementationOnce(() => Promise.resolve(new Response(JSON.stringify({ error: 'unsupported_type', message: 'no' }), { status: 415 })));
    await expect(uploadPhoto(picture)).rejects.toMatchObject({ status: 415, code: 'unsupported_type' });
    fetch.mockImplementationOnce(() => Promise.reject(new TypeError('offline')));
    await expect(uploadPhoto(picture)).rejects.toMatchObject({ status: 0 });
  });

  it('R-WS-11 extension and language are saved with PATCH /api/me', async () => {
    calls.length = 0;
    await saveProfile({ language: 'en' });
    expect(calls[0]?.endpoint).toMatchObject({ method: 'PATCH', path: '/api/me' });
    expect(calls[0]?.request).toEqual({ body: { language: 'en' } });
  });
});

describe('R-WS-11 the language kept on the profile', () => {
  beforeEach(() => {
    const items = new Map<string, string>();
    vi.stubGlobal('window', { matchMedia: () => ({ matches: false, addEventListener: () => {}, removeEventListener: () => {} }) });
    vi.stubGlobal('document', { documentElement: { dataset: {} } });
    vi.stubGlobal('localStorage', { getItem: (key: string) => items.get(key) ?? null, setItem: (key: string, value: string) => void items.set(key, value) });
    setActivePinia(createPinia());
  });
  afterEach(() => vi.unstubAllGlobals());

  it('R-WS-11 applies the user’s language on this machine', () => {
    const preferences = usePreferencesStore();
    preferences.applyUserLanguage('es');
    expect(preferences.locale).toBe('es');
    preferences.applyUserLanguage('fr');
    expect(preferences.locale).toBe('es');
  });

  it('R-WS-11 R-DT-05 a language IT locked on the machine wins over the profile', () => {
    const preferences = usePreferencesStore();
    preferences.applyMachineLanguage('en', true);
    preferences.applyUserLanguage('es');
    expect(preferences.locale).toBe('en');
  });
});
