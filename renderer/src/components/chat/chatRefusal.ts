import type { ChatRefusalCode } from '@atende/protocol';

/** A refusal's sentence under i18n `chat.refused.*`, by the protocol's code (the server's sentences are pt-BR only). */
export type ChatRefusalKey =
  | 'notAllowedSelf' | 'notAllowedOther' | 'teamDisabled' | 'notMemberTeam' | 'notMemberDm' | 'unknownUser' | 'noSharedTeam';

/**
 * Which sentence the server's refusal of a chat message says, from its code and what the screen
 * knows: the room's kind, and whether the agent may chat at all (else it is the colleague who may
 * not). Undefined for a code of another kind: the server's own sentence is shown then.
 */
export function chatRefusalKey(code: string, room: { kind: 'team' | 'dm'; allowed: boolean }): ChatRefusalKey | undefined {
  switch (code as ChatRefusalCode) {
    case 'chat_not_allowed':
      return room.kind === 'dm' && room.allowed ? 'notAllowedOther' : 'notAllowedSelf';
    case 'chat_team_disabled':
      return 'teamDisabled';
    case 'chat_not_member':
      return room.kind === 'team' ? 'notMemberTeam' : 'notMemberDm';
    case 'chat_unknown_user':
      return 'unknownUser';
    case 'chat_no_shared_team':
      return 'noSharedTeam';
    default:
      return undefined;
  }
}
