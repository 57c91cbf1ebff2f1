import {
  byName, DomainError, flowErrors, mayAdministerTeam, mayReleaseFromBot, notFound, otherTeamError, oversees, runFlows, teamErrors,
  type ConversationDoc, type FlowBody, type FlowResponse, type FlowSummary, type FlowTestBody, type FlowTestResponse,
  type ReleaseFromBotBody, type TeamDoc, type UserDoc,
} from '@atende/protocol';
import { visibleConversation } from '../access/conversations.js';
import { liveTeam, liveTeams } from '../access/teams.js';
import type { DocStore } from '../store/index.js';
import { testRun, type Bot } from './bot.js';
import type { Flows } from './flows.js';

/**
 * The chatbot flows' use cases (R-RT-04): admins edit every team's flow, supervisors their own
 * teams' (a team they do not hold reads as missing); "Testar" runs a text through the flows and
 * sends nothing; supervisors and admins release a contact stuck in a bot.
 */
export class FlowService {
  constructor(private readonly store: DocStore, private readonly flows: Flows, private readonly bot: Bot) {}

  async list(user: UserDoc): Promise<FlowSummary[]> {
    const teams = (await liveTeams(this.store)).filter((t) => mayAdministerTeam(user, t.id)).sort(byName);
    return this.flows.summaries(teams);
  }

  async get(user: UserDoc, teamId: string): Promise<FlowResponse> {
    await this.administered(user, teamId);
    const [flow, entries] = await Promise.all([this.flows.get(teamId), this.flows.entryTeamIds()]);
    return { flow, entry: entries.has(teamId) };
  }

  async save(user: UserDoc, teamId: string, body: FlowBody): Promise<FlowResponse> {
    await this.administered(user, teamId);
    const flow = await this.flows.save(teamId, body);
    return { flow, entry: (await this.flows.entryTeamIds()).has(teamId) };
  }

  /** What the bot would answer and where the conversation would go; nothing is written or sent. */
  async test(user: UserDoc, teamId: string, body: FlowTestBody): Promise<FlowTestResponse> {
    await this.administered(user, teamId);
    if (body.flow) await this.flows.check(teamId, body.flow);
    const flows = await this.flows.all();
    const flowOf = testRun(flows, teamId, body.flow);
    const after = body.afterTriggerId === undefined ? undefined : flowOf(teamId)?.triggers.find((t) => t.id === body.afterTriggerId);
    if (body.afterTriggerId !== undefined && !after?.message) {
      throw new DomainError('unprocessable', 'unknown_trigger', 'Esse gatilho não existe ou não envia mensagem.');
    }
    const run = runFlows(flowOf, teamId, {
      text: body.text,
      hoursWithoutAgent: body.hoursWithoutAgent,
      isFirst: after === undefined && body.hoursWithoutAgent === undefined,
      now: Date.now(),
      lastMessage: after?.message ?? null,
    });
    return { steps: run.steps, outcome: run.outcome, matched: run.matched };
  }

  /** R-RT-04, R-SV-04: a supervisor (of the conversation's team) or admin hands a conversation with the bot to a team's queue (its own team by default). */
  async release(user: UserDoc, conversationId: string, body: ReleaseFromBotBody): Promise<ConversationDoc> {
    const c = await visibleConversation(this.store, user, conversationId);
    if (user.role === 'agent') throw flowErrors.releaseForbidden();
    // Supervisors watch every team but act on their own (issue 16); the hand-off records who released.
    if (!oversees(user, c.teamId)) throw otherTeamError();
    if (!mayReleaseFromBot(user, c)) throw flowErrors.notInBot();
    const toTeamId = body.toTeamId ?? c.teamId;
    if (!(await liveTeam(this.store, toTeamId))) throw teamErrors.unknown([toTeamId]);
    const handed = await this.bot.handOff(c.id, toTeamId, user.id);
    if (!handed) throw flowErrors.notInBot();
    return handed;
  }

  /** A team the user administers; any other reads as missing, as elsewhere in the admin area. */
  private async administered(user: UserDoc, teamId: string): Promise<TeamDoc> {
    if (!mayAdministerTeam(user, teamId)) throw notFound('team');
    return this.flows.team(teamId);
  }
}
