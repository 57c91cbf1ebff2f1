import {
  byName, forbidden, isLiveTeam, mayAdministerTeam, notFound, teamAvailability, type TeamDoc, type TeamHoursBody, type TeamHoursView, type UserDoc,
} from '@atende/protocol';
import { liveTeams } from '../access/teams.js';
import { updateDoc, type DocStore, type StoredDoc } from '../store/index.js';
import { toWire } from '../store/wire.js';

/** Teams listed at most (an organisation has tens). */
const TEAMS_LIMIT = 500;

type StoredTeam = StoredDoc & Omit<TeamDoc, 'id'>;

/**
 * Indexes of the teams that use a periodic feature: a team without the field is not in the index,
 * so the periodic jobs ask often and cheaply (and write no job at all while no team uses it).
 */
const DISTRIBUTING_INDEX = 'idx-team-distribution';
/**
 * On the timeout itself, not on `sessionTimeout.minutes`: PouchDB's index reads a nested field
 * through a null (`sessionTimeout: null`, a team without timeout) and throws for that team
 * (replacing `idx-team-timeout`, which did). The selector (`$type: 'object'`) means the same to
 * PouchDB and to CouchDB's Mango.
 */
const TIMEOUT_INDEX = 'idx-team-session-timeout';
const TIMEOUT_SELECTOR = { type: 'team', sessionTimeout: { $type: 'object' } };

export async function ensureTeamIndexes(store: DocStore): Promise<void> {
  await store.ensureIndex(DISTRIBUTING_INDEX, ['type', 'autoDistribute']);
  await store.ensureIndex(TIMEOUT_INDEX, ['type', 'sessionTimeout']);
}

/** Teams with automatic distribution on (R-RT-02), archived ones aside. */
export async function distributingTeams(store: DocStore): Promise<TeamDoc[]> {
  const found = await store.find({ selector: { type: 'team', autoDistribute: true }, limit: TEAMS_LIMIT, useIndex: DISTRIBUTING_INDEX });
  // The index may lag the document: checked again.
  return found.filter((t) => isLiveTeam(t) && t.autoDistribute === true).map((t) => toWire<TeamDoc>(t));
}

/** Teams with a session timeout (R-RT-01); null or absent is none. */
export async function timeoutTeams(store: DocStore): Promise<TeamDoc[]> {
  const found = await store.find({ selector: TIMEOUT_SELECTOR, limit: TEAMS_LIMIT, useIndex: TIMEOUT_INDEX });
  // The index may lag the document: checked again.
  return found
    .filter((t) => !t._deleted)
    .map((t) => toWire<TeamDoc>(t))
    .filter((t) => typeof t.sessionTimeout?.minutes === 'number' && t.sessionTimeout.minutes >= 1);
}

/**
 * Business hours of teams (R-RT-03), as the "Horários" screen edits them: admins any team,
 * supervisors their own (another team reads as missing, like everything invisible). Only the
 * team's `businessHours` is written; the rest of the team belongs to the teams screen.
 */
export class TeamHours {
  constructor(
    private readonly store: DocStore,
    private readonly now: () => number = Date.now,
  ) {}

  async list(actor: UserDoc): Promise<TeamHoursView[]> {
    const teams = (await liveTeams(this.store)).filter((t) => mayAdministerTeam(actor, t.id));
    return teams.sort(byName).map((t) => this.viewOf(t));
  }

  async get(actor: UserDoc, teamId: string): Promise<TeamHoursView> {
    return this.viewOf(await this.team(actor, teamId));
  }

  async set(actor: UserDoc, teamId: string, body: TeamHoursBody): Promise<TeamHoursView> {
    await this.team(actor, teamId);
    const businessHours = body.businessHours && normalised(body.businessHours);
    const { doc } = await updateDoc<StoredTeam>(this.store, teamId, (current) => {
      if (!current || current._deleted || current.type !== 'team') throw notFound('team');
      return { ...current, businessHours, updatedAt: Math.max(this.now(), current.updatedAt + 1) };
    });
    if (!doc) throw notFound('team');
    return this.viewOf(toWire<TeamDoc>(doc));
  }

  private async team(actor: UserDoc, teamId: string): Promise<TeamDoc> {
    if (actor.role !== 'admin' && actor.role !== 'supervisor') throw forbidden('Only admins and supervisors set business hours');
    const stored = teamId.startsWith('team:') ? await this.store.get(teamId, { fresh: true }) : undefined;
    if (!stored || stored._deleted || stored.type !== 'team' || !mayAdministerTeam(actor, teamId)) throw notFound('team');
    return toWire<TeamDoc>(stored);
  }

  private viewOf(team: TeamDoc): TeamHoursView {
    const hours = team.businessHours ?? null;
    const { online, nextOpening } = teamAvailability(hours, this.now());
    return { teamId: team.id, name: team.name, businessHours: hours, open: online, nextOpening };
  }
}

/** Intervals in order within each day, holidays sorted and once each: the screen reads them back as stored. */
function normalised(hours: NonNullable<TeamHoursBody['businessHours']>): NonNullable<TeamHoursBody['businessHours']> {
  return {
    ...hours,
    days: hours.days.map((day) => [...day].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))),
    holidays: [...new Set(hours.holidays)].sort(),
    offHoursMessage: hours.offHoursMessage.trim(),
  };
}
