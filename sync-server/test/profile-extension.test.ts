import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserDoc } from '@atende/protocol';
import { claimIdOf, ExtensionClaims, extensionClaimDoc, STALE_CLAIM_MS } from '../src/profile/extensions.js';
import { updateWire } from '../src/store/wire.js';
import { addUser, call, login, startTestServer, type TestServer } from './helpers.js';

/**
 * R-WS-11 / R-WS-16: an extension ("ramal") belongs to one agent. Calls ring the extension, so an
 * agent taking a colleague's would have the colleague's phone ring for their calls.
 */
let server: TestServer;
let ana: string;
let bruno: string;

type Reply = { user: UserDoc; error?: string; message?: string };
const setExtension = (token: string, extension: string | null) => call<Reply>(server, 'PATCH', '/api/me', { token, body: { extension } });
const extensionOf = async (id: string) => ((await server.store.get(id)) as UserDoc | undefined)?.extension ?? null;

beforeAll(async () => {
  server = await startTestServer();
  ana = (await login(server, 'ana@demo.local')).accessToken;
  bruno = (await login(server, 'bruno@demo.local')).accessToken;
});
afterAll(() => server.close());

describe('R-WS-11 an extension belongs to one agent', () => {
  it('R-WS-11 taking a colleague’s extension (the demo’s 2002 is Bruno’s) is refused with 409 and a clear message', async () => {
    const reply = await setExtension(ana, '2002');
    expect(reply).toMatchObject({ status: 409, body: { error: 'extension_taken', message: 'O ramal 2002 já é de outro agente.' } });
    expect(await extensionOf('user:ana')).toBe('2001');
    expect(await extensionOf('user:bruno')).toBe('2002');
  });

  it('R-WS-11 setting one’s own extension again changes nothing; a released extension is free for a colleague', async () => {
    expect(await setExtension(bruno, '2002')).toMatchObject({ status: 200, body: { user: { extension: '2002' } } });
    // Bruno moves to 2102: 2002 is free, 2102 is his.
    expect(await setExtension(bruno, '2102')).toMatchObject({ status: 200, body: { user: { extension: '2102' } } });
    expect(await setExtension(ana, '2002')).toMatchObject({ status: 200, body: { user: { extension: '2002' } } });
    expect(await setExtension(ana, '2102')).toMatchObject({ status: 409, body: { error: 'extension_taken' } });
    // Clearing releases it; Ana's old 2001 was released when she moved to 2002.
    expect(await setExtension(bruno, null)).toMatchObject({ status: 200, body: { user: { extension: null } } });
    expect(await setExtension(ana, '2102')).toMatchObject({ status: 200, body: { user: { extension: '2102' } } });
    expect(await setExtension(bruno, '2001')).toMatchObject({ status: 200, body: { user: { extension: '2001' } } });
  });

  it('R-WS-11 an extension a user document holds without a claim (written before claims) is still refused', async () => {
    await updateWire<UserDoc>(server.store, 'user:carla', (u) => u && { ...u, extension: '7007' });
    expect(await setExtension(ana, '7007')).toMatchObject({ status: 409, body: { error: 'extension_taken' } });
    expect(await extensionOf('user:carla')).toBe('7007');
    expect(await extensionOf('user:ana')).toBe('2102');
  });

  it('R-WS-11 four agents setting the same extension at once: exactly one gets it, arbitrated by the store', async () => {
    const others = await Promise.all(['vera', 'otto', 'ines', 'rui'].map(async (key) => {
      await addUser(server, { key, name: key, email: `${key}@demo.local`, role: 'agent', teamIds: ['team:suporte'] });
      return { id: `user:${key}`, token: (await login(server, `${key}@demo.local`)).accessToken };
    }));
    const replies = await Promise.all(others.map((o) => setExtension(o.token, '5555')));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    const holders = [];
    for (const o of others) if ((await extensionOf(o.id)) === '5555') holders.push(o.id);
    expect(holders).toHaveLength(1);
  });

  it('R-WS-11 a claim left by a write cut short (its holder never got the extension) is taken over once old, never while fresh', async () => {
    const at = 1_000_000;
    await server.store.bulkWrite([extensionClaimDoc('6006', 'user:bruno', at)]);
    expect(await extensionOf('user:bruno')).not.toBe('6006');
    const claimsAt = (now: number) => new ExtensionClaims(server.store, () => now);
    await expect(claimsAt(at + 1000).claim('user:ana', '6006')).rejects.toMatchObject({ code: 'extension_taken' });
    await claimsAt(at + STALE_CLAIM_MS).claim('user:ana', '6006');
    expect(await server.store.get(claimIdOf('6006'))).toMatchObject({ userId: 'user:ana' });
  });
});
