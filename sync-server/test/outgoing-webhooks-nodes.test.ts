import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingWebhook, WebhookEnvelope } from '@atende/protocol';
import { EmbeddedStore } from '../src/store/embedded.js';
import { call, login, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';
import { until } from './until.js';

/**
 * R-RT-05 (issue 15): the events come from the store's change feed, read from a checkpoint kept in
 * the store. A restart resumes there — what was written while no node read is still sent, what was
 * sent is not sent again — and two nodes reading the same feed send each event once.
 */
const ENV = { ATENDE_WEBHOOKS_ALLOW_PRIVATE: '1', ATENDE_WEBHOOKS_RETRY_BASE_MS: '40', ATENDE_WEBHOOKS_RETRY_MAX_MS: '200' };
const received: WebhookEnvelope[] = [];
let receiver: Server;
let receiverUrl: string;
let dir: string;
let store: EmbeddedStore;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      received.push(JSON.parse(raw) as WebhookEnvelope);
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/nodes`;
  dir = mkdtempSync(path.join(tmpdir(), 'atende-webhook-nodes-'));
  store = new EmbeddedStore(dir);
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  await new Promise((resolve) => receiver.close(resolve));
});

const times = (eventId: string) => received.filter((e) => e.id === eventId).length;

describe('outgoing webhooks across restarts and nodes', () => {
  it('R-RT-05 a restart resumes from the checkpoint: a message written while no node read is sent, none is sent twice; two nodes send each event once', async () => {
    let first: TestServer | undefined = await startTestServer(ENV, { store });
    const admin = (await login(first, 'admin@demo.local')).accessToken;
    const hook = await call<OutgoingWebhook>(first, 'POST', '/api/admin/webhooks', {
      token: admin, body: { url: receiverUrl, events: ['message.created'], secret: 'segredo-dos-nos-00001', enabled: true },
    });
    expect(hook.status).toBe(201);
    const before = await visitorSays(first, await newVisitor(first), 'antes de reiniciar');
    const beforeId = `message.created:${before.messageId}`;
    await until(() => times(beforeId), (n) => n === 1);
    await first.close();
    first = undefined;

    // Written while no server follows the feed (another node's write, or one just before a crash).
    const stored = await store.get(before.messageId);
    const offline = { ...stored, _id: `${before.messageId}x`, text: 'escrita com o servidor parado', createdAt: Date.now(), updatedAt: Date.now() };
    delete offline._rev;
    expect((await store.bulkWrite([offline]))[0]?.ok).toBe(true);
    const offlineId = `message.created:${offline._id}`;

    const [a, b] = [await startTestServer(ENV, { store }), await startTestServer(ENV, { store })];
    try {
      await until(() => times(offlineId), (n) => n >= 1);
      const during = await visitorSays(a, await newVisitor(a), 'com dois nós');
      const duringId = `message.created:${during.messageId}`;
      await until(() => times(duringId), (n) => n >= 1);
      await Promise.all([a.jobs.idle(), b.jobs.idle()]);
      expect([times(beforeId), times(offlineId), times(duringId)]).toEqual([1, 1, 1]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
