import { CreateTeamBody, RATINGS_OFF, UpdateTeamBody, type TeamView } from '@atende/protocol';

/** Issue 19 "Retenção de dados": the months offered when an admin turns it on (a year, a common choice). */
export const RETENTION_DEFAULT_MONTHS = 12;

/**
 * The team form (R-RT-01/02) as typed, and the body the server accepts, checked with the
 * protocol's own schemas so the screen refuses what the server would (and says where). Rules the
 * server holds beyond the schema are checked here too: the queue's agents are members, and a
 * channel of the team is never simply dropped (it always enters some team).
 */
export interface TeamForm {
  name: string;
  channelAccountIds: string[];
  memberIds: string[];
  /** Minutes as typed; empty: conversations are never closed for inactivity. */
  timeoutMinutes: string;
  timeoutMessage: string;
  dispositionRequired: boolean;
  tagsAllowed: boolean;
  /** `team`: the whole team sees the waiting queue; `agents`: only `queueAgentIds`. */
  queue: 'team' | 'agents';
  queueAgentIds: string[];
  autoDistribute: boolean;
  internalChat: boolean;
  /** Issue 18: ask the customer to rate the conversation after its finish. */
  ratingsEnabled: boolean;
  /** Whole hours the answer is accepted for, as typed (1–720). */
  ratingsWindowHours: string;
  /** Issue 19 (LGPD): purge finished conversations older than `retentionMonths`; off keeps them. Admins only. */
  retentionOn: boolean;
  /** Whole months as typed (1–120). */
  retentionMonths: string;
}

export type TeamProblem = 'name' | 'timeoutMinutes' | 'timeoutMessage' | 'queueAgents' | 'channels' | 'ratingsWindowHours' | 'retentionMonths';

export const emptyTeamForm = (): TeamForm => ({
  name: '', channelAccountIds: [], memberIds: [], timeoutMinutes: '', timeoutMessage: '', dispositionRequired: false, tagsAllowed: true,
  queue: 'team', queueAgentIds: [], autoDistribute: false, internalChat: true,
  ratingsEnabled: RATINGS_OFF.enabled, ratingsWindowHours: String(RATINGS_OFF.windowHours),
  retentionOn: false, retentionMonths: String(RETENTION_DEFAULT_MONTHS),
});

export function teamFormOf(team: TeamView): TeamForm {
  return {
    name: team.name,
    channelAccountIds: team.channels.map((c) => c.id),
    memberIds: team.members.map((m) => m.id),
    timeoutMinutes: team.sessionTimeout ? String(team.sessionTimeout.minutes) : '',
    timeoutMessage: team.sessionTimeout?.message ?? '',
    dispositionRequired: team.dispositionRequired,
    tagsAllowed: team.tagsAllowed,
    queue: team.queueAgentIds ? 'agents' : 'team',
    queueAgentIds: team.queueAgentIds ?? [],
    autoDistribute: team.autoDistribute,
    internalChat: team.internalChat,
    ratingsEnabled: team.ratings.enabled,
    ratingsWindowHours: String(team.ratings.windowHours),
    retentionOn: team.retention !== null,
    retentionMonths: String(team.retention?.months ?? RETENTION_DEFAULT_MONTHS),
  };
}

const PROBLEM_OF: Record<string, TeamProblem> = {
  name: 'name', queueAgentIds: 'queueAgents', channelAccountIds: 'channels', memberIds: 'queueAgents',
};

/**
 * The body to send, or the fields to fix. `team`: the team edited (undefined: a new one);
 * `asAdmin`: false for a supervisor, whose body leaves out the name, channels and retention (admin-only).
 */
export function teamBodyOf(
  form: TeamForm, team: TeamView | undefined, asAdmin: boolean,
): { create: CreateTeamBody } | { update: UpdateTeamBody } | { problems: TeamProblem[] } {
  const problems = new Set<TeamProblem>();
  const minutes = form.timeoutMinutes.trim();
  if (minutes !== '' && !/^\d+$/.test(minutes)) problems.add('timeoutMinutes');
  if (minutes === '' && form.timeoutMessage.trim() !== '') problems.add('timeoutMinutes');
  const queueAgentIds = form.queue === 'agents' ? form.queueAgentIds.filter((id) => form.memberIds.includes(id)) : null;
  if (queueAgentIds && queueAgentIds.length === 0) problems.add('queueAgents');
  if (team && asAdmin && team.channels.some((c) => !form.channelAccountIds.includes(c.id))) problems.add('channels');
  // Whole hours only ("1,5" or "2h" are refused, not read as 1 or 2); the range is the schema's.
  const hours = form.ratingsWindowHours.trim();
  if (!/^\d+$/.test(hours)) problems.add('ratingsWindowHours');
  // Issue 19: whole months ("1,5" is refused, not read as 1); the range (1–120) is the schema's.
  const months = form.retentionMonths.trim();
  if (asAdmin && form.retentionOn && !/^\d+$/.test(months)) problems.add('retentionMonths');
  const retention = form.retentionOn ? { months: Number(months) } : null;
  const fields = {
    dispositionRequired: form.dispositionRequired,
    internalChat: form.internalChat,
    sessionTimeout: minutes === '' ? null : { minutes: Number(minutes), message: form.timeoutMessage },
    tagsAllowed: form.tagsAllowed,
    queueAgentIds,
    autoDistribute: form.autoDistribute,
    memberIds: form.memberIds,
    ratings: { enabled: form.ratingsEnabled, windowHours: Number(hours) },
    ...(asAdmin ? { name: form.name, channelAccountIds: form.channelAccountIds, retention } : {}),
  };
  const parsed = team ? UpdateTeamBody.safeParse(fields) : CreateTeamBody.safeParse(fields);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [field, sub] = issue.path;
      if (field === 'sessionTimeout') problems.add(sub === 'message' ? 'timeoutMessage' : 'timeoutMinutes');
      else if (field === 'ratings') problems.add('ratingsWindowHours');
      else if (field === 'retention') problems.add('retentionMonths');
      else problems.add(PROBLEM_OF[String(field)] ?? 'name');
    }
  }
  if (problems.size > 0 || !parsed.success) return { problems: [...problems] };
  return team ? { update: parsed.data as UpdateTeamBody } : { create: parsed.data as CreateTeamBody };
}
