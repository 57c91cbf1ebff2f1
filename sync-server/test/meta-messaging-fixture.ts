import { expect } from 'vitest';
import { webhookPathOf, type MessageDoc, type UserDoc } from '@atende/protocol';
import { FakeMetaGraph } from '../src/channels/meta/simulator/fakeMetaGraph.js';
import { updateWire } from '../src/store/wire.js';
import { call, login, messagesWith, startTestServer, type TestServer } from './helpers.js';
import { until } from './until.js';

/**
 * A real server with one Messenger or Instagram account pointed at a fake Graph server on
 * loopback (FakeMetaGraph), for messenger*.test.ts and instagram*.test.ts: the real adapter,
 * registered by the server, talks HTTP to the fake.
 */
export const PAGE_ID = '104523998812345';
export const IG_USER_ID = '17841400123456789';
export const PAGE_TOKEN = 'EAAB-test-page-access-token';
export const APP_SECRET = 'meta-app-secret-0123456789';
export const VERIFY_TOKEN = 'meta-verify-token';
// The smallest valid PNG (1×1).
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

export interface MetaFixture {
  server: TestServer;
  graph: FakeMetaGraph;
  webhook: string;
  accountId: string;
  admin: string;
  ana: string;
  close(): Promise<void>;
}

let idSequence = 7_000_000;
/** A fresh page- or Instagram-scoped user id. */
export const newCustomerId = () => `2${Date.now() % 1_000_000}${++idSequence}`;

export async function startMetaFixture(kind: 'messenger' | 'instagram', settings: Record<string, string> = {}): Promise<MetaFixture> {
  const graph = await new FakeMetaGraph({ appSecret: APP_SECRET, pageAccessToken: PAGE_TOKEN, pageId: PAGE_ID, pageName: 'Loja Atende', igUserId: IG_USER_ID, igUsername: 'loja.atende' }).start();
  const server = await startTestServer();
  const admin = (await login(server, 'admin@demo.local')).accessToken;
  const config = {
    pageId: PAGE_ID, pageAccessToken: PAGE_TOKEN, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, apiBaseUrl: graph.baseUrl, humanAgentTag: 'off',
    ...(kind === 'instagram' ? { igUserId: IG_USER_ID } : {}), ...settings,
  };
  const created = await call<{ id: string }>(server, 'POST', '/api/admin/channels', {
    token: admin, body: { kind, name: kind === 'messenger' ? 'Messenger Loja' : 'Instagram Loja', teamId: 'team:suporte', config },
  });
  expect(created.status).toBe(201);
  await updateWire<UserDoc>(server.store, 'user:ana', (u) => u && { ...u, maxConcurrent: 100 });
  const ana = (await login(server, 'ana@demo.local')).accessToken;
  return {
    server, graph, admin, ana, accountId: created.body.id,
    webhook: server.url + webhookPathOf(kind, created.body.id),
    async close() {
      await server.close();
      await graph.stop();
    },
  };
}

/** Customers' and agents' messages (the queue notice lands by a job, at its own time). */
export async function countMessages(server: TestServer): Promise<number> {
  return (await server.store.find({ selector: { type: 'message' }, limit: 100_000 })).filter((m) => m.direction !== 'system').length;
}

/** Delivers a customer's message webhook and answers the stored message. */
export async function receive(f: MetaFixture, event: { mid: string; body: unknown }): Promise<MessageDoc> {
  expect((await f.graph.deliver(f.webhook, event.body)).status).toBe(200);
  const [stored] = await messagesWith(f.server, event.mid);
  if (!stored) throw new Error(`${event.mid} not stored`);
  return stored;
}

/** The message once its media job has run (attachments stored or an error noted). */
export const withMedia = (f: MetaFixture, id: string) =>
  until(async () => (await f.server.store.get(id)) as unknown as MessageDoc, (m) => m.attachments.length > 0 || m.payload.mediaError !== undefined);

/** Claims the conversation for Ana and answers the reply function. */
export async function claimed(f: MetaFixture, conversationId: string) {
  expect((await call(f.server, 'POST', `/api/conversations/${conversationId}/claim`, { token: f.ana, body: {} })).status).toBe(200);
  let n = 0;
  return async (text: string, mediaIds?: string[]) => {
    const answer = await call<{ message: { id: string } }>(f.server, 'POST', `/api/conversations/${conversationId}/messages`, {
      token: f.ana, body: { id: `meta-reply-${conversationId.slice(-8)}-${++n}-${Date.now()}`, text, ...(mediaIds ? { mediaIds } : {}) },
    });
    return answer;
  };
}

/** The message once the send job has settled. */
export const sentOf = (f: MetaFixture, id: string, timeoutMs?: number) =>
  until(async () => (await f.server.store.get(id)) as unknown as MessageDoc, (m) => m.status !== 'queued', timeoutMs);

/** Uploads a file as Ana; answers its media id. */
export async function upload(f: MetaFixture, bytes: Buffer, mimeType: string, name: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: mimeType }), name);
  const res = await fetch(`${f.server.url}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${f.ana}` }, body: form });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}
