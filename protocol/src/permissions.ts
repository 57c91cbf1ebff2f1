import type { ConversationDoc, Role, TeamDoc } from './documents.js';
import { type DomainError, forbidden, notFound } from './errors.js';
import { conversationErrors, unreachable } from './lifecycle.js';
import { type Viewer, visibilityOf } from './visibility.js';

/**
 * Who may do what to a conversation: one rule set, enforced by the server and used by the
 * renderer to enable exactly the buttons the server will accept (ARCHITECTURE §1). Rules that
 * need the store (capacity, existence of the target team or agent) stay with the server.
 */

export type ConversationAction =
  | 'peek'
  | 'claim'
  | 'reply'
  | 'typing'
  | 'transfer'
  | 'returnToQueue'
  | 'invite'
  | 'leave'
  | 'finish'
  | 'resend';

export const CONVERSATION_ACTIONS: readonly ConversationAction[] = [
  'peek', 'claim', 'reply', 'typing', 'transfer', 'returnToQueue', 'invite', 'leave', 'finish', 'resend',
];

/** A `UserDoc` fits as it is. */
export interface Actor {
  id: string;
  role: Role;
  teamIds: readonly string[];
}

export type Permission = { ok: true } | { ok: false; error: DomainError };

const OK: Permission = { ok: true };
const deny = (error: DomainError): Permission => ({ ok: false, error });

/** Supervisors and admins oversee every team. */
export const overseesAll = (actor: Pick<Actor, 'role'>): boolean => actor.role !== 'agent';

/**
 * Who acts on a team's conversations as its overseer (R-SV-04, issue 16): an admin on every team, a
 * supervisor on the teams they belong to. Reading stays wider (`canSee`): supervisors watch all.
 */
export const oversees = (actor: Pick<Actor, 'role' | 'teamIds'>, teamId: string): boolean =>
  actor.role === 'admin' || (actor.role === 'supervisor' && actor.teamIds.includes(teamId));

/** Agents see the conversations of their teams; supervisors and admins see all. */
export const canSee = (actor: Actor, conversation: Pick<ConversationDoc, 'teamId'>): boolean =>
  overseesAll(actor) || actor.teamIds.includes(conversation.teamId);

/** The holder or an invited collaborator: the people who write in the conversation. */
export const isParticipant = (
  conversation: Pick<ConversationDoc, 'agentId' | 'invitedAgentIds'>,
  userId: string,
): boolean => conversation.agentId === userId || conversation.invitedAgentIds.includes(userId);

const isOwner = (actor: Actor, c: ConversationDoc) => c.agentId !== null && c.agentId === actor.id;

/** The refusal a supervisor gets for a conversation of a team they watch but do not belong to (R-SV-04). */
export const OTHER_TEAM_MESSAGE = 'Esta conversa é de uma equipe da qual você não faz parte: você pode acompanhá-la, mas só os supervisores da equipe agem nela.';
export const otherTeamError = () => forbidden(OTHER_TEAM_MESSAGE);

/**
 * A supervisor's or admin's action on someone else's conversation: admins on every team,
 * supervisors on their own teams (issue 16); an agent is told who may.
 */
function oversight(actor: Actor, c: ConversationDoc, agentMessage: string): Permission {
  if (oversees(actor, c.teamId)) return OK;
  return deny(overseesAll(actor) ? otherTeamError() : forbidden(agentMessage));
}

/** Decides whether `actor` may perform `action` on the conversation as it is now. */
export function may(actor: Actor, action: ConversationAction, conversation: ConversationDoc): Permission {
  // Invisible reads as missing, so ids of other teams' conversations leak nothing.
  if (!canSee(actor, conversation)) return deny(notFound('conversation'));
  if (action === 'peek') return OK; // R-WS-18: reading never changes the conversation
  if (conversation.status === 'finished') return deny(conversationErrors.finished());
  const c = conversation;
  switch (action) {
    case 'claim':
      if (!actor.teamIds.includes(c.teamId)) return deny(forbidden('Only members of the conversation’s team may take it'));
      if (c.status === 'waiting') return OK;
      // The holder's retry succeeds (idempotent); anyone else lost the race (R-WS-02).
      if (c.status === 'active') return isOwner(actor, c) ? OK : deny(conversationErrors.alreadyTaken());
      return deny(conversationErrors.notWaiting(c.status));
    case 'reply':
    case 'typing':
    case 'resend':
      if (c.status !== 'active') return deny(conversationErrors.notActive(c.status));
      return isParticipant(c, actor.id) ? OK : deny(forbidden('Only the conversation’s agents may write in it'));
    case 'transfer': {
      if (isOwner(actor, c) || (c.status === 'waiting' && actor.teamIds.includes(c.teamId))) return OK;
      return oversight(actor, c, 'Only the conversation’s agent or a supervisor may transfer it');
    }
    case 'returnToQueue':
      if (c.status !== 'active') return deny(conversationErrors.notActive(c.status));
      return isOwner(actor, c) ? OK : oversight(actor, c, 'Only the conversation’s agent or a supervisor may return it to the queue');
    case 'invite':
      if (c.status !== 'active') return deny(conversationErrors.notActive(c.status));
      return isOwner(actor, c) ? OK : oversight(actor, c, 'Only the conversation’s agent or a supervisor may invite collaborators');
    case 'leave':
      return c.invitedAgentIds.includes(actor.id) ? OK : deny(forbidden('Only an invited agent may leave the conversation'));
    case 'finish':
      return isOwner(actor, c) ? OK : oversight(actor, c, 'Only the conversation’s agent or a supervisor may finish it');
    default:
      return unreachable(action);
  }
}

export const allowed = (actor: Actor, action: ConversationAction, conversation: ConversationDoc): boolean =>
  may(actor, action, conversation).ok;

/** Throwing form for domain code: `assertMay(user, 'finish', conversation)`. */
export function assertMay(actor: Actor, action: ConversationAction, conversation: ConversationDoc): void {
  const permission = may(actor, action, conversation);
  if (!permission.ok) throw permission.error;
}

/** Internal tags (R-WS-05): supervisors and admins always; agents unless an admin switched it off for them. */
export const mayTag = (user: Pick<Actor, 'role'> & { permissions?: { tags?: boolean | undefined } | undefined }): boolean =>
  overseesAll(user) || user.permissions?.tags !== false;

/**
 * Tagging one conversation: someone who may tag and who writes in it while it is open, or an
 * overseer of its team (an admin; a supervisor of the team) at any time (tags classify finished
 * conversations too).
 */
export function mayTagConversation(
  actor: Actor & { permissions?: { tags?: boolean | undefined } | undefined },
  conversation: ConversationDoc,
  /** The conversation's team, when known: its `tagsAllowed: false` withholds tags from its agents (R-RT-01). */
  team?: Pick<TeamDoc, 'tagsAllowed'>,
): Permission {
  if (!canSee(actor, conversation)) return deny(notFound('conversation'));
  if (!mayTag(actor)) return deny(forbidden('You may not tag conversations'));
  // Supervisors classify their own teams' conversations (issue 16: they watch every team, act on theirs).
  if (overseesAll(actor)) return oversees(actor, conversation.teamId) ? OK : deny(otherTeamError());
  if (team?.tagsAllowed === false) return deny(forbidden('Your team does not allow tagging conversations'));
  return may(actor, 'reply', conversation);
}

/**
 * Queue visibility (R-RT-02): a team's waiting queue is seen and taken by its members, or only by
 * the agents the team targets (`queueAgentIds`); supervisors and admins always see it. A team not
 * known yet (not replicated: pass `{ id }`) reads as the whole team's.
 */
export const seesQueue = (actor: Pick<Actor, 'id' | 'role' | 'teamIds'>, team: Pick<TeamDoc, 'id' | 'queueAgentIds'>): boolean => {
  if (overseesAll(actor)) return true;
  if (!actor.teamIds.includes(team.id)) return false;
  const targeted = team.queueAgentIds;
  return !targeted || targeted.length === 0 || targeted.includes(actor.id);
};

/** The refusal an agent outside a targeted queue gets when taking from it. */
export const queueTargetedError = () => forbidden('A fila desta equipe está visível só para agentes selecionados; peça a um supervisor para transferir a conversa a você.');

/** Shared notes (R-WS-03): only the author edits one (the server answers anyone else with the author's version). */
export const mayEditNote = (user: Pick<Actor, 'id'>, note: { authorId: unknown }): boolean => note.authorId === user.id;
/** The author removes their note; a supervisor or admin may remove anyone's (moderation). */
export const mayRemoveNote = (user: Pick<Actor, 'id' | 'role'>, note: { authorId: unknown }): boolean =>
  mayEditNote(user, note) || overseesAll(user);

/**
 * Contacts (R-CT-01, issue 14): anyone edits a contact they see (linked to their teams' conversations
 * or created by them, visibility.ts); removing or merging one changes what every team sees of the
 * customer, so only supervisors and admins do it. The server also refuses removing a contact a
 * website visitor or an open conversation still uses (sync/push.ts).
 */
export const mayEditContact = (viewer: Viewer, contact: { readonly [field: string]: unknown }): boolean =>
  visibilityOf(viewer, contact) === 'visible';
export const mayRemoveContact = (user: Pick<Actor, 'role'>): boolean => overseesAll(user);
export const mayMergeContacts = (user: Pick<Actor, 'role'>): boolean => overseesAll(user);

/** Pending/resolved (R-WS-13) is the agent's follow-up: whoever may reply to the conversation. */
export const mayMark = (actor: Actor, conversation: ConversationDoc): Permission => may(actor, 'reply', conversation);

/**
 * R-WS-05 / R-CT-04: whether a contact's history shows (and its transcripts open for) finished
 * conversations of teams the user is not in. Supervisors and admins always; agents when granted.
 */
export const maySeeOtherTeamsHistory = (
  user: Pick<Actor, 'role'> & { permissions?: { historyOtherTeams?: boolean | undefined } | undefined },
): boolean => overseesAll(user) || user.permissions?.historyOtherTeams === true;
