import { describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { viewerOf, type Role } from '@atende/protocol';
import { ChangeStream, type StreamMember } from '../src/realtime/stream.js';
import type { ChangeRow, StoredDoc } from '../src/store/index.js';

/**
 * R-RT-06 / issue 18 in the change stream without a server: agents of one team share a stream
 * group (one serialised frame), yet a conversation's rating must reach only its own agent among
 * them — and never an older form of it after a newer one.
 */
class FakeSocket {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: Buffer[] = [];
  readonly send = vi.fn((data: Buffer) => void this.sent.push(data));
  readonly close = vi.fn(() => void (this.readyState = 2));
  get ws(): WebSocket {
    return this as unknown as WebSocket;
  }
  /** The forms of one document this socket received, in order. */
  docs(id: string): Array<Record<string, unknown>> {
    return this.sent.flatMap((b) => (JSON.parse(b.toString()) as { documents: Array<Record<string, unknown>> }).documents.filter((d) => d.id === id));
  }
}

function member(userId: string, role: Role): { socket: FakeSocket; member: StreamMember } {
  const socket = new FakeSocket();
  return { socket, member: { ws: socket.ws, viewer: viewerOf({ id: userId, role, teamIds: ['team:a'] }) } };
}

const stream = () => new ChangeStream({
  flushMs: 60_000, maxFlushMs: 60_000, maxDocsPerFrame: 500, maxBufferedBytes: 1 << 20, replicaDays: 30, store: () => 'store-1.1', log: () => {},
});

const rating = { score: 5, comment: 'Ótimo', at: 1, channel: 'whatsapp' };
const conversation = (changedAt: number, fields: Record<string, unknown>): ChangeRow => {
  const doc: StoredDoc = {
    _id: 'conversation:1', _rev: `${changedAt}-x`, type: 'conversation', teamId: 'team:a', formerTeamIds: [], status: 'finished',
    finishedAt: Date.now(), agentId: 'user:ana', invitedAgentIds: [], createdAt: 1, updatedAt: changedAt, changedAt, ...fields,
  };
  return { id: doc._id, seq: String(changedAt), deleted: false, doc };
};

describe('R-RT-06 ratings in the change stream (units)', () => {
  it('R-RT-06 the conversation’s agent gets the rating, a colleague of the same group the rest of the change, the supervisor all', () => {
    const s = stream();
    const [ana, bruno, carla] = [member('user:ana', 'agent'), member('user:bruno', 'agent'), member('user:carla', 'supervisor')];
    for (const m of [ana, bruno, carla]) s.join(m.member);
    expect(s.groupCount).toBe(2);
    s.changed(conversation(10, { rating }));
    s.flush();
    expect(ana.socket.docs('conversation:1')).toEqual([expect.objectContaining({ rating, updatedAt: 10 })]);
    expect(carla.socket.docs('conversation:1')).toEqual([expect.objectContaining({ rating, updatedAt: 10 })]);
    const [brunoCopy] = bruno.socket.docs('conversation:1');
    expect(brunoCopy).toMatchObject({ id: 'conversation:1', updatedAt: 10, agentId: 'user:ana' });
    expect(brunoCopy).not.toHaveProperty('rating');
    s.stop();
  });

  it('R-RT-06 a conversation without a rating is one shared form; a later unrated change is not overridden by the earlier rated one', () => {
    const s = stream();
    const [ana, bruno] = [member('user:ana', 'agent'), member('user:bruno', 'agent')];
    for (const m of [ana, bruno]) s.join(m.member);
    s.changed(conversation(10, {}));
    s.flush();
    expect(ana.socket.sent[0]?.equals(bruno.socket.sent[0] ?? Buffer.alloc(0))).toBe(true);

    // Rated, then (same flush) moved to another agent: Ana's own rated form is older than the group's.
    s.changed(conversation(20, { rating }));
    s.changed(conversation(30, { rating, agentId: 'user:bruno' }));
    s.flush();
    expect(ana.socket.docs('conversation:1').at(-1)).toMatchObject({ updatedAt: 30, agentId: 'user:bruno' });
    expect(ana.socket.docs('conversation:1').at(-1)).not.toHaveProperty('rating');
    expect(bruno.socket.docs('conversation:1').at(-1)).toMatchObject({ updatedAt: 30, rating });
    s.stop();
  });
});
