import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEND_JOB } from '../src/conversations/messages.js';
import { jobId } from '../src/jobs/types.js';
import type { DocStore } from '../src/store/index.js';
import {
  call, clientId, FrameClient, login, newVisitor, visitorSays, type TestServer, type Visitor,
} from './helpers.js';
import { hasRedis, until, type TestRedis } from './redis.js';
import { startTwoNodes, type TwoNodes } from './twoNodes.js';

/**
 * Issue 7 point 6: two nodes in one process over ONE store instance and one real redis-server.
 * Node A is where agents act; node B is where the visitor (and, for sign-out, the agent's other
 * sockets) are connected, so every effect below has to cross the Redis bus.
 */
// requires the redis-server Debian package (installed by .ci/run)
describe.skipIf(!hasRedis)('R-OPS-01 several nodes sharing one store and one Redis', () => {
  let nodes: TwoNodes;
  let redis: TestRedis;
  let store: DocStore;
  let a: TestServer;
  let b: TestServer;
  let ana: string;

  beforeAll(async () => {
    nodes = await startTwoNodes('atende-nodes-');
    ({ redis, store, a, b } = nodes);
    ana = (await login(a, 'ana@demo.local')).accessToken;
  }, 15_000);

  afterAll(async () => {
    await nodes?.close();
  }, 15_000);

  /** A visitor of node B whose first message opened a conversation that Ana claimed on node A. */
  async function claimedOnA(): Promise<{ visitor: Visitor; conversationId: string }> {
    const visitor = await newVisitor(b);
    const { conversationId } = await visitorSays(b, visitor, 'Olá, preciso de ajuda');
    const claim = await call(a, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} });
    expect(claim.status).toBe(200);
    return { visitor, conversationId };
  }

  /** Ana's reply through node A; the channel send runs later as a job. */
  async function replyThroughA(conversationId: string, text: string): Promise<string> {
    const sent = await call<{ message: { id: string; status: string } }>(a, 'POST', `/api/conversations/${conversationId}/messages`, {
      token: ana, body: { id: clientId('a'), text },
    });
    expect(sent.status).toBe(201);
    expect(sent.body.message.status).toBe('queued');
    return sent.body.message.id;
  }

  const statusOf = async (id: string) => (await store.get(id))?.status;

  it('R-OPS-01 both nodes serve the same store: a conversation opened on B is claimed on A, and B sees the claim', async () => {
    expect(a.bus.nodeId).toBe('node-a');
    expect(b.bus.nodeId).toBe('node-b');
    const { conversationId } = await claimedOnA();
    expect(await store.get(conversationId)).toMatchObject({ status: 'active', agentId: 'user:ana' });
    // B's read cache catches up through the shared change feed (ARCHITECTURE §5), not at once.
    await until(async () => (await b.store.get(conversationId))?.agentId === 'user:ana', 5_000);
  });

  it('R-OPS-01 a visitor connected to node B gets the reply an agent sends through node A', async () => {
    const { visitor, conversationId } = await claimedOnA();
    const socket = await FrameClient.visitor(b, visitor.token);
    try {
      const id = await replyThroughA(conversationId, 'Resposta pelo nó A');
      // The agent's reply (lifecycle notices come as 'system' messages).
      const frame = await socket.next((f) => f.type === 'message' && (f.message as { direction: string }).direction === 'out');
      expect(frame).toEqual({
        type: 'message',
        message: { id, direction: 'out', authorName: 'Ana Souza', text: 'Resposta pelo nó A', createdAt: expect.any(Number), attachments: [] },
      });
      // Node B reached the socket, so node B marks it delivered in the shared store.
      await until(async () => (await statusOf(id)) === 'delivered', 10_000);
    } finally {
      socket.close();
    }
  });

  it('R-OPS-01 typing crosses both ways: agent on A → visitor on B, visitor on B → agent on A', async () => {
    const { visitor, conversationId } = await claimedOnA();
    const contactId = String((await store.get(`visitor:${visitor.visitorId}`))?.contactId);
    const [socket, agent] = await Promise.all([FrameClient.visitor(b, visitor.token), FrameClient.agent(a, ana)]);
    try {
      agent.send({ type: 'typing', conversationId, typing: true });
      expect(await socket.next((f) => f.type === 'typing')).toEqual({ type: 'typing', typing: true });

      socket.send({ type: 'typing', typing: true });
      expect(await agent.next((f) => f.type === 'typing' && f.conversationId === conversationId)).toEqual({
        type: 'typing', conversationId, authorId: contactId, typing: true,
      });

      agent.send({ type: 'typing', conversationId, typing: false });
      expect(await socket.next((f) => f.type === 'typing' && f.typing === false)).toEqual({ type: 'typing', typing: false });
    } finally {
      socket.close();
      agent.close();
    }
  });

  it('R-OPS-01 signing out on A closes that session’s agent sockets on B (4001) and B refuses its token at once', async () => {
    const session = await login(a, 'ana@demo.local');
    const [first, second, otherSession] = await Promise.all([
      FrameClient.agent(b, session.accessToken),
      FrameClient.agent(b, session.accessToken),
      FrameClient.agent(b, ana),
    ]);
    try {
      // B has checked (and cached) the session as active: only the bus can change its mind quickly.
      expect((await call(b, 'GET', '/api/auth/me', { token: session.accessToken })).status).toBe(200);

      expect((await call(a, 'POST', '/api/auth/logout', { token: session.accessToken, body: {} })).status).toBe(204);

      const closes = await Promise.all([first.closedPromise(), second.closedPromise()]);
      expect(closes.map((c) => c.code)).toEqual([4001, 4001]);
      expect((await call(b, 'GET', '/api/auth/me', { token: session.accessToken })).status).toBe(401);
      const reopened = await FrameClient.open(b.url.replace(/^http/, 'ws') + '/ws');
      reopened.send({ type: 'hello', token: session.accessToken });
      expect((await reopened.closedPromise()).code).toBe(4401);

      // Ana's other session is untouched on B.
      otherSession.send({ type: 'ping' });
      await otherSession.next((f) => f.type === 'pong');
      expect(otherSession.closed).toBeUndefined();
      expect((await call(b, 'GET', '/api/auth/me', { token: ana })).status).toBe(200);
    } finally {
      for (const client of [first, second, otherSession]) client.close();
    }
  });

  it('R-OPS-01 killing node A’s bus connections loses no reply: each still reaches the visitor on B', async () => {
    const { visitor, conversationId } = await claimedOnA();
    const socket = await FrameClient.visitor(b, visitor.token);
    // Only node A runs jobs from here on, so every send publishes through the connection being killed.
    await b.jobs.stop();
    try {
      const sent: string[] = [];
      let killed = 0;
      for (let round = 0; round < 4; round += 1) {
        sent.push(await replyThroughA(conversationId, `Resposta ${round} durante a queda`));
        for (let kill = 0; kill < 3; kill += 1) {
          killed += await redis.killClients(/^atende:node-a:(commands|reader)$/);
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      }
      expect(killed).toBeGreaterThan(0);

      // A failed publish leaves the job to retry; B's stream reader then catches the entry.
      const received = () => new Set(socket.frames.flatMap((f) => {
        const message = f.message as { id: string; direction: string } | undefined;
        return f.type === 'message' && message?.direction === 'out' ? [message.id] : [];
      }));
      await until(() => sent.every((id) => received().has(id)), 10_000);
      expect([...received()].sort()).toEqual([...sent].sort());
      // Every send ran on node A, through the connection that was being killed.
      const sendJobs = () => Promise.all(sent.map((id) => store.get(jobId(SEND_JOB, id.slice('message:'.length)))));
      await until(async () => (await sendJobs()).every((job) => job?.state === 'done'), 10_000);
      expect((await sendJobs()).map((job) => job?.owner)).toEqual(sent.map(() => 'node-a'));
      await until(async () => (await Promise.all(sent.map(statusOf))).every((s) => s === 'delivered'), 10_000);
    } finally {
      socket.close();
    }
  }, 20_000);
});
