import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RxCollection } from 'rxdb';
import { commandAttempts, CommandRefused, type CommandOutbox, type OutboxOptions, type Transport } from '../src/db/outbox';
import type { OutboxDoc } from '../src/db/outboxSchema';
import { closeOutboxes, outboxCollection as collection, startedOutbox } from './outboxFixture';

/**
 * Issue 8 point 8 (R-NET-03): the agent's commands are kept in the local store with their id and
 * repeated with that same id until the server answers — after a timeout, a dropped connection or
 * a reload — in the order the agent gave them.
 */
afterEach(closeOutboxes);

interface Sent { kind: string; conversationId: string; body: Record<string, unknown> }

/** A server stand-in: `answer` decides each request (resolve, throw, or never answer). */
function fakeServer(answer: (request: Sent, index: number) => Promise<unknown>) {
  const sent: Sent[] = [];
  const transport: Transport = (kind, conversationId, body) => {
    const request = { kind, conversationId, body };
    sent.push(request);
    return answer(request, sent.length - 1);
  };
  return { sent, transport };
}

const never = () => new Promise<never>(() => undefined);
const FAST: OutboxOptions = { timeoutMs: 20, retryMinMs: 1, retryMaxMs: 5 };

function outbox(c: RxCollection<OutboxDoc>, transport: Transport, options: OutboxOptions = {}): CommandOutbox {
  return startedOutbox(c, transport, { ...FAST, ...options });
}

async function states(c: RxCollection<OutboxDoc>): Promise<Record<string, string>> {
  const docs = await c.find().exec();
  return Object.fromEntries(docs.map((d) => [d.id, d.state]));
}

const reply = (text: string) => ({ kind: 'reply' as const, conversationId: 'conversation:c1', body: { text } });

describe('command outbox (issue 8 point 8)', () => {
  it('R-NET-03 a reply whose request timed out is repeated with the same id and applied once', async () => {
    const c = await collection();
    const server = fakeServer((_, i) => (i === 0 ? never() : Promise.resolve({ message: {} })));
    const o = outbox(c, server.transport);
    const entry = await o.enqueue(reply('olá'));
    // The agent learns that the reply is on its way once the first attempt is lost.
    await expect(o.outcome(entry.id)).resolves.toBe('queued');
    await vi.waitFor(async () => expect(await states(c)).toEqual({ [entry.id]: 'done' }));
    expect(server.sent.map((s) => s.body)).toEqual([{ id: entry.id, text: 'olá' }, { id: entry.id, text: 'olá' }]);
    await expect(o.outcome(entry.id)).resolves.toBe('done');
  });

  it('R-NET-03 commands are sent in the order given; a failing one holds back the ones after it', async () => {
    const c = await collection();
    let failFirst = 2;
    const server = fakeServer(async (request) => {
      if (request.body.text === 'um' && failFirst-- > 0) throw new Error('connection reset');
      return {};
    });
    const o = outbox(c, server.transport, { isOnline: () => true });
    o.stop(); // queue three before anything is sent
    const ids = [];
    for (const text of ['um', 'dois', 'três']) ids.push((await o.enqueue(reply(text))).id);
    o.start();
    await vi.waitFor(async () => expect(Object.values(await states(c))).toEqual(['done', 'done', 'done']));
    expect(server.sent.map((s) => s.body.text)).toEqual(['um', 'um', 'um', 'dois', 'três']);
    expect(server.sent.map((s) => s.body.id)).toEqual([ids[0], ids[0], ids[0], ids[1], ids[2]]);
  });

  it('R-NET-03 R-NET-01 nothing is sent while offline; the command goes once when the connection returns', async () => {
    const c = await collection();
    let online = false;
    const server = fakeServer(() => Promise.resolve({}));
    const o = outbox(c, server.transport, { isOnline: () => online });
    const entry = await o.enqueue(reply('quando voltar'));
    await o.idle();
    expect(server.sent).toEqual([]);
    expect(await states(c)).toEqual({ [entry.id]: 'pending' });
    online = true;
    o.wake();
    o.wake();
    await vi.waitFor(async () => expect(await states(c)).toEqual({ [entry.id]: 'done' }));
    expect(server.sent).toHaveLength(1);
  });

  it('R-NET-03 a command in flight when the window reloads is sent again after the reload with the same id', async () => {
    const c = await collection();
    const before = fakeServer(() => never());
    const first = outbox(c, before.transport, { timeoutMs: 60_000 });
    const entry = await first.enqueue({ kind: 'finish', conversationId: 'conversation:c1', body: { disposition: null, note: 'ok' } });
    await vi.waitFor(() => expect(before.sent).toHaveLength(1));
    first.stop(); // the page goes away with its request unanswered

    const after = fakeServer(() => Promise.resolve({ conversation: {} }));
    outbox(c, after.transport);
    await vi.waitFor(async () => expect(await states(c)).toEqual({ [entry.id]: 'done' }));
    expect(after.sent).toEqual([{ kind: 'finish', conversationId: 'conversation:c1', body: { id: entry.id, disposition: null, note: 'ok' } }]);
  });

  it('R-NET-03 a refused command is not repeated, is reported, and does not hold back the next one', async () => {
    const c = await collection();
    const refusal = { status: 409, code: 'finished', message: 'The conversation is finished' };
    const server = fakeServer(async (request) => {
      if (request.body.text === 'tarde demais') throw new CommandRefused(refusal);
      return {};
    });
    const o = outbox(c, server.transport);
    const refused = await o.enqueue(reply('tarde demais'));
    const next = await o.enqueue(reply('outra'));
    await expect(o.outcome(refused.id)).rejects.toMatchObject({ refusal });
    await expect(o.outcome(next.id)).resolves.toBe('done');
    expect(server.sent.map((s) => s.body.text)).toEqual(['tarde demais', 'outra']);
    // A refused reply waits for the agent (its text is not lost); dismissing removes it.
    expect((await c.findOne(refused.id).exec())?.error).toEqual(refusal);
    await o.dismiss(refused.id);
    expect(await c.findOne(refused.id).exec()).toBeNull();
  });

  it('R-NET-03 a dialog\'s command settles: applied is done, a refusal is thrown and leaves the store', async () => {
    const c = await collection();
    const refusal = { status: 403, code: 'forbidden', message: 'no' };
    const server = fakeServer(async (request) => {
      if (request.body.toTeamId === 'team:nenhum') throw new CommandRefused(refusal);
      return {};
    });
    const o = outbox(c, server.transport);
    const to = (toTeamId: string) => ({ kind: 'transfer' as const, conversationId: 'conversation:c1', body: { toTeamId } });
    await o.enqueue(to('team:comercial'), 'OK1');
    await expect(o.settled('OK1')).resolves.toBe('done');
    await o.enqueue(to('team:nenhum'), 'NO1');
    await expect(o.settled('NO1')).rejects.toMatchObject({ refusal });
    expect(await c.findOne('NO1').exec()).toBeNull();
  });

  it('R-NET-03 a dialog\'s action keeps its command id until refused, then starts a new one', async () => {
    const ids: string[] = [];
    let refuse = true;
    const act = commandAttempts(async (commandId) => {
      ids.push(commandId);
      if (refuse) throw new CommandRefused({ status: 409, code: 'finished', message: 'no' });
    });
    await expect(act()).rejects.toBeInstanceOf(CommandRefused);
    refuse = false;
    await act();
    await act();
    expect(ids[1]).not.toBe(ids[0]);
    expect(ids[2]).toBe(ids[1]);
  });

  it('R-NET-03 confirming the same action twice keeps one command (the id is created once per action)', async () => {
    const c = await collection();
    const server = fakeServer(() => Promise.resolve({}));
    const o = outbox(c, server.transport);
    const transfer = { kind: 'transfer' as const, conversationId: 'conversation:c1', body: { toTeamId: 'team:comercial' } };
    const [a, b] = await Promise.all([o.enqueue(transfer, 'CMD1'), o.enqueue(transfer, 'CMD1')]);
    expect([a.id, b.id]).toEqual(['CMD1', 'CMD1']);
    await expect(o.outcome('CMD1')).resolves.toBe('done');
    expect(server.sent).toHaveLength(1);
  });

  it('R-NET-03 applied commands leave the store after a while; refused replies stay until dismissed', async () => {
    const c = await collection();
    let now = 1_000_000;
    const server = fakeServer(async (request) => {
      if (request.body.text === 'recusada') throw new CommandRefused({ status: 403, code: 'forbidden', message: 'no' });
      return {};
    });
    const o = outbox(c, server.transport, { now: () => now, keepMs: 1_000 });
    const done = await o.enqueue(reply('aceita'));
    const refused = await o.enqueue(reply('recusada'));
    await vi.waitFor(async () => expect(await states(c)).toEqual({ [done.id]: 'done', [refused.id]: 'rejected' }));
    now += 5_000;
    o.wake();
    await vi.waitFor(async () => expect(await states(c)).toEqual({ [refused.id]: 'rejected' }));
  });
});

describe('command outbox: what the acting agent is told (issue 8 point 8)', () => {
  it('R-NET-03 a command behind one that cannot get through is reported queued, and goes right after it', async () => {
    const c = await collection();
    let down = true;
    const server = fakeServer(async () => {
      if (down) throw new Error('connection refused');
      return {};
    });
    const o = outbox(c, server.transport);
    await o.enqueue(reply('primeira'));
    const finish = await o.enqueue({ kind: 'finish', conversationId: 'conversation:c1', body: { disposition: null, note: '' } });
    await expect(o.outcome(finish.id)).resolves.toBe('queued');
    expect(server.sent.every((s) => s.body.text === 'primeira')).toBe(true);
    down = false;
    o.wake();
    await expect(o.outcome(finish.id)).resolves.toBe('done');
    expect(server.sent.filter((s) => s.kind === 'finish')).toHaveLength(1);
  });

  it('R-NET-01 R-NET-03 a command given as the connection drops is reported queued and sent once when it is back', async () => {
    const c = await collection();
    let online = false;
    const server = fakeServer(() => Promise.resolve({}));
    const o = outbox(c, server.transport, { isOnline: () => online });
    const transfer = await o.enqueue({ kind: 'transfer', conversationId: 'conversation:c1', body: { toAgentId: 'user:bruno' } });
    await expect(o.outcome(transfer.id)).resolves.toBe('queued');
    expect(server.sent).toEqual([]);
    online = true;
    o.wake();
    await expect(o.outcome(transfer.id)).resolves.toBe('done');
    expect(server.sent.map((s) => s.body)).toEqual([{ id: transfer.id, toAgentId: 'user:bruno' }]);
  });
});
