import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoginResponse, UserDoc } from '@atende/protocol';
import {
  addUser, call, clientId, DEMO_PASSWORD, FrameClient, login, newVisitor, startTestServer, visitorSays, type TestServer,
} from './helpers.js';

/**
 * R-WS-11 "Editar perfil": an agent sets their extension and language, a photo only colleagues
 * see, and a new password that ends their other sessions.
 */
let server: TestServer;
let ana: string;
let bruno: string;
const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#36c' } }).png().toBuffer();
const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#c63' } }).jpeg().toBuffer();
const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).gif().toBuffer();

beforeAll(async () => {
  server = await startTestServer();
  ana = (await login(server, 'ana@demo.local')).accessToken;
  bruno = (await login(server, 'bruno@demo.local')).accessToken;
});
afterAll(() => server.close());

async function putPhoto(token: string | undefined, bytes: Buffer, type = 'image/png') {
  const res = await fetch(`${server.url}/api/me/photo`, {
    method: 'PUT',
    headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: new Uint8Array(bytes),
  });
  return { status: res.status, body: (await res.json()) as { user?: UserDoc; error?: string; message?: string } };
}

const media = (token: string, id: string) => fetch(`${server.url}/api/media/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${token}` } });

describe('R-WS-11 extension and language', () => {
  it('R-WS-11 PATCH /api/me keeps the extension and language on the user, replicated to colleagues', async () => {
    const reply = await call<{ user: UserDoc }>(server, 'PATCH', '/api/me', { token: ana, body: { extension: ' 2101 ', language: 'en' } });
    expect(reply.status).toBe(200);
    expect(reply.body.user).toMatchObject({ id: 'user:ana', extension: '2101', language: 'en' });
    const stored = await server.store.get('user:ana');
    expect(stored).toMatchObject({ extension: '2101', language: 'en' });
    // Only what is sent changes; an empty extension clears it.
    const cleared = await call<{ user: UserDoc }>(server, 'PATCH', '/api/me', { token: ana, body: { extension: '' } });
    expect(cleared.body.user.extension).toBeNull();
    expect(cleared.body.user.language).toBe('en');
    const me = await call<{ user: UserDoc }>(server, 'GET', '/api/auth/me', { token: ana });
    expect(me.body.user).toMatchObject({ extension: null, language: 'en' });
  });

  it('R-WS-11 a wrong extension is refused with 422 and a clear message; a malformed body with 400', async () => {
    for (const extension of ['12a4', '1234567890123456', '12 34']) {
      const reply = await call<{ error: string; message: string }>(server, 'PATCH', '/api/me', { token: ana, body: { extension } });
      expect(reply.status, extension).toBe(422);
      expect(reply.body.error).toBe('invalid_extension');
      expect(reply.body.message).toMatch(/ramal/i);
    }
    for (const body of [{}, { language: 'fr' }, { extension: 2001 }, { extension: '2001', role: 'admin' }]) {
      expect((await call(server, 'PATCH', '/api/me', { token: ana, body })).status, JSON.stringify(body)).toBe(400);
    }
    expect((await call(server, 'PATCH', '/api/me', { body: { extension: '2001' } })).status).toBe(401);
    expect(await server.store.get('user:ana')).toMatchObject({ extension: null, role: 'agent' });
  });
});

describe('R-WS-11 photo', () => {
  it('R-WS-11 a PNG photo is stored; another agent can fetch it, a visitor and a stranger cannot', async () => {
    const reply = await putPhoto(ana, png);
    expect(reply.status).toBe(200);
    const photoId = reply.body.user?.photoMediaId;
    expect(photoId).toMatch(/^media:/);
    const fetched = await media(bruno, String(photoId));
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await fetched.arrayBuffer()).equals(png)).toBe(true);

    expect((await fetch(`${server.url}/api/media/${encodeURIComponent(String(photoId))}`)).status).toBe(401);
    const visitor = await newVisitor(server, 'demo-site', 'Curioso');
    const asVisitor = await fetch(`${server.url}/api/webchat/media/${encodeURIComponent(String(photoId))}`, {
      headers: { authorization: `Bearer ${visitor.token}` },
    });
    expect(asVisitor.status).toBe(404);
  });

  it('R-WS-11 a profile photo is never sent to a customer as an attachment, not even by its owner', async () => {
    const anaPhoto = String((await putPhoto(ana, png)).body.user?.photoMediaId);
    const brunoPhoto = String((await putPhoto(bruno, jpeg, 'image/jpeg')).body.user?.photoMediaId);
    const visitor = await newVisitor(server, 'demo-site', 'Joana');
    const { conversationId } = await visitorSays(server, visitor, 'Oi');
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: bruno, body: {} })).status).toBe(200);
    for (const photoId of [anaPhoto, brunoPhoto]) {
      const sent = await call(server, 'POST', `/api/conversations/${conversationId}/messages`, {
        token: bruno, body: { id: clientId('p'), text: 'veja', mediaIds: [photoId] },
      });
      expect(sent.status).toBe(404);
    }
    // Still shown to colleagues.
    expect((await media(ana, brunoPhoto)).status).toBe(200);
  });

  it('R-WS-11 the photo is sniffed: another type, a lie about the type, an empty or a too large file are refused', async () => {
    expect((await putPhoto(ana, gif, 'image/gif')).status).toBe(415);
    const lie = await putPhoto(ana, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/png');
    expect(lie.status).toBe(415);
    expect(lie.body.message).toMatch(/JPEG, PNG ou WebP/);
    expect((await putPhoto(ana, Buffer.alloc(0))).status).toBe(400);
    const big = Buffer.concat([png, Buffer.alloc(2 * 1024 * 1024)]);
    const tooLarge = await putPhoto(ana, big);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error).toBe('too_large');
    expect((await putPhoto(undefined, png)).status).toBe(401);
  });

  it('R-WS-11 bytes that only look like an image (corrupt or cut short) are refused with 422 and a clear message, the photo kept', async () => {
    const kept = (await putPhoto(ana, png)).body.user?.photoMediaId;
    const corrupt = Buffer.concat([png.subarray(0, 8), Buffer.alloc(200, 0x41)]);
    const cutShort = jpeg.subarray(0, Math.floor(jpeg.length / 2));
    for (const [bytes, type] of [[corrupt, 'image/png'], [cutShort, 'image/jpeg']] as const) {
      const refused = await putPhoto(ana, bytes, type);
      expect(refused.status, type).toBe(422);
      expect(refused.body.error).toBe('unreadable_image');
      expect(refused.body.message).toMatch(/corrompida/);
    }
    expect(await server.store.get('user:ana')).toMatchObject({ photoMediaId: kept });
  });

  it('R-WS-11 a new photo replaces the old one (which is gone) and removing it clears the user', async () => {
    const first = String((await putPhoto(ana, png)).body.user?.photoMediaId);
    const second = await putPhoto(ana, jpeg, 'image/jpeg');
    expect(second.status).toBe(200);
    const secondId = String(second.body.user?.photoMediaId);
    expect(secondId).not.toBe(first);
    expect((await media(bruno, first)).status).toBe(404);
    expect((await media(bruno, secondId)).headers.get('content-type')).toBe('image/jpeg');

    const removed = await call<{ user: UserDoc }>(server, 'DELETE', '/api/me/photo', { token: ana });
    expect(removed.status).toBe(200);
    expect(removed.body.user.photoMediaId).toBeNull();
    expect((await media(bruno, secondId)).status).toBe(404);
  });
});

describe('R-WS-11 password change', () => {
  const body = (currentPassword: string, newPassword: string) => ({ currentPassword, newPassword });

  it('R-WS-11 a wrong current password is refused (403) and counted like a failed login, up to the lockout', async () => {
    await addUser(server, { key: 'duda', name: 'Duda Reis', email: 'duda@demo.local', role: 'agent', teamIds: ['team:suporte'] });
    const duda = (await login(server, 'duda@demo.local')).accessToken;
    const wrong = await call<{ error: string; message: string }>(server, 'POST', '/api/me/password', { token: duda, body: body('errada', 'nova-senha-1') });
    expect(wrong.status).toBe(403);
    expect(wrong.body).toMatchObject({ error: 'wrong_password', message: 'A senha atual está incorreta.' });
    for (let attempt = 2; attempt < 5; attempt++) {
      expect((await call(server, 'POST', '/api/me/password', { token: duda, body: body('errada', 'nova-senha-1') })).status).toBe(403);
    }
    // The fifth wrong attempt locks, here and at the login.
    expect((await call(server, 'POST', '/api/me/password', { token: duda, body: body('errada', 'nova-senha-1') })).status).toBe(423);
    const locked = await call<{ error: string }>(server, 'POST', '/api/auth/login', { body: { email: 'duda@demo.local', password: DEMO_PASSWORD } });
    expect(locked.body.error).toBe('locked');
    expect((await call(server, 'POST', '/api/me/password', { token: duda, body: body(DEMO_PASSWORD, 'nova-senha-1') })).status).toBe(423);
  });

  it('R-WS-11 the new password must follow the policy (422 with the reason)', async () => {
    for (const [newPassword, code] of [['curta', 'too_short'], ['        ', 'blank'], [DEMO_PASSWORD, 'same_as_current']] as const) {
      const reply = await call<{ error: string }>(server, 'POST', '/api/me/password', { token: bruno, body: body(DEMO_PASSWORD, newPassword) });
      expect(reply.status, newPassword).toBe(422);
      expect(reply.body.error).toBe(code);
    }
    expect((await call(server, 'POST', '/api/me/password', { token: bruno, body: { newPassword: 'nova-senha-1' } })).status).toBe(400);
    expect((await login(server, 'bruno@demo.local')).user.id).toBe('user:bruno');
  });

  it('R-WS-11 a changed password revokes the other sessions (refresh token, socket) and keeps this one', async () => {
    await addUser(server, { key: 'eva', name: 'Eva Prado', email: 'eva@demo.local', role: 'agent', teamIds: ['team:suporte'] });
    const here: LoginResponse = await login(server, 'eva@demo.local');
    const elsewhere: LoginResponse = await login(server, 'eva@demo.local');
    const hereWs = await FrameClient.agent(server, here.accessToken);
    const elsewhereWs = await FrameClient.agent(server, elsewhere.accessToken);
    try {
      const closed = elsewhereWs.closedPromise();
      const changed = await call(server, 'POST', '/api/me/password', { token: here.accessToken, body: body(DEMO_PASSWORD, 'outra-senha-9') });
      expect(changed.status).toBe(204);

      expect((await closed).code).toBe(4001);
      expect((await call(server, 'POST', '/api/auth/refresh', { body: { refreshToken: elsewhere.refreshToken } })).status).toBe(401);
      expect((await call(server, 'GET', '/api/auth/me', { token: elsewhere.accessToken })).status).toBe(401);

      expect(hereWs.closed).toBeUndefined();
      expect((await call(server, 'GET', '/api/auth/me', { token: here.accessToken })).status).toBe(200);
      const renewed = await call<LoginResponse>(server, 'POST', '/api/auth/refresh', { body: { refreshToken: here.refreshToken } });
      expect(renewed.status).toBe(200);
      expect((await call(server, 'GET', '/api/auth/me', { token: renewed.body.accessToken })).status).toBe(200);

      const old = await call(server, 'POST', '/api/auth/login', { body: { email: 'eva@demo.local', password: DEMO_PASSWORD } });
      expect(old.status).toBe(401);
      expect((await login(server, 'eva@demo.local', 'outra-senha-9')).user.id).toBe('user:eva');
    } finally {
      hereWs.ws.terminate();
      elsewhereWs.ws.terminate();
    }
  });
});
