import { afterEach, describe, expect, it, vi } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { chatMessageId, dmRoomId, teamRoomId, viewerOf, type ConversationDoc, type MessageDoc } from '@atende/protocol';
import { colleagueStatus, messagesByRoom, stillSending, totalUnread, unreadByRoom } from '../src/components/chat/chatRules';
import { chatSinceOf } from '../src/components/chat/chatSince';

vi.mock('../src/net/api', () => {
  class ApiError extends Error {
    constructor(readonly status: number, readonly code: string, message: string) {
      super(message);
    }
  }
  return { ApiError, api: vi.fn(() => Promise.reject(new ApiError(0, 'network', 'no server in tests'))) };
});
const { ApiError, api } = await import('../src/net/api');
const { httpTransport } = await import('../src/db/outboxTransport');
const { closeOutboxes, outboxCollection, startedOutbox } = await import('./outboxFixture');
const { until } = await import('./replicaFake');
const { openDatabase } = await import('../src/db/database');
const { purgeExpired, purgeInvisible } = await import('../src/db/purge');
const { searchLocal } = await import('../src/components/search/messageSearch');

const DM = dmRoomId('user:ana', 'user:bruno');
const TEAM = teamRoomId('team:suporte');

const message = (id: string, room: string, authorId: string, createdAt: number, extra: Partial<MessageDoc> = {}): MessageDoc => ({
  id, type: 'message', conversationId: room, teamId: 'team:suporte', formerTeamIds: [], direction: 'internal', authorId,
  authorName: authorId, kind: 'text', text: `texto ${id}`, attachments: [], visibility: 'public', status: 'sent', error: null,
  externalId: null, payload: {}, recipientId: room === DM ? (authorId === 'user:ana' ? 'user:bruno' : 'user:ana') : null,
  createdAt, updatedAt: createdAt, ...extra,
});

describe('R-WS-12 unread counts of the internal chat', () => {
  const messages = [
    message('message:1', DM, 'user:bruno', 100),
    message('message:2', DM, 'user:bruno', 200),
    message('message:3', DM, 'user:ana', 300),
    message('message:4', TEAM, 'user:carla', 150),
    // A customer's message of a conversation is never chat.
    message('message:5', 'conversation:1', 'contact:1', 500, { direction: 'in' }),
  ];

  it('R-WS-12 a room never opened counts every colleague message since this machine first served me, never my own', () => {
    const counts = unreadByRoom(messages, 'user:ana', () => undefined, 0);
    expect(counts.get(DM)).toBe(2);
    expect(counts.get(TEAM)).toBe(1);
    expect(counts.has('conversation:1')).toBe(false);
    expect(totalUnread(counts)).toBe(3);
  });

  it('R-WS-12 what is newer than the read mark counts; a room read to its end counts nothing', () => {
    const marks: Record<string, number> = { [DM]: 100, [TEAM]: 150 };
    const counts = unreadByRoom(messages, 'user:ana', (room) => marks[room], 0);
    expect(counts.get(DM)).toBe(1);
    expect(counts.has(TEAM)).toBe(false);
    expect(totalUnread(counts)).toBe(1);
  });

  it('R-WS-12 on a fresh machine (no read marks) the replicated history is not unread: only what came after this machine first served me', () => {
    // This machine first served ana at 160: the history before it was read elsewhere, or is old news.
    const counts = unreadByRoom(messages, 'user:ana', () => undefined, 160);
    expect(counts.get(DM)).toBe(1);
    expect(counts.has(TEAM)).toBe(false);
    // A room read here goes by its own mark.
    expect(unreadByRoom(messages, 'user:ana', (room) => (room === DM ? 50 : undefined), 160).get(DM)).toBe(2);
  });

  it('R-WS-12 the first time this machine served a user is kept per user, and read back on later sign-ins', () => {
    const stored = new Map<string, string>();
    const storage = { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => void stored.set(k, v) };
    expect(chatSinceOf('user:ana', 1_000, storage)).toBe(1_000);
    expect(chatSinceOf('user:ana', 9_000, storage)).toBe(1_000);
    expect(chatSinceOf('user:bruno', 5_000, storage)).toBe(5_000);
    // Without storage (denied), nothing older than now is news.
    expect(chatSinceOf('user:ana', 7_000, undefined)).toBe(7_000);
  });

  it('R-WS-12 a queued message shows as sending until its stored copy replicates', () => {
    const queued = [{ id: '01JAAAAAAAAAAAAAAAAAAAAAAA' }, { id: '01JBBBBBBBBBBBBBBBBBBBBBBB' }];
    expect(stillSending(queued, new Set([chatMessageId('user:ana', '01JAAAAAAAAAAAAAAAAAAAAAAA')]), 'user:ana')).toEqual([{ id: '01JBBBBBBBBBBBBBBBBBBBBBBB' }]);
    // Another author's message with the same client id is not mine.
    expect(stillSending(queued, new Set([chatMessageId('user:bruno', '01JAAAAAAAAAAAAAAAAAAAAAAA')]), 'user:ana')).toHaveLength(2);
  });
});

describe('R-WS-12 a chat message the server holds back', () => {
  afterEach(closeOutboxes);

  it('R-WS-12 a 429 keeps the message queued with the server\'s reason (not refused, not lost), and it goes later', async () => {
    const reason = 'Muitas mensagens seguidas no chat interno: aguarde alguns segundos.';
    vi.mocked(api).mockRejectedValueOnce(new ApiError(429, 'rate_limited', reason));
    let release = (): void => undefined;
    const later = new Promise<void>((resolve) => (release = resolve));
    vi.mocked(api).mockImplementationOnce(async () => {
      await later;
      return { message: {} };
    });
    const outbox = await outboxCollection();
    const sender = startedOutbox(outbox, httpTransport, { timeoutMs: 5_000, retryMinMs: 1, retryMaxMs: 5 });
    const { id } = await sender.enqueue({ kind: 'chat', conversationId: TEAM, body: { room: TEAM, text: 'oi' } });
    await until(async () => (await outbox.findOne(id).exec())?.error?.code === 'rate_limited');
    const held = (await outbox.findOne(id).exec())?.toMutableJSON();
    expect(held).toMatchObject({ state: 'pending', error: { status: 429, code: 'rate_limited', message: reason } });
    release();
    await until(async () => (await outbox.findOne(id).exec())?.state === 'done');
  });
});

describe('R-WS-12 the rooms\' message lists', () => {
  it('R-WS-12 messages are grouped by room in the order they come', () => {
    const rooms = messagesByRoom([message('message:a', DM, 'user:bruno', 1), message('message:b', TEAM, 'user:carla', 2), message('message:c', DM, 'user:ana', 3)]);
    expect([...rooms.keys()]).toEqual([DM, TEAM]);
    expect(rooms.get(DM)?.map((m) => m.id)).toEqual(['message:a', 'message:c']);
    expect(rooms.get(TEAM)?.map((m) => m.id)).toEqual(['message:b']);
  });
});

describe('issue 13 item 5 colleague status', () => {
  const pause = { typeId: 'pauseType:almoco', name: 'Almoço', since: 1, maxMinutes: 60 };
  it('R-WS-12 online, paused with the pause\'s name, offline; nothing live without our own connection', () => {
    expect(colleagueStatus('online', {}, true)).toEqual({ status: 'online', pauseName: null });
    expect(colleagueStatus('paused', { pause }, true)).toEqual({ status: 'paused', pauseName: 'Almoço' });
    expect(colleagueStatus('online', { pause }, true)).toEqual({ status: 'paused', pauseName: 'Almoço' });
    expect(colleagueStatus(undefined, {}, true)).toEqual({ status: 'offline', pauseName: null });
    expect(colleagueStatus('offline', { pause }, true)).toEqual({ status: 'offline', pauseName: null });
    expect(colleagueStatus('online', {}, false)).toEqual({ status: 'offline', pauseName: null });
  });
});

describe('R-WS-12 the local replica keeps chat messages by their rights', () => {
  const open: Array<{ close(): Promise<unknown> }> = [];
  afterEach(async () => {
    for (const db of open.splice(0)) await db.close();
  });

  it('R-WS-12 a purge after a change of rights keeps my one-to-one messages and drops one I am not in, and a former team\'s room', async () => {
    const db = await openDatabase('user:chat-purge', { storage: getRxStorageMemory(), multiInstance: false });
    open.push(db);
    const foreign = dmRoomId('user:bruno', 'user:carla');
    await db.messages.bulkInsert([
      message('message:chat-mine', DM, 'user:bruno', 100),
      message('message:chat-foreign', foreign, 'user:bruno', 110, { recipientId: 'user:carla' }),
      message('message:chat-team', TEAM, 'user:carla', 120),
      message('message:chat-comercial', teamRoomId('team:comercial'), 'user:caio', 130, { teamId: 'team:comercial' }),
    ]);
    // Ana moved to Comercial: her DMs stay, Suporte's room goes.
    await purgeInvisible(db, viewerOf({ id: 'user:ana', role: 'agent', teamIds: ['team:comercial'] }));
    const left = (await db.messages.find().exec()).map((d) => d.primary).sort();
    expect(left).toEqual(['message:chat-comercial', 'message:chat-mine']);
  });

  it('R-WS-12 chat messages older than the replica window leave the replica by their age; recent ones and customer messages stay', async () => {
    const db = await openDatabase('user:chat-expire', { storage: getRxStorageMemory(), multiInstance: false });
    open.push(db);
    const now = Date.UTC(2026, 10, 28, 12);
    const old = now - 40 * 86_400_000;
    // More than one purge page of old chat, so the purge goes on past its first round.
    await db.messages.bulkInsert([
      ...Array.from({ length: 1_050 }, (_, i) => message(`message:chat-old${String(i).padStart(4, '0')}`, TEAM, 'user:carla', old + i)),
      message('message:chat-recent', DM, 'user:bruno', now - 86_400_000),
      // A customer's message of a conversation still open: its conversation decides, not its age.
      message('message:customer-old', 'conversation:1', 'contact:1', old, { direction: 'in' }),
    ]);
    await purgeExpired(db, 30, now);
    const left = (await db.messages.find().exec()).map((d) => d.primary).sort();
    expect(left).toEqual(['message:chat-recent', 'message:customer-old']);
  });

  it('R-WS-12 the local message search finds customer messages only, however many chat messages say the same words', async () => {
    const db = await openDatabase('user:chat-search', { storage: getRxStorageMemory(), multiInstance: false });
    open.push(db);
    const conversation: ConversationDoc = {
      id: 'conversation:1', type: 'conversation', contactId: 'contact:1', channel: 'webchat', channelAccountId: 'channel:site',
      teamId: 'team:suporte', formerTeamIds: [], status: 'active', agentId: 'user:ana', invitedAgentIds: [], protocol: '2026-1',
      startedBy: 'customer', waitingSince: null, takenAt: 1, finishedAt: null, finishedBy: null, lastInboundAt: 1, lastMessageAt: 1,
      lastPreview: '', disposition: null, finishNote: '', tags: [], transfers: [], ticketLinks: [], channelMeta: {}, createdAt: 1, updatedAt: 1,
    };
    await db.conversations.insert(conversation);
    // Newer chat messages than the limit of hits, all with the word: they must not push the customer's out.
    await db.messages.bulkInsert([
      message('message:0customer', 'conversation:1', 'contact:1', 1, { direction: 'in', text: 'meu boleto venceu' }),
      ...Array.from({ length: 60 }, (_, i) => message(`message:chat-${String(i).padStart(3, '0')}`, TEAM, 'user:carla', 10 + i, { text: 'boleto do cliente' })),
    ]);
    const hits = await searchLocal(db, 'boleto', () => 'Maria', () => false);
    expect(hits.map((h) => h.message.id)).toEqual(['message:0customer']);
  });
});
