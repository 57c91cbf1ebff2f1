import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mayTagConversation, type ConversationDoc } from '@atende/protocol';
import { call, clientId, login, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';

/**
 * R-RT-01 (issue 15 point 3): a team's tags permission. With `tagsAllowed: false` its agents may
 * not tag its conversations (the protocol's `mayTagConversation`, which the renderer's menu and the
 * server's route both follow); supervisors still classify them.
 */
let server: TestServer;
let admin: string;
let ana: string;
let carla: string;

type Answer = { error?: string; message?: string; conversation?: ConversationDoc };

beforeAll(async () => {
  server = await startTestServer();
  const token = async (who: string) => (await login(server, `${who}@demo.local`)).accessToken;
  [admin, ana, carla] = await Promise.all(['admin', 'ana', 'carla'].map(token)) as [string, string, string];
});
afterAll(async () => {
  await server.close();
});

const allowTags = (allowed: boolean) => call(server, 'PATCH', '/api/admin/teams/team:suporte', { token: admin, body: { tagsAllowed: allowed } });
const tag = (token: string, id: string, tags: string[]) =>
  call<Answer>(server, 'POST', `/api/conversations/${id}/tags`, { token, body: { id: clientId('t'), tags } });

describe('R-RT-01 tags permission of a team', () => {
  it('R-RT-01 with tags off for Suporte, Ana may not tag her conversation (403, unchanged) while Carla may; on again, Ana may', async () => {
    const [someTag] = await server.store.find({ selector: { type: 'tag' }, limit: 1 });
    const tagId = String(someTag?._id);
    const { conversationId } = await visitorSays(server, await newVisitor(server), 'Quero cancelar');
    expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} })).status).toBe(200);

    expect((await allowTags(false)).status).toBe(200);
    const refused = await tag(ana, conversationId, [tagId]);
    expect(refused.status).toBe(403);
    expect((await server.store.get(conversationId, { fresh: true }))?.tags).toEqual([]);
    const bySupervisor = await tag(carla, conversationId, [tagId]);
    expect(bySupervisor.status).toBe(200);
    expect(bySupervisor.body.conversation?.tags).toEqual([tagId]);

    expect((await allowTags(true)).status).toBe(200);
    const allowed = await tag(ana, conversationId, []);
    expect(allowed.status).toBe(200);
    expect(allowed.body.conversation?.tags).toEqual([]);
  });

  it('R-RT-01 mayTagConversation takes the team into account for agents only', async () => {
    const { conversationId } = await visitorSays(server, await newVisitor(server), 'Outra dúvida');
    const claimed = await call<Answer>(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} });
    const c = claimed.body.conversation as ConversationDoc;
    const agent = { id: 'user:ana', role: 'agent' as const, teamIds: ['team:suporte'] };
    const supervisor = { id: 'user:carla', role: 'supervisor' as const, teamIds: ['team:suporte'] };
    expect(mayTagConversation(agent, c, { tagsAllowed: false }).ok).toBe(false);
    expect(mayTagConversation(agent, c, { tagsAllowed: true }).ok).toBe(true);
    expect(mayTagConversation(agent, c, {}).ok).toBe(true);
    expect(mayTagConversation(supervisor, c, { tagsAllowed: false }).ok).toBe(true);
  });
});
