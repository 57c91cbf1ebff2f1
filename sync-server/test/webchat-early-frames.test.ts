import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { call, FrameClient, login, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';

let server: TestServer;
let ana: string;

beforeAll(async () => {
  server = await startTestServer();
  ana = (await login(server, 'ana@demo.local')).accessToken;
});
afterAll(() => server.close());
let restore = () => undefined as void;
afterEach(() => restore());

/** A visitor socket that sends `frames` the moment it opens, before the server has checked its token. */
function eagerVisitor(token: string, frames: Array<Record<string, unknown>>) {
  const received: Array<Record<string, unknown>> = [];
  const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws/webchat?token=${encodeURIComponent(token)}`);
  ws.on('message', (data) => received.push(JSON.parse(data.toString()) as Record<string, unknown>));
  ws.on('error', () => undefined);
  ws.on('open', () => {
    for (const frame of frames) ws.send(JSON.stringify(frame));
  });
  return { ws, received };
}

/**
 * Makes the token check slow (the visitor lookup waits), as it is under load or on CouchDB, so
 * the frames sent at open surely arrive before it ends; restored after each test.
 */
function slowVisitorLookup(): () => void {
  const store = server.store;
  const original = store.get.bind(store);
  store.get = (async (id: string, ...rest: unknown[]) => {
    if (id.startsWith('visitor:')) await new Promise((resolve) => setTimeout(resolve, 150));
    return (original as (id: string, ...r: unknown[]) => ReturnType<typeof original>)(id, ...rest);
  }) as typeof store.get;
  return () => {
    store.get = original;
  };
}

async function until(condition: () => boolean, what: string, capMs = 5000): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > capMs) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('R-CH-02 visitor frames sent before the token check', () => {
  it('R-CH-02 typing sent right after open reaches the agent, and an early ping is answered after welcome', async () => {
    const visitor = await newVisitor(server);
    const { conversationId } = await visitorSays(server, visitor, 'Olá');
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} })).status).toBe(200);
    const agent = await FrameClient.agent(server, ana);
    restore = slowVisitorLookup();

    const eager = eagerVisitor(visitor.token, [{ type: 'typing', typing: true }, { type: 'ping' }]);
    expect(await agent.next((f) => f.type === 'typing' && f.conversationId === conversationId)).toMatchObject({ typing: true });
    await until(() => eager.received.some((f) => f.type === 'pong'), 'pong');
    // In order: the early frames are handled once the visitor is known, so welcome comes first.
    expect(eager.received.map((f) => f.type).filter((t) => t === 'welcome' || t === 'pong')).toEqual(['welcome', 'pong']);
    eager.ws.close();
    agent.close();
  });

  it('R-CH-02 early frames beyond the buffer are answered with an error frame, not dropped silently', async () => {
    const visitor = await newVisitor(server);
    const pings = Array.from({ length: 25 }, () => ({ type: 'ping' }));
    restore = slowVisitorLookup();
    const eager = eagerVisitor(visitor.token, pings);
    await until(() => eager.received.filter((f) => f.type === 'pong' || f.type === 'error').length >= 25, 'an answer per frame');
    const pongs = eager.received.filter((f) => f.type === 'pong').length;
    const refused = eager.received.filter((f) => f.type === 'error' && f.code === 'not_ready').length;
    expect(pongs + refused).toBe(25);
    expect(refused).toBeGreaterThan(0);
    eager.ws.close();
  });
});
