import {
  ADMIN_ONLY_TEAM_FIELDS, byName, isAdmin, isLiveTeam, mayAdministerTeam, nameKey, notFound, teamErrors, teamIdFor, teamSettingsOf,
  type Actor, type CreateTeamBody, type FlowBody, type TeamDoc, type TeamView, type UpdateTeamBody, type UserDoc,
} from '@atende/protocol';
import { liveTeam, liveTeams } from '../access/teams.js';
import { liveUsers } from '../access/users.js';
import type { ChannelAccountDoc, ChannelAccounts } from '../channelAccounts/service.js';
import type { DocStore } from '../store/index.js';
import { STATUS_CHANGED_INDEX } from '../store/indexes.js';
import { toStored, updateWire } from '../store/wire.js';
import { memberOf, requireUsers, setMembers } from './members.js';
import { TeamNames } from './teamNames.js';

/** Slugs tried per name before giving up ("suporte", "suporte-2", …). */
const MAX_SLUGS = 20;
const OPEN_STATUSES = ['bot', 'waiting', 'active'] as const;

/**
 * Teams administration (R-RT-01/02). Every input is checked before anything is written (users,
 * channels, the queue's agents being members), so a refusal leaves all as it was. A new team's id
 * comes from its name and the store arbitrates it: of two admins creating one name at once, one
 * writes `team:<slug>` and the other meets its conflict and gets 409.
 */
export class TeamService {
  /** Renames claim the new name in the store (teamNames.ts): of two at once to one name, one gets 409. */
  private readonly names: TeamNames;

  constructor(
    private readonly store: DocStore,
    private readonly accounts: ChannelAccounts,
  ) {
    this.names = new TeamNames(store, async (teamId) => (await this.find(teamId))?.name);
  }

  /** Teams not archived: every one for an admin, their own for a supervisor. */
  async list(actor: Actor): Promise<TeamView[]> {
    const [teams, users, channels] = await Promise.all([this.teams(), liveUsers(this.store), this.accounts.list()]);
    return teams.filter((t) => mayAdministerTeam(actor, t.id)).map((t) => this.view(t, users, channels)).sort(byName);
  }

  /** Creates a team with its settings, members and channels; the demo seed may call it with the same body. */
  async create(body: CreateTeamBody): Promise<TeamDoc> {
    const [teams, users, channels] = await Promise.all([this.teams(), liveUsers(this.store), this.accounts.list()]);
    this.assertNameFree(teams, body.name);
    requireUsers(users, body.memberIds);
    this.assertQueueOfMembers(body.queueAgentIds, body.memberIds);
    const moved = this.requireChannels(channels, body.channelAccountIds);
    const now = Date.now();
    const { memberIds: _members, channelAccountIds: _channels, ...settings } = body;
    let team: TeamDoc | undefined;
    for (let n = 1; n <= MAX_SLUGS && !team; n++) {
      const doc: TeamDoc = { id: teamIdFor(body.name, n), type: 'team', ...settings, name: body.name.trim(), createdAt: now, updatedAt: now };
      const [result] = await this.store.bulkWrite([toStored(doc)]);
      if (result?.ok) team = doc;
      else if (result?.error !== 'conflict') throw new Error(`write ${doc.id}: ${result?.reason ?? 'no result'}`);
      else await this.assertSlugHolderDiffers(doc.id, body.name);
    }
    if (!team) throw teamErrors.duplicateName(body.name.trim());
    await setMembers(this.store, users, team.id, body.memberIds);
    for (const account of moved) await this.accounts.update(account._id, { teamId: team.id });
    return team;
  }

  /**
   * Changes a team. Supervisors of the team change its service settings and members; its name and
   * channels are an admin's (403); a team they do not hold reads as missing (404).
   */
  async update(actor: Actor, id: string, body: UpdateTeamBody): Promise<TeamView> {
    const team = await this.find(id);
    if (!team || !mayAdministerTeam(actor, team.id)) throw notFound('team');
    const adminFields = ADMIN_ONLY_TEAM_FIELDS.filter((f) => body[f] !== undefined);
    if (!isAdmin(actor) && adminFields.length > 0) throw teamErrors.adminOnly(adminFields);
    const [teams, users, channels] = await Promise.all([this.teams(), liveUsers(this.store), this.accounts.list()]);
    const renamed = body.name !== undefined && nameKey(body.name) !== nameKey(team.name) ? body.name : undefined;
    if (renamed !== undefined) this.assertNameFree(teams, renamed, team.id);
    if (body.memberIds) requireUsers(users, body.memberIds);
    const memberIds = body.memberIds ?? users.filter((u) => u.teamIds.includes(team.id)).map((u) => u.id);
    const queue = body.queueAgentIds !== undefined ? body.queueAgentIds : teamSettingsOf(team).queueAgentIds;
    if (body.queueAgentIds !== undefined || body.memberIds) this.assertQueueOfMembers(queue, memberIds);
    const moved = body.channelAccountIds ? this.channelsFor(team, channels, body.channelAccountIds) : [];

    if (renamed !== undefined) await this.names.claim(renamed, team.id);
    const { memberIds: _members, channelAccountIds: _channels, ...fields } = body;
    const { doc } = await updateWire<TeamDoc>(this.store, team.id, (current) => {
      if (!isLiveTeam(current)) throw notFound('team');
      const next: TeamDoc = { ...current, updatedAt: Math.max(Date.now(), current.updatedAt + 1) };
      for (const [key, value] of Object.entries(fields)) if (value !== undefined) Object.assign(next, { [key]: value });
      if (fields.name !== undefined) next.name = fields.name.trim();
      return next;
    }).catch(async (error: unknown) => {
      if (renamed !== undefined) await this.names.release(renamed, team.id);
      throw error;
    });
    if (!doc) throw notFound('team');
    if (renamed !== undefined) await this.names.release(team.name, team.id);
    if (body.memberIds) await setMembers(this.store, users, team.id, body.memberIds);
    for (const account of moved) await this.accounts.update(account._id, { teamId: team.id });
    const [usersAfter, channelsAfter] = await Promise.all([liveUsers(this.store), this.accounts.list()]);
    return this.view(doc, usersAfter, channelsAfter);
  }

  /**
   * Archives a team (kept for history): refused while a channel enters through it or one of its
   * conversations is open, since both would be left with a team nobody administers.
   */
  async archive(id: string): Promise<void> {
    const team = await this.find(id);
    if (!team) throw notFound('team');
    const entering = (await this.accounts.list()).filter((a) => a.entryTeamId === team.id);
    if (entering.length > 0) throw teamErrors.entryTeam(entering.map((a) => a.name));
    if (await this.hasOpenConversations(team.id)) throw teamErrors.openConversations();
    // R-RT-04: a flow that hands conversations here would give them to a team nobody serves.
    const flowTeams = await this.flowsTargeting(team.id);
    if (flowTeams.length > 0) throw teamErrors.flowTarget(flowTeams);
    const { written } = await updateWire<TeamDoc>(this.store, team.id, (current) =>
      isLiveTeam(current)
        ? { ...current, archived: true, updatedAt: Math.max(Date.now(), current.updatedAt + 1) }
        : undefined);
    if (!written) throw notFound('team');
  }

  /** The names of the teams whose chatbot flow moves conversations to `teamId` (its own flow aside). */
  private async flowsTargeting(teamId: string): Promise<string[]> {
    const flows = await this.store.find({ selector: { type: 'flow' }, limit: 1000 });
    const owners = flows
      .filter((f) => !f._deleted && f.teamId !== teamId)
      .filter((f) => (f.triggers as FlowBody['triggers']).some((t) => t.moveToTeamId === teamId || (t.message?.options ?? []).some((o) => o.teamId === teamId)))
      .map((f) => String(f.teamId));
    return Promise.all(owners.map(async (id) => (await this.find(id))?.name ?? id));
  }

  /** A team by id, fresh from the store; undefined when unknown or archived. */
  find(id: string): Promise<TeamDoc | undefined> {
    return liveTeam(this.store, id, { fresh: true });
  }

  private teams(): Promise<TeamDoc[]> {
    return liveTeams(this.store);
  }

  private view(team: TeamDoc, users: readonly UserDoc[], channels: readonly ChannelAccountDoc[]): TeamView {
    return {
      id: team.id, name: team.name, ...teamSettingsOf(team),
      members: users.filter((u) => u.teamIds.includes(team.id)).map(memberOf).sort(byName),
      channels: channels.filter((a) => a.entryTeamId === team.id).map((a) => ({ id: a._id, name: a.name, kind: a.kind })).sort(byName),
      createdAt: team.createdAt, updatedAt: team.updatedAt,
    };
  }

  /** Two teams with one name would be told apart by nobody in a transfer's list. */
  private assertNameFree(teams: readonly TeamDoc[], name: string, except?: string): void {
    const taken = teams.find((t) => t.id !== except && nameKey(t.name) === nameKey(name));
    if (taken) throw teamErrors.duplicateName(taken.name);
  }

  /** The slug is held: by a team of this very name (a racing create: 409), or by another (try the next slug). */
  private async assertSlugHolderDiffers(id: string, name: string): Promise<void> {
    const held = await this.store.get(id, { fresh: true });
    if (isLiveTeam(held) && nameKey(String(held.name)) === nameKey(name)) {
      throw teamErrors.duplicateName(String(held.name));
    }
  }

  private assertQueueOfMembers(queue: readonly string[] | null, memberIds: readonly string[]): void {
    const outside = (queue ?? []).filter((agent) => !memberIds.includes(agent));
    if (outside.length > 0) throw teamErrors.queueNotMembers(outside);
  }

  /** The accounts named, all of them (400 naming the unknown ones). */
  private requireChannels(channels: readonly ChannelAccountDoc[], ids: readonly string[]): ChannelAccountDoc[] {
    const unknown = [...new Set(ids)].filter((id) => !channels.some((a) => a._id === id));
    if (unknown.length > 0) throw teamErrors.unknownChannels(unknown);
    return channels.filter((a) => ids.includes(a._id));
  }

  /**
   * The accounts to move into the team. An account always enters some team, so one cannot be
   * taken out of this team here: it is moved by naming it in its new team (or in Canais).
   */
  private channelsFor(team: TeamDoc, channels: readonly ChannelAccountDoc[], ids: readonly string[]): ChannelAccountDoc[] {
    const named = this.requireChannels(channels, ids);
    const dropped = channels.filter((a) => a.entryTeamId === team.id && !ids.includes(a._id));
    if (dropped.length > 0) throw teamErrors.channelLeft(dropped.map((a) => a.name));
    return named.filter((a) => a.entryTeamId !== team.id);
  }

  private async hasOpenConversations(teamId: string): Promise<boolean> {
    for (const status of OPEN_STATUSES) {
      const found = await this.store.find({
        selector: { status, changedAt: { $gte: 0 }, type: 'conversation', teamId }, limit: 1, useIndex: STATUS_CHANGED_INDEX,
      });
      if (found.some((c) => !c._deleted)) return true;
    }
    return false;
  }
}
