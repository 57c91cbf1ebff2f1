import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MessageDoc } from '@atende/protocol';
import { toStored } from '../src/store/wire.js';
import { call, clientId, login, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'atende-recovery-'));
const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(): Promise<TestServer> {
  const server = await startTestServer({ ATENDE_DATA_DIR: dataDir });
  servers.push(server);
  return server;
}

/** What a node leaves when it dies between storing an agent's message and storing its send job. */
async function orphanMessage(server: TestServer, conversationId: string, key: string): Promise<string> {
  const now = Date.now();
  const message: MessageDoc = {
    id: `message:${key}`, type: 'message', createdAt: now, updatedAt: now, conversationId, teamId: 'team:suporte',
    formerTeamIds: [], direction: 'out', authorId: 'user:ana', authorName: 'Ana Souza', kind: 'text', text: `órfã ${key}`,
    attachments: [], visibility: 'public', status: 'queued', error: null, externalId: null, payload: {},
  };
  const [written] = await server.store.bulkWrite([toStored(message)]);
  expect(written?.ok).toBe(true);
  expect(await server.store.get(`job:channel-send.${key}`)).toBeUndefined();
  return message.id;
}

async function statusOf(server: TestServer, id: string): Promise<unknown> {
  await server.jobs.idle();
  return (await server.store.get(id))?.status;
}

describe('R-OPS-02 a message stored without its send job is never stuck queued', () => {
  it('R-OPS-02 the client’s retry with the same id enqueues the missing send, and a restart enqueues the rest', async () => {
    let server = await start();
    const ana = (await login(server, 'ana@demo.local')).accessToken;
    const visitor = await newVisitor(server);
    const { conversationId } = await visitorSays(server, visitor, 'olá');
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} })).status).toBe(200);

    const retried = clientId('o');
    const retriedId = await orphanMessage(server, conversationId, retried);
    const again = await call<{ message: { status: string } }>(server, 'POST', `/api/conversations/${conversationId}/messages`, {
      token: ana, body: { id: retried, text: `órfã ${retried}` },
    });
    expect(again.status).toBe(200);
    expect(await statusOf(server, retriedId)).toBe('sent'); // no visitor socket is open: sent, not delivered

    const left = clientId('o');
    const leftId = await orphanMessage(server, conversationId, left);
    await server.close();
    servers.length = 0;
    server = await start();
    // The start-up sweep runs beside the server's first requests; wait for it, as a slow machine may not have run it yet.
    expect(await server.recovered).toBeGreaterThanOrEqual(1);
    expect(await statusOf(server, leftId)).toBe('sent');
    const transcript = await call<{ messages: Array<{ text: string; direction: string }> }>(server, 'GET', '/api/webchat/messages', { token: visitor.token });
    // What people wrote; lifecycle notices (direction 'system') are tested in events.test.ts.
    expect(transcript.body.messages.filter((m) => m.direction !== 'system').map((m) => m.text)).toEqual(['olá', `órfã ${retried}`, `órfã ${left}`]);
  });
});
