import { z } from 'zod';
import { ChannelKind, Id, Role, type TeamDoc } from './documents.js';
import { DomainError } from './errors.js';
import { endpoint } from './endpoint.js';
import { nameKey } from './names.js';
import { RATINGS_OFF, TeamRatings } from './ratings.js';
import { TeamRetention } from './privacy.js';

/**
 * Teams (R-RT-01/02): channels, members, session timeout, dispositions rule, tags permission,
 * queue visibility, distribution. A team's members are the users whose `teamIds` include it; its
 * channels are the accounts whose `entryTeamId` is it (one entry team per account). Admins create,
 * edit and archive any team; a supervisor edits the service settings and members of the teams
 * they hold, never a team's name, its channels, nor creates or archives one (organisation-wide
 * decisions, like the channel screen).
 */

export const TEAM_NAME_MAX = 100;
export const SESSION_TIMEOUT_MAX_MINUTES = 43_200;
export const SESSION_MESSAGE_MAX = 1000;

const TeamName = z.string().trim().min(1, 'give the team a name').max(TEAM_NAME_MAX);

export const SessionTimeout = z.strictObject({
  minutes: z.number().int('whole minutes').min(1, 'at least 1 minute').max(SESSION_TIMEOUT_MAX_MINUTES, 'at most 30 days'),
  message: z.string().trim().max(SESSION_MESSAGE_MAX).default(''),
});
export type SessionTimeout = z.infer<typeof SessionTimeout>;

/** null: the whole team sees the queue; a list: only those agents (R-RT-02) — never an empty one. */
const QueueAgentIds = z.array(Id).min(1, 'choose at least one agent, or let the whole team see the queue').max(500).nullable();
const Ids = z.array(Id).max(1000);

/** What the settings of a team are, as the form edits them. */
const settings = {
  dispositionRequired: z.boolean(),
  internalChat: z.boolean(),
  sessionTimeout: SessionTimeout.nullable(),
  tagsAllowed: z.boolean(),
  queueAgentIds: QueueAgentIds,
  autoDistribute: z.boolean(),
  /** Ask customers to rate finished conversations (issue 18). */
  ratings: TeamRatings,
  /** Purge finished conversations older than N months (issue 19, LGPD); null: keep them. Admins only. */
  retention: TeamRetention.nullable(),
};

/** Fields only an admin changes (the rest a supervisor of the team may change too). */
export const ADMIN_ONLY_TEAM_FIELDS = ['name', 'channelAccountIds', 'retention'] as const;

export const CreateTeamBody = z.strictObject({
  name: TeamName,
  dispositionRequired: settings.dispositionRequired.default(false),
  internalChat: settings.internalChat.default(true),
  sessionTimeout: settings.sessionTimeout.default(null),
  tagsAllowed: settings.tagsAllowed.default(true),
  queueAgentIds: settings.queueAgentIds.default(null),
  // Off by default (R-RT-02).
  autoDistribute: settings.autoDistribute.default(false),
  // Off unless the team chooses it (the demo's teams ask).
  ratings: settings.ratings.default(RATINGS_OFF),
  // Off by default (issue 19): nothing is removed until an admin sets a limit.
  retention: settings.retention.default(null),
  memberIds: Ids.default([]),
  channelAccountIds: Ids.default([]),
});
export type CreateTeamBody = z.infer<typeof CreateTeamBody>;
export type CreateTeamInput = z.input<typeof CreateTeamBody>;

export const UpdateTeamBody = z
  .strictObject({ name: TeamName, ...settings, memberIds: Ids, channelAccountIds: Ids })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' });
export type UpdateTeamBody = z.infer<typeof UpdateTeamBody>;

export const TeamMember = z.object({ id: Id, name: z.string(), role: Role });
export type TeamMember = z.infer<typeof TeamMember>;
export const TeamChannel = z.object({ id: Id, name: z.string(), kind: ChannelKind });
export type TeamChannel = z.infer<typeof TeamChannel>;

/** A team as the admin screen lists it: its settings with defaults filled, members and channels. */
export const TeamView = z.object({
  id: Id,
  name: z.string(),
  ...settings,
  queueAgentIds: z.array(Id).nullable(),
  members: z.array(TeamMember),
  channels: z.array(TeamChannel),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type TeamView = z.infer<typeof TeamView>;

export const TeamsResponse = z.object({ teams: z.array(TeamView) });
export const CreatedTeam = z.object({ id: Id });

export const TEAMS_API = {
  adminListTeams: endpoint({ method: 'GET', path: '/api/admin/teams', auth: 'user', response: TeamsResponse }),
  adminCreateTeam: endpoint({ method: 'POST', path: '/api/admin/teams', auth: 'user', body: CreateTeamBody, response: CreatedTeam }),
  adminUpdateTeam: endpoint({ method: 'PATCH', path: '/api/admin/teams/:id', auth: 'user', body: UpdateTeamBody, response: TeamView }),
  adminArchiveTeam: endpoint({ method: 'DELETE', path: '/api/admin/teams/:id', auth: 'user', response: null }),
} as const;

/** A team document's settings with the defaults of absent fields (older documents, the demo seed). */
export function teamSettingsOf(team: TeamDoc): Omit<TeamView, 'id' | 'name' | 'members' | 'channels' | 'createdAt' | 'updatedAt'> {
  return {
    dispositionRequired: team.dispositionRequired,
    internalChat: team.internalChat !== false,
    sessionTimeout: team.sessionTimeout ?? null,
    tagsAllowed: team.tagsAllowed !== false,
    queueAgentIds: team.queueAgentIds && team.queueAgentIds.length > 0 ? [...team.queueAgentIds] : null,
    autoDistribute: team.autoDistribute === true,
    ratings: team.ratings ?? RATINGS_OFF,
    retention: team.retention ?? null,
  };
}

/** The id a new team takes from its name ("Pós-venda" → `team:pos-venda`); `n` > 1 tells apart names with one slug. */
export function teamIdFor(name: string, n = 1): string {
  const slug = nameKey(name).replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'equipe';
  return `team:${slug}${n > 1 ? `-${n}` : ''}`;
}

/**
 * A team that takes new work — users, conversations, flows' destinations, content, hours: one
 * that exists (a team document, not removed) and is not archived. Archived teams keep their
 * history and the users who still hold them, but nothing new is given to them.
 */
export function isLiveTeam<T extends { type?: unknown; archived?: unknown; _deleted?: unknown }>(doc: T | null | undefined): doc is T {
  return !!doc && doc._deleted !== true && doc.type === 'team' && doc.archived !== true;
}

export const teamErrors = {
  /** A team named in a body (or query) that does not exist or is archived: one answer wherever a team is given. */
  unknown: (teamIds?: readonly string[]) =>
    new DomainError('unprocessable', 'unknown_team', 'Equipe inexistente ou arquivada.', teamIds ? { teamIds } : undefined),
  duplicateName: (name: string) => new DomainError('conflict', 'duplicate_team', `Já existe uma equipe chamada "${name}".`),
  adminOnly: (fields: readonly string[]) =>
    new DomainError('forbidden', 'forbidden', `Só um administrador altera ${fields.join(', ')} de uma equipe.`, { fields }),
  unknownUsers: (ids: readonly string[]) => new DomainError('invalid', 'unknown_user', `Usuários inexistentes: ${ids.join(', ')}.`, { ids }),
  unknownChannels: (ids: readonly string[]) => new DomainError('invalid', 'unknown_channel', `Canais inexistentes: ${ids.join(', ')}.`, { ids }),
  queueNotMembers: (ids: readonly string[]) =>
    new DomainError('invalid', 'queue_not_members', `Só integrantes da equipe podem ver a fila: ${ids.join(', ')} não são integrantes.`, { ids }),
  channelLeft: (names: readonly string[]) =>
    new DomainError(
      'invalid', 'channel_needs_team',
      `Todo canal entra por uma equipe: para tirar ${names.join(', ')} desta equipe, escolha a nova equipe no formulário dela ou em Canais.`,
      { names },
    ),
  openConversations: () =>
    new DomainError('conflict', 'team_has_open_conversations', 'A equipe tem conversas abertas: finalize-as ou transfira-as antes de arquivá-la.'),
  entryTeam: (names: readonly string[]) =>
    new DomainError('conflict', 'team_is_entry', `Canais entram por esta equipe (${names.join(', ')}): mova-os para outra equipe antes de arquivá-la.`, { names }),
  flowTarget: (names: readonly string[]) =>
    new DomainError(
      'conflict', 'team_is_flow_target',
      `O chatbot leva conversas a esta equipe (fluxos de ${names.join(', ')}): altere esses fluxos antes de arquivá-la.`, { names },
    ),
  archived: () => new DomainError('conflict', 'team_archived', 'Esta equipe está arquivada.'),
} as const;
