import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { call, clientId, login, newVisitor, startTestServer, visitorSays, type TestServer } from '../helpers.js';

/**
 * Found by the chaos run (issue 14 point 2): a server killed while a send job ran left the job
 * `running` under the dead process's 60 s lease, so after the restart the message stayed `queued`
 * until that lease ran out. An embedded store is one process's alone: whatever is running at
 * start-up was left by a dead process, and is taken over at once.
 */

const dataDir = mkdtempSync(path.join(tmpdir(), 'atende-killed-send-'));
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

describe('R-OPS-02 a send job left running by a killed process', () => {
  it('R-OPS-02 is taken over at the restart: the message does not stay queued for the dead lease', async () => {
    let server = await start();
    const ana = (await login(server, 'ana@demo.local')).accessToken;
    const visitor = await newVisitor(server);
    const { conversationId } = await visitorSays(server, visitor, 'olá');
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} })).status).toBe(200);
    const key = clientId('k');
    const sent = await call<{ message: { id: string } }>(server, 'POST', `/api/conversations/${conversationId}/messages`, {
      token: ana, body: { id: key, text: 'resposta' },
    });
    expect(sent.status).toBe(201);
    const messageId = sent.body.message.id;
    await server.jobs.idle();
    const jobId = `job:channel-send.${messageId.slice('message:'.length)}`;
    const [job, message] = [await server.store.get(jobId), await server.store.get(messageId)];
    expect(job?.state).toBe('done');
    // What SIGKILL leaves right after the job was claimed: the job running under a lease of a
    // process that no longer exists, the message still queued.
    const now = Date.now();
    const written = await server.store.bulkWrite([
      { ...job, _id: jobId, state: 'running', owner: 'killed-node-1', attempts: 1, leaseUntil: now + 10 * 60_000, updatedAt: now },
      { ...message, _id: messageId, status: 'queued', updatedAt: now },
    ]);
    expect(written.every((w) => w.ok)).toBe(true);
    await server.close();
    servers.length = 0;

    server = await start();
    // Bounded: before the fix this waited for the ten-minute lease.
    let status: unknown;
    for (let i = 0; i < 200 && status !== 'sent'; i++) {
      await sleep(100);
      status = (await server.store.get(messageId))?.status;
    }
    expect(status).toBe('sent');
    expect((await server.store.get(jobId))?.state).toBe('done');
    // Sent once: the visitor's transcript holds the reply once.
    const transcript = await call<{ messages: Array<{ id: string }> }>(server, 'GET', '/api/webchat/messages', { token: visitor.token });
    expect(transcript.body.messages.filter((m) => m.id === messageId)).toHaveLength(1);
  }, 60_000);
});
