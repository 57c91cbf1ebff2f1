import { expect } from 'vitest';
import type { ConversationDoc, TeamDoc, UserDoc } from '@atende/protocol';
import { updateWire } from '../src/store/wire.js';
import { call, type TestServer } from './helpers.js';
import { until } from './until.js';

/**
 * What the channels' whole-flow rating tests share (R-RT-06, issue 18): the team asks, Ana
 * claims and finishes, the conversation is read back from the real store.
 */

/** Team Suporte asks for ratings (the demo's setting; set here so the test does not lean on the seed). */
export async function teamAsks(server: TestServer, windowHours = 24): Promise<void> {
  await updateWire<TeamDoc>(server.store, 'team:suporte', (t) => t && { ...t, ratings: { enabled: true, windowHours }, updatedAt: t.updatedAt + 1 });
  await updateWire<UserDoc>(server.store, 'user:ana', (u) => u && { ...u, maxConcurrent: 100 });
}

export async function conversationOf(server: TestServer, id: string): Promise<ConversationDoc> {
  const doc = await server.store.get(id);
  if (!doc) throw new Error(`${id} not found`);
  return { ...doc, id: doc._id } as unknown as ConversationDoc;
}

/** Ana claims the conversation and finishes it through the REST command, as the desk does. */
export async function claimAndFinish(server: TestServer, ana: string, conversationId: string, body: Record<string, unknown> = {}): Promise<void> {
  expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: ana, body: {} })).status).toBe(200);
  expect((await call(server, 'POST', `/api/conversations/${conversationId}/finish`, { token: ana, body })).status).toBe(200);
}

/** The conversation once a rating is on it (or as it is when the wait ran out). */
export const ratedOf = (server: TestServer, id: string) => until(() => conversationOf(server, id), (c) => !!c.rating);

/** The finish happened `hours` ago (a late answer without waiting a day). */
export async function finishedHoursAgo(server: TestServer, id: string, hours: number): Promise<void> {
  await updateWire<ConversationDoc>(server.store, id, (c) => c && { ...c, finishedAt: Date.now() - hours * 3_600_000, updatedAt: c.updatedAt + 1 });
}

/** The customer's conversations on the account, newest first. */
export async function conversationsOfContact(server: TestServer, contactId: string): Promise<ConversationDoc[]> {
  const docs = await server.store.find({ selector: { type: 'conversation', contactId }, limit: 100 });
  return docs.map((d) => ({ ...d, id: d._id }) as unknown as ConversationDoc).sort((a, b) => b.createdAt - a.createdAt);
}
