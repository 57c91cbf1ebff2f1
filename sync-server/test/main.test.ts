import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEntryPoint, type ReadyEntryPoint } from './entryPoint.js';
import { call, login, newVisitor, startTestServer, visitorSays } from './helpers.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'atende-main-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs the real entry point (`npm run server`) on this file's data folder until it is ready. */
function runServer(env: Record<string, string>): Promise<ReadyEntryPoint> {
  return startEntryPoint({ dataDir, env, readyTimeoutMs: 20_000 });
}

describe('npm run server / npm start entry point', () => {
  it('R-AUTH-03 prints the demo accounts and URLs, serves them, and stops cleanly on SIGTERM', async () => {
    const server = await runServer({});
    const { output, url } = server;
    try {
      for (const email of ['ana@demo.local', 'bruno@demo.local', 'carla@demo.local', 'admin@demo.local']) {
        expect(output).toContain(email);
      }
      expect(output).toContain('atende123');
      expect(output).toContain(`${url}/demo/`);
      expect((await call({ url }, 'GET', '/api/health')).body).toMatchObject({ ok: true, store: 'embedded' });
      expect((await call({ url }, 'GET', '/demo/')).status).toBe(200);
      expect((await call({ url }, 'GET', '/')).status).toBe(200);
      await login({ url }, 'ana@demo.local');
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('keeps everything across a restart on the same data folder, without seeding twice', async () => {
    const first = await startTestServer({ ATENDE_DATA_DIR: dataDir });
    const visitor = await newVisitor(first);
    const { conversationId, messageId } = await visitorSays(first, visitor, 'antes do reinício');
    const users = (await first.store.find({ selector: { type: 'user' }, limit: 100 })).length;
    await first.close();

    const second = await startTestServer({ ATENDE_DATA_DIR: dataDir });
    try {
      expect(second.seeded).toBe(false);
      expect((await second.store.find({ selector: { type: 'user' }, limit: 100 })).length).toBe(users);
      expect(await second.store.get(conversationId)).toMatchObject({ status: 'waiting' });
      // Visitor tokens survive: the signing secret is kept in the store.
      const transcript = await call<{ messages: Array<{ id: string }> }>(second, 'GET', '/api/webchat/messages', { token: visitor.token });
      expect(transcript.body.messages.map((m) => m.id)).toContain(messageId);
      const ana = await login(second, 'ana@demo.local');
      expect((await call(second, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana.accessToken, body: {} })).status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('refuses to start with invalid configuration and names the variable', async () => {
    await expect(runServer({ PORT: 'abc' })).rejects.toThrow(/PORT/);
  });
});
