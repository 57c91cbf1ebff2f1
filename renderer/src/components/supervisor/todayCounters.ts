import { byName, summariseConversations, type Measured, type Summary, type TeamDoc } from '@atende/protocol';
import { createdOn, type OrganisationDay } from './todayDay';

/**
 * Today's counters (R-SV-06) per team and overall: only protocol's `summariseConversations`
 * decides what received, answered, abandoned and the times are; this groups the day's conversations.
 */
export type Counted = Measured & { createdAt: number };

export interface TeamCounters {
  teamId: string;
  name: string;
  summary: Summary;
}

export interface TodayCounters {
  teams: TeamCounters[];
  overall: Summary;
}

type Team = Pick<TeamDoc, 'id' | 'name'>;

/**
 * Every team given (an idle team reads zeros), plus any team a conversation of the day is in
 * (named by its id when the replica does not know it), sorted by name; a conversation counts in
 * the team that holds it now, as in the reports.
 */
export function todayCounters(conversations: readonly Counted[], teams: readonly Team[], day: OrganisationDay): TodayCounters {
  const ofDay = conversations.filter((c) => createdOn(day, c));
  const byTeam = new Map<string, Counted[]>(teams.map((t) => [t.id, []]));
  for (const c of ofDay) {
    const list = byTeam.get(c.teamId);
    if (list) list.push(c);
    else byTeam.set(c.teamId, [c]);
  }
  const names = new Map(teams.map((t) => [t.id, t.name]));
  return {
    teams: [...byTeam.entries()]
      .map(([teamId, list]) => ({ teamId, name: names.get(teamId) ?? teamId, summary: summariseConversations(list) }))
      .sort(byName),
    overall: summariseConversations(ofDay),
  };
}
