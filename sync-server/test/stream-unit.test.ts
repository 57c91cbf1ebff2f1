import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { SLOW_READER_CLOSE, viewerOf, type Role } from '@atende/protocol';
import { ChangeStream, type StreamMember } from '../src/realtime/stream.js';
import { socketCounts } from '../src/realtime/socket.js';
import type { ChangeRow, StoredDoc } from '../src/store/index.js';

/**
 * The change stream's batching and bounds without a server (issue 8 C, ARCHITECTURE §4, §6):
 * frames are built once per scope group, in checkpoint order, bounded in size, and a socket
 * too far behind is closed. Fake sockets record what was sent; flushes are called directly.
 */

class FakeSocket {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: Buffer[] = [];
  readonly send = vi.fn((data: Buffer) => void this.sent.push(data));
  readonly close = vi.fn(() => void (this.readyState = 2));
  // The stream takes ws's WebSocket; this fake has every member it uses.
  get ws(): WebSocket {
    return this as unknown as WebSocket;
  }
  frames(): Array<Record<string, unknown>> {
    return this.sent.map((b) => JSON.parse(b.toString()) as Record<string, unknown>);
  }
}

function member(userId: string, role: Role, teamIds: string[]): { socket: FakeSocket; member: StreamMember } {
  const socket = new FakeSocket();
  return { socket, member: { ws: socket.ws, viewer: viewerOf({ id: userId, role, teamIds }) } };
}

function stream(options: { maxDocsPerFrame?: number; maxBufferedBytes?: number } = {}): ChangeStream {
  return new ChangeStream({
    flushMs: 60_000, maxFlushMs: 60_000, maxDocsPerFrame: options.maxDocsPerFrame ?? 500,
    maxBufferedBytes: options.maxBufferedBytes ?? 1 << 20, replicaDays: 30, store: () => 'store-1.1', log: () => {},
  });
}

const message = (id: string, changedAt: number, teamId = 'team:a', text = `texto ${id}`): ChangeRow => {
  const doc: StoredDoc = {
    _id: id, _rev: '1-x', type: 'message', conversationId: 'conversation:1', teamId, formerTeamIds: [], text,
    createdAt: 1, updatedAt: 1, changedAt,
  };
  return { id, seq: String(changedAt), deleted: false, doc };
};

describe('ARCHITECTURE §4 change stream (units)', () => {
  afterEach(() => vi.useRealTimers());

  it('ARCHITECTURE §4 a burst goes out in (t, id) order, split into frames whose checkpoint is their last document', () => {
    const s = stream({ maxDocsPerFrame: 2 });
    const ana = member('user:ana', 'agent', ['team:a']);
    s.join(ana.member);
    for (const [id, t] of [['message:c', 30], ['message:a', 10], ['message:e', 30], ['message:b', 20], ['message:d', 30]] as const) {
      s.changed(message(id, t));
    }
    s.flush();
    const frames = ana.socket.frames();
    expect(frames.map((f) => (f.documents as Array<{ id: string }>).map((d) => d.id))).toEqual([
      ['message:a', 'message:b'], ['message:c', 'message:d'], ['message:e'],
    ]);
    expect(frames.map((f) => f.checkpoint)).toEqual([
      { store: 'store-1.1', scope: expect.any(String), t: 20, id: 'message:b', tail: true },
      { store: 'store-1.1', scope: expect.any(String), t: 30, id: 'message:d', tail: true },
      { store: 'store-1.1', scope: expect.any(String), t: 30, id: 'message:e', tail: true },
    ]);
    for (const f of frames) expect(f).toMatchObject({ type: 'sync.docs', collection: 'messages' });
    s.stop();
  });

  it('ARCHITECTURE §6 sockets of one scope get the very same serialised frame; another team gets nothing', () => {
    const s = stream();
    const [ana, bruno, carla, caio] = [
      member('user:ana', 'agent', ['team:a']), member('user:bruno', 'agent', ['team:a']),
      member('user:carla', 'supervisor', []), member('user:caio', 'agent', ['team:b']),
    ];
    for (const m of [ana, bruno, carla, caio]) s.join(m.member);
    expect(s.groupCount).toBe(3);
    s.changed(message('message:1', 5));
    s.changed(message('message:1', 6, 'team:a', 'editado')); // changed again within the flush
    s.flush();
    expect(ana.socket.sent).toHaveLength(1);
    // Computed and encoded once for the group: the same buffer object went to both sockets.
    expect(bruno.socket.sent[0]).toBe(ana.socket.sent[0]);
    expect(ana.socket.frames()[0]?.documents).toEqual([expect.objectContaining({ id: 'message:1', text: 'editado', _deleted: false })]);
    expect(carla.socket.frames()[0]?.documents).toEqual([expect.objectContaining({ id: 'message:1', text: 'editado' })]);
    expect(caio.socket.sent).toEqual([]);
    s.stop();
  });

  it('R-OPS-03 a socket whose outbound buffer would pass the cap is closed with 4008 and sent nothing more', () => {
    const s = stream({ maxBufferedBytes: 4096 });
    const slow = member('user:ana', 'agent', ['team:a']);
    const fine = member('user:bruno', 'agent', ['team:a']);
    s.join(slow.member);
    s.join(fine.member);
    slow.socket.bufferedAmount = 4000;
    const before = socketCounts.closedSlow;
    s.changed(message('message:1', 1, 'team:a', 'x'.repeat(500)));
    s.flush();
    expect(slow.socket.send).not.toHaveBeenCalled();
    expect(slow.socket.close).toHaveBeenCalledWith(SLOW_READER_CLOSE, 'too slow');
    expect(socketCounts.closedSlow).toBe(before + 1);
    s.changed(message('message:2', 2));
    s.flush();
    expect(slow.socket.send).not.toHaveBeenCalled();
    expect(fine.socket.sent).toHaveLength(2);
    s.stop();
  });

  it('ARCHITECTURE §4 after a feed error every socket gets one sync.changed hint, however often the feed fails', () => {
    vi.useFakeTimers();
    const s = stream();
    const ana = member('user:ana', 'agent', ['team:a']);
    s.join(ana.member);
    for (let i = 0; i < 5; i++) s.hintCatchUp();
    vi.advanceTimersByTime(5_000);
    expect(ana.socket.frames()).toEqual([{ type: 'sync.changed', collections: expect.arrayContaining(['messages', 'conversations']) }]);
    s.stop();
  });
});
