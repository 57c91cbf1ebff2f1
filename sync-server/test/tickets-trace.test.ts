import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationEventOf, type ConversationDoc, type MessageDoc, type UserDoc } from '@atende/protocol';
import type { JobHandler, JobRunner } from '../src/jobs/types.js';
import type { DocStore, StoredDoc } from '../src/store/index.js';
import { getWire, updateWire } from '../src/store/wire.js';
import { FakeTicketSystem } from '../src/tickets/fakeTicketSystem.js';
import { registerTicketJobs } from '../src/tickets/job.js';
import { TicketService, ticketJob } from '../src/tickets/service.js';
import { call, clientId, login, newVisitor, startTestServer, visitorSays, type TestServer } from './helpers.js';

/**
 * R-WS-14: the trace line "Conversa vinculada ao ticket N" is written with the link, or by the
 * retry of a command or job cut short after the link was saved: History never misses it.
 */
let server: TestServer;
let fake: FakeTicketSystem;
let ana: UserDoc;

beforeAll(async () => {
  fake = new FakeTicketSystem();
  await fake.start();
  server = await startTestServer();
  await login(server, 'ana@demo.local');
  await updateWire<UserDoc>(server.store, 'user:ana', (u) => u && { ...u, maxConcurrent: 100 });
  const stored = await getWire<UserDoc>(server.store, 'user:ana');
  if (!stored) throw new Error('no demo user');
  ana = stored;
});
afterAll(async () => {
  await server.close();
  await fake.stop();
});

async function takenConversation(): Promise<string> {
  const token = (await login(server, 'ana@demo.local')).accessToken;
  const { conversationId } = await visitorSays(server, await newVisitor(server), 'Preciso de um ticket');
  expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token, body: {} })).status).toBe(200);
  return conversationId;
}

const isTrace = (doc: StoredDoc) => doc.type === 'message' && (doc.payload as { event?: string } | undefined)?.event === 'ticketLinked';

/** The store as a node that dies once: the first write carrying a trace line stores the rest, then fails. */
function crashingOnceAfterTheLink(store: DocStore): DocStore {
  let crashed = false;
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'bulkWrite') {
        return async (docs: StoredDoc[], ...rest: unknown[]) => {
          if (crashed || !docs.some(isTrace)) return target.bulkWrite(docs, ...(rest as []));
          crashed = true;
          await target.bulkWrite(docs.filter((d) => !isTrace(d)));
          throw new Error('node crashed here');
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function traces(conversationId: string): Promise<MessageDoc[]> {
  const found = await server.store.find({ selector: { type: 'message', conversationId }, limit: 100 });
  return (found as unknown as MessageDoc[]).filter((m) => conversationEventOf(m)?.event === 'ticketLinked');
}

describe('R-WS-14 the ticket trace line survives a failure after the link', () => {
  it('R-WS-14 a link by number whose trace write failed gets its line (once) when the command is repeated', async () => {
    const conversationId = await takenConversation();
    const tickets = new TicketService(crashingOnceAfterTheLink(server.store), () => false);
    const body = { id: clientId('t'), messageIds: [], number: '4242' };
    await expect(tickets.link(ana, conversationId, body)).rejects.toThrow('node crashed');
    // The outbox repeats the command: the link is there, its line was not.
    const again = await tickets.link(ana, conversationId, body);
    expect(again).toMatchObject({ created: false });
    expect(again.conversation.ticketLinks.map((l) => [l.number, l.status])).toEqual([['4242', 'linked']]);
    expect((await traces(conversationId)).map((m) => m.text)).toEqual(['Conversa vinculada ao ticket 4242.']);
    await tickets.link(ana, conversationId, body);
    expect(await traces(conversationId)).toHaveLength(1);
  });

  it('R-WS-14 a created ticket whose trace write failed gets its line when the job runs again, without a second ticket', async () => {
    const conversationId = await takenConversation();
    const linkId = clientId('t');
    await updateWire<ConversationDoc>(server.store, conversationId, (c) => c && {
      ...c, ticketLinks: [{ id: linkId, number: null, messageIds: [], status: 'creating', error: null, url: null, at: Date.now(), byUserId: ana.id }],
    });
    const store = crashingOnceAfterTheLink(server.store);
    let handler: JobHandler | undefined;
    const runner = { register: (_kind: string, h: JobHandler) => void (handler = h) } as unknown as JobRunner;
    registerTicketJobs(runner, { store, tickets: new TicketService(store, () => true), config: { url: fake.url, token: undefined, attempts: 3, retryMs: 10 } });
    if (!handler) throw new Error('no ticket job handler');
    const job = ticketJob(conversationId, linkId);
    const before = fake.requests;
    const signal = new AbortController().signal;
    await expect(handler(job, { attempt: 1, signal })).rejects.toThrow('node crashed');
    await handler(job, { attempt: 2, signal });
    const stored = await getWire<ConversationDoc>(server.store, conversationId);
    const number = stored?.ticketLinks.find((l) => l.id === linkId)?.number;
    expect(number).toEqual(expect.any(String));
    expect((await traces(conversationId)).map((m) => m.text)).toEqual([`Conversa vinculada ao ticket ${number}.`]);
    expect(fake.requests - before).toBe(1);
  });
});
