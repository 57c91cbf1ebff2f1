import { describe, expect, it } from 'vitest';
import {
  chatMessageId, chatRefusal, ClientId, Id, dmRoomId, isChatRoomId, mayChat, parseRoomId, personalViewersOf, SendChatBody, teamRoomId, viewerOf, visibilityOf,
  type ChatTeam, type ChatUser,
} from '../src/index.js';

const teams = new Map<string, ChatTeam>([
  ['team:suporte', { id: 'team:suporte' }],
  ['team:comercial', { id: 'team:comercial', internalChat: true }],
  ['team:fechada', { id: 'team:fechada', internalChat: false }],
]);
const teamOf = (id: string) => teams.get(id);
const user = (key: string, teamIds: string[], role: ChatUser['role'] = 'agent', permissions?: ChatUser['permissions']): ChatUser =>
  ({ id: `user:${key}`, role, teamIds, ...(permissions ? { permissions } : {}) });
const ana = user('ana', ['team:suporte']);
const bruno = user('bruno', ['team:suporte']);
const caio = user('caio', ['team:comercial']);
const gil = user('gil', ['team:fechada']);
const carla = user('carla', ['team:comercial'], 'supervisor');

describe('R-WS-12 chat room ids', () => {
  it('R-WS-12 a one-to-one room is the same whoever opens it, and parses back to its two users', () => {
    const room = dmRoomId('user:bruno', 'user:ana');
    expect(room).toBe(dmRoomId('user:ana', 'user:bruno'));
    expect(room).toBe('chat:dm.3.ana.bruno');
    expect(parseRoomId(room)).toEqual({ kind: 'dm', userIds: ['user:ana', 'user:bruno'] });
  });

  it('R-WS-12 the length prefix keeps keys with dots apart (a.b + c is not a + b.c)', () => {
    const one = dmRoomId('user:a.b', 'user:c');
    const two = dmRoomId('user:a', 'user:b.c');
    expect(one).not.toBe(two);
    expect(parseRoomId(one)).toEqual({ kind: 'dm', userIds: ['user:a.b', 'user:c'] });
    expect(parseRoomId(two)).toEqual({ kind: 'dm', userIds: ['user:a', 'user:b.c'] });
  });

  it('R-WS-12 a team room parses to its team; malformed, unsorted and self rooms are no rooms', () => {
    expect(parseRoomId(teamRoomId('team:suporte'))).toEqual({ kind: 'team', teamId: 'team:suporte' });
    for (const bad of ['chat:team.', 'chat:dm.5.ana.bruno', 'chat:dm.5.bruno.ana', 'chat:dm.3.ana.ana', 'chat:dm.0..x', 'chat:dm.3.ana',
      'conversation:01J', 'chat:other.x', 'chat:dm.03.ana.bruno']) {
      expect(isChatRoomId(bad), bad).toBe(false);
    }
  });

  it('R-WS-12 the command body trims its text, refuses empty and over-long text and foreign rooms', () => {
    expect(SendChatBody.parse({ id: '01J0000000000000000000000A', room: 'chat:team.suporte', text: '  oi  ' }).text).toBe('oi');
    expect(SendChatBody.safeParse({ id: '01J0000000000000000000000A', room: 'chat:team.suporte', text: '   ' }).success).toBe(false);
    expect(SendChatBody.safeParse({ id: '01J0000000000000000000000A', room: 'chat:team.suporte', text: 'x'.repeat(4097) }).success).toBe(false);
    expect(SendChatBody.safeParse({ id: '01J0000000000000000000000A', room: 'conversation:01J', text: 'oi' }).success).toBe(false);
    // Strict like every command body: an unknown field is a mistake to report, not to drop.
    expect(SendChatBody.safeParse({ id: '01J0000000000000000000000A', room: 'chat:team.suporte', text: 'oi', recipientId: 'user:x' }).success).toBe(false);
    // The server's own message keys stay out of clients' reach.
    expect(ClientId.safeParse('chat-01J0000000000000000000').success).toBe(false);
  });
});

describe('R-WS-12 chat message ids', () => {
  it('R-WS-12 one id per author and client id: two users reusing a client id make two ids', () => {
    expect(chatMessageId('user:ana', '01JAAAAAAAAAAAAAAAAAAAAAAA')).not.toBe(chatMessageId('user:bruno', '01JAAAAAAAAAAAAAAAAAAAAAAA'));
    expect(chatMessageId('user:ana', '01JAAAAAAAAAAAAAAAAAAAAAAA')).toBe(chatMessageId('user:ana', '01JAAAAAAAAAAAAAAAAAAAAAAA'));
    // A key ending like a client id's start never meets another author's id ('-' may be in both).
    expect(chatMessageId('user:a-b', 'cdefghij')).not.toBe(chatMessageId('user:a', 'b-cdefghij'));
  });

  it('R-WS-12 the id stays a valid id (≤ 100 characters) for the longest user keys and client ids', () => {
    const longKey = `user:${'k'.repeat(95)}`;
    const longClient = 'c'.repeat(64);
    expect(Id.safeParse(longKey).success).toBe(true);
    for (const [author, client] of [[longKey, longClient], [longKey, '01JAAAAAAAAAAAAAAAAAAAAAAA'], ['user:ana', longClient], [`user:${'a.b-c'.repeat(12)}`, longClient]] as const) {
      const id = chatMessageId(author, client);
      expect(Id.safeParse(id).success, id).toBe(true);
    }
    expect(chatMessageId(longKey, longClient)).not.toBe(chatMessageId(`user:${'k'.repeat(94)}j`, longClient));
  });
});

describe('R-WS-12 who may chat', () => {
  it('R-WS-12 only members of a team that allows it, unless the admin withheld it; supervisors always', () => {
    expect(mayChat(ana, teamOf)).toBe(true);
    expect(mayChat(gil, teamOf)).toBe(false);
    expect(mayChat(user('x', ['team:suporte'], 'agent', { internalChat: false }), teamOf)).toBe(false);
    expect(mayChat(user('s', [], 'supervisor'), teamOf)).toBe(true);
  });

  it('R-WS-12 a team room for its members (any team for supervisors) when the team allows it', () => {
    expect(chatRefusal(ana, { kind: 'team', teamId: 'team:suporte' }, teamOf)).toEqual({ refusal: null, teamId: 'team:suporte' });
    expect(chatRefusal(ana, { kind: 'team', teamId: 'team:comercial' }, teamOf).refusal?.code).toBe('chat_not_member');
    expect(chatRefusal(carla, { kind: 'team', teamId: 'team:suporte' }, teamOf).refusal).toBeNull();
    expect(chatRefusal(carla, { kind: 'team', teamId: 'team:fechada' }, teamOf).refusal?.code).toBe('chat_team_disabled');
  });

  it('R-WS-12 one to one between users who share a chat team, or when one of them supervises', () => {
    const room = (a: ChatUser, b: ChatUser) => parseRoomId(dmRoomId(a.id, b.id))!;
    expect(chatRefusal(ana, room(ana, bruno), teamOf, bruno)).toEqual({ refusal: null, teamId: 'team:suporte' });
    expect(chatRefusal(ana, room(ana, caio), teamOf, caio).refusal?.code).toBe('chat_no_shared_team');
    expect(chatRefusal(ana, room(ana, gil), teamOf, gil).refusal?.code).toBe('chat_not_allowed');
    expect(chatRefusal(carla, room(carla, ana), teamOf, ana)).toEqual({ refusal: null, teamId: 'team:comercial' });
    expect(chatRefusal(ana, room(bruno, caio), teamOf, caio).refusal?.code).toBe('chat_not_member');
    expect(chatRefusal(ana, room(ana, bruno), teamOf, undefined).refusal?.code).toBe('chat_unknown_user');
  });
});

describe('R-WS-12 who receives chat messages', () => {
  const dm = { id: 'message:chat-1', type: 'message', direction: 'internal', conversationId: 'chat:dm.3.ana.bruno', teamId: 'team:suporte', formerTeamIds: [], authorId: 'user:ana', recipientId: 'user:bruno' };
  const room = { ...dm, id: 'message:chat-2', conversationId: 'chat:team.suporte', recipientId: null };

  it('R-WS-12 a one-to-one message is visible to its two users only, whatever the role or team', () => {
    expect(visibilityOf(viewerOf({ id: 'user:ana', role: 'agent', teamIds: [] }), dm)).toBe('visible');
    expect(visibilityOf(viewerOf({ id: 'user:bruno', role: 'agent', teamIds: ['team:suporte'] }), dm)).toBe('visible');
    expect(visibilityOf(viewerOf({ id: 'user:dora', role: 'agent', teamIds: ['team:suporte'] }), dm)).toBe('hidden');
    expect(visibilityOf(viewerOf({ id: 'user:carla', role: 'supervisor', teamIds: ['team:suporte'] }), dm)).toBe('hidden');
    expect(visibilityOf(viewerOf({ id: 'user:admin', role: 'admin', teamIds: [] }), dm)).toBe('hidden');
    expect(personalViewersOf(dm)).toEqual(['user:ana', 'user:bruno']);
  });

  it('R-WS-12 a team room message goes like the team\'s messages', () => {
    expect(visibilityOf(viewerOf({ id: 'user:dora', role: 'agent', teamIds: ['team:suporte'] }), room)).toBe('visible');
    expect(visibilityOf(viewerOf({ id: 'user:caio', role: 'agent', teamIds: ['team:comercial'] }), room)).toBe('hidden');
    expect(personalViewersOf(room)).toEqual([]);
  });
});
