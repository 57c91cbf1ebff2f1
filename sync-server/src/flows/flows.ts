import {
  entryRuleProblem, FLOW_PREFIX, flowErrors, keyOf, notFound, teamErrors,
  type Flow, type FlowBody, type FlowSummary, type TeamDoc,
} from '@atende/protocol';
import { liveTeam } from '../access/teams.js';
import { updateDoc, type DocStore, type StoredDoc } from '../store/index.js';

/**
 * One chatbot flow per team (R-RT-04). Server-only documents (`flow:<team key>`): `flow` is no
 * replicated type, so no replica holds them and no client may push them; admins and the team's
 * supervisors read and write them through `/api/admin/flows`.
 */
export interface FlowDoc extends StoredDoc, FlowBody {
  type: 'flow';
  teamId: string;
  updatedAt: number;
}

export const flowIdOf = (teamId: string): string => `${FLOW_PREFIX}${keyOf(teamId)}`;

const LIST_LIMIT = 1000;

export const flowOf = (doc: FlowDoc): Flow => ({ teamId: doc.teamId, active: doc.active, triggers: doc.triggers, updatedAt: doc.updatedAt });
const emptyFlow = (teamId: string): Flow => ({ teamId, active: false, triggers: [], updatedAt: 0 });

export class Flows {
  constructor(private readonly store: DocStore) {}

  /** The team's flow; an empty, inactive one when none was saved. */
  async get(teamId: string): Promise<Flow> {
    const doc = (await this.store.get(flowIdOf(teamId))) as FlowDoc | undefined;
    return doc && !doc._deleted && doc.type === 'flow' ? flowOf(doc) : emptyFlow(teamId);
  }

  /** Every saved flow, by team id (the runtime follows moves between teams' flows). */
  async all(): Promise<Map<string, Flow>> {
    const found = (await this.store.find({ selector: { type: 'flow' }, limit: LIST_LIMIT })) as FlowDoc[];
    return new Map(found.filter((d) => !d._deleted).map((d) => [d.teamId, flowOf(d)]));
  }

  /** Whether a conversation opening in this team starts with its bot: the team has an active flow with a trigger. */
  async opensWithBot(teamId: string): Promise<boolean> {
    const flow = await this.get(teamId);
    return flow.active && flow.triggers.some((t) => t.active);
  }

  /** Teams some channel enters: their flow's first trigger needs > 1 h without interaction (seed 004). */
  async entryTeamIds(): Promise<Set<string>> {
    const accounts = await this.store.find({ selector: { type: 'channel' }, limit: LIST_LIMIT });
    return new Set(accounts.filter((a) => !a._deleted).map((a) => String(a.entryTeamId)));
  }

  async summaries(teams: readonly TeamDoc[]): Promise<FlowSummary[]> {
    const [flows, entries] = await Promise.all([this.all(), this.entryTeamIds()]);
    return teams.map((team) => {
      const flow = flows.get(team.id);
      return { teamId: team.id, name: team.name, entry: entries.has(team.id), active: flow?.active ?? false, triggers: flow?.triggers.length ?? 0 };
    });
  }

  /** Checks the destinations exist and, for an entry team, the > 1 h rule; then replaces the team's flow. */
  async save(teamId: string, body: FlowBody): Promise<Flow> {
    await this.check(teamId, body);
    const now = Date.now();
    const { doc } = await updateDoc<FlowDoc>(this.store, flowIdOf(teamId), (current) => ({
      ...(current && !current._deleted ? current : {}), _id: flowIdOf(teamId), type: 'flow', teamId,
      active: body.active, triggers: body.triggers, updatedAt: Math.max(now, (current?.updatedAt ?? 0) + 1),
    }));
    if (!doc) throw new Error(`flow ${teamId} not written`);
    return flowOf(doc);
  }

  /** The rules a schema cannot see: destinations that exist, and the entry team's first trigger. */
  async check(teamId: string, body: FlowBody): Promise<void> {
    const targets = new Set<string>();
    for (const t of body.triggers) {
      if (t.moveToTeamId) targets.add(t.moveToTeamId);
      for (const o of t.message?.options ?? []) if (o.teamId) targets.add(o.teamId);
    }
    for (const target of targets) if (!(await liveTeam(this.store, target))) throw teamErrors.unknown([target]);
    if (!(await this.entryTeamIds()).has(teamId)) return;
    const problem = entryRuleProblem(body);
    if (problem) throw flowErrors.entryRule(problem.index);
  }

  /** Throws not found for a team that does not exist (the route's path parameter). */
  async team(teamId: string): Promise<TeamDoc> {
    const team = await liveTeam(this.store, teamId);
    if (!team) throw notFound('team');
    return team;
  }
}
