import { z } from 'zod';
import { ClientId, Id, MESSAGE_TEXT_MAX, type Role, type TeamDoc, type UserDoc } from './documents.js';
import { keyOf } from './ids.js';

/**
 * The internal chat (R-WS-12): agents talk among themselves in a team's room or one to one. Its
 * messages are `MessageDoc`s with direction 'internal' whose `conversationId` is the room id, so
 * they replicate, stay readable offline and are never customer messages (not billed, counted,
 * previewed or searched as such).
 */

const TEAM_ROOM = 'chat:team.';
const DM_ROOM = 'chat:dm.';

export type ChatRoom = { kind: 'team'; teamId: string } | { kind: 'dm'; userIds: readonly [string, string] };

/** A team's room: every member of the team (and supervisors/admins) reads it. */
export function teamRoomId(teamId: string): string {
  return `${TEAM_ROOM}${keyOf(teamId)}`;
}

/**
 * The one room of two users, whoever opens it: their keys sorted, the first one's length in front
 * so keys that themselves hold dots (`a.b` + `c` vs `a` + `b.c`) never make the same id.
 */
export function dmRoomId(userA: string, userB: string): string {
  const [first, second] = [keyOf(userA), keyOf(userB)].sort();
  return `${DM_ROOM}${first?.length ?? 0}.${first}.${second}`;
}

/** The room an id names, or undefined when it names none (malformed, or a user with themself). */
export function parseRoomId(id: string): ChatRoom | undefined {
  if (id.startsWith(TEAM_ROOM)) {
    const key = id.slice(TEAM_ROOM.length);
    return key && Id.safeParse(`team:${key}`).success ? { kind: 'team', teamId: `team:${key}` } : undefined;
  }
  if (!id.startsWith(DM_ROOM)) return undefined;
  const rest = id.slice(DM_ROOM.length);
  const match = /^([1-9]\d{0,2})\./.exec(rest);
  if (!match?.[1]) return undefined;
  const length = Number(match[1]);
  const keys = rest.slice(match[0].length);
  const first = keys.slice(0, length);
  const second = keys.slice(length + 1);
  if (first.length !== length || keys[length] !== '.' || !second || first >= second) return undefined;
  const userIds = [`user:${first}`, `user:${second}`] as const;
  return userIds.every((u) => Id.safeParse(u).success) ? { kind: 'dm', userIds } : undefined;
}

export const isChatRoomId = (id: string): boolean => parseRoomId(id) !== undefined;

export const RoomId = Id.refine(isChatRoomId, 'not a chat room (chat:team.<team> or chat:dm.<n>.<userA>.<userB>)');

/** As long as any message; trimmed, never empty. */
export const CHAT_TEXT_MAX = MESSAGE_TEXT_MAX;

/** `POST /api/chat/messages`: idempotent on the client id, per author; strict (an unknown field is a 400) like every command body. */
export const SendChatBody = z.strictObject({
  id: ClientId,
  room: RoomId,
  text: z.string().trim().min(1, 'A message needs text').max(CHAT_TEXT_MAX, `At most ${CHAT_TEXT_MAX} characters`),
});
export type SendChatBody = z.infer<typeof SendChatBody>;

const CHAT_ID_PREFIX = 'message:chat-';
/** `Id`'s length limit. */
const ID_MAX = 100;

/** FNV-1a, 32 bits, as 8 hex digits: a short stable digest the renderer can compute too (no crypto needed). */
function fnv1a(text: string, seed: number): string {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

/**
 * The stored message of an author's command: one per author and client id (two users' clients may
 * well make the same client id), never an agent's conversation message id (`chat-` is reserved).
 * `message:chat-<userKey>.<clientId>`: a client id holds no '.', so its last '.' splits the two
 * unambiguously ('-' could not: keys and client ids both hold it). A user key too long for `Id`'s
 * 100 characters (keys reach 95, client ids 64) becomes '@' and a 64-bit digest of it: 13 + 17 + 1
 * + 64 ≤ 100. Were a digest ever to meet a real key, the server's author check answers 409, never
 * someone else's message.
 */
export function chatMessageId(authorId: string, clientId: string): string {
  const key = keyOf(authorId);
  const plain = `${CHAT_ID_PREFIX}${key}.${clientId}`;
  if (plain.length <= ID_MAX) return plain;
  return `${CHAT_ID_PREFIX}@${fnv1a(key, 0x811c9dc5)}${fnv1a(key, 0x01000193)}.${clientId}`;
}

/** A one-to-one chat message (delivered to its author and recipient only), as opposed to a team room's. */
export function isDirectChat(doc: { readonly [field: string]: unknown }): boolean {
  return doc.type === 'message' && doc.direction === 'internal' && typeof doc.recipientId === 'string';
}

/** The other user of a one-to-one room. */
export function partnerOf(room: ChatRoom, userId: string): string | undefined {
  return room.kind === 'dm' ? room.userIds.find((u) => u !== userId) : undefined;
}

export interface ChatUser {
  readonly id: string;
  readonly role: Role;
  readonly teamIds: readonly string[];
  readonly permissions?: Readonly<Pick<NonNullable<UserDoc['permissions']>, 'internalChat'>> | undefined;
}
export type ChatTeam = Pick<TeamDoc, 'id' | 'internalChat'>;
type TeamLookup = (teamId: string) => ChatTeam | undefined;

const supervises = (role: Role): boolean => role !== 'agent';
export const teamAllowsChat = (team: ChatTeam | undefined): boolean => team !== undefined && team.internalChat !== false;

/** The user's teams that allow the chat. */
export function chatTeamsOf(user: ChatUser, teamOf: TeamLookup): string[] {
  return user.teamIds.filter((t) => teamAllowsChat(teamOf(t)));
}

/** Whether the user may use the internal chat at all (R-WS-12: only in teams that allow it). */
export function mayChat(user: ChatUser, teamOf: TeamLookup): boolean {
  if (user.permissions?.internalChat === false) return false;
  return supervises(user.role) || chatTeamsOf(user, teamOf).length > 0;
}

export type ChatRefusalCode = 'chat_not_allowed' | 'chat_team_disabled' | 'chat_not_member' | 'chat_no_shared_team' | 'chat_unknown_user';
export interface ChatRefusal {
  code: ChatRefusalCode;
  message: string;
}

/**
 * Why `author` may not write in `room`, or null when they may. `other` is the partner of a
 * one-to-one room (undefined when unknown or disabled). The `teamId` of an allowed message comes
 * with it: a team both share that allows the chat (any chat team of theirs when a supervisor is one
 * of them), a label only, since one-to-one messages replicate by user, not by team.
 */
export function chatRefusal(
  author: ChatUser, room: ChatRoom, teamOf: TeamLookup, other?: ChatUser,
): { refusal: ChatRefusal; teamId?: undefined } | { refusal: null; teamId: string } {
  const refuse = (code: ChatRefusalCode, message: string) => ({ refusal: { code, message } });
  if (!mayChat(author, teamOf)) return refuse('chat_not_allowed', 'O chat interno não está liberado para você.');
  if (room.kind === 'team') {
    if (!teamAllowsChat(teamOf(room.teamId))) return refuse('chat_team_disabled', 'Esta equipe não permite o chat interno.');
    if (!supervises(author.role) && !author.teamIds.includes(room.teamId)) return refuse('chat_not_member', 'Você não faz parte desta equipe.');
    return { refusal: null, teamId: room.teamId };
  }
  if (!room.userIds.includes(author.id)) return refuse('chat_not_member', 'Você não faz parte desta conversa.');
  if (!other || !room.userIds.includes(other.id) || other.id === author.id) return refuse('chat_unknown_user', 'Colaborador não encontrado.');
  if (!mayChat(other, teamOf)) return refuse('chat_not_allowed', 'O chat interno não está liberado para este colaborador.');
  const mine = chatTeamsOf(author, teamOf);
  const theirs = chatTeamsOf(other, teamOf);
  const shared = mine.find((t) => theirs.includes(t));
  if (shared) return { refusal: null, teamId: shared };
  const either = supervises(author.role) || supervises(other.role);
  const label = mine[0] ?? theirs[0];
  if (!either || !label) return refuse('chat_no_shared_team', 'Vocês não compartilham uma equipe com chat interno.');
  return { refusal: null, teamId: label };
}
