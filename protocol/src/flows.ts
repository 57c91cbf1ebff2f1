import { z } from 'zod';
import { ConversationDoc, Id } from './documents.js';
import { DomainError } from './errors.js';
import { endpoint } from './endpoint.js';

/**
 * Chatbot flows (R-RT-04, seed 004 "Gatilhos Conversas"): each team has one flow, an ordered list
 * of triggers. A trigger fires when all its conditions hold — the current team is the flow's own
 * (implicit), the time without interaction compared with N hours, the customer's reply holding
 * one of its comma-separated keywords, "first trigger of the team" — and then sends a message
 * (optionally a numbered menu whose options lead to teams) and/or moves the conversation to a
 * team. The evaluation is pure (flowRun.ts) so the server's runtime, its "Testar" route and the
 * admin form's checks agree.
 */

export const FLOW_TRIGGERS_MAX = 50;
export const FLOW_OPTIONS_MAX = 9;
export const FLOW_NAME_MAX = 80;
export const FLOW_TEXT_MAX = 2000;
export const FLOW_KEYWORDS_MAX = 500;
export const FLOW_HOURS_MAX = 8760;
/** The seed's rule: the entry team's first trigger needs "more than 1 hour without interaction". */
export const FLOW_ENTRY_MIN_HOURS = 1;
export const FLOW_ENTRY_RULE_MESSAGE =
  'O primeiro gatilho da equipe de entrada precisa da condição "Tempo sem interação maior que 1 hora".';

export const FLOW_PREFIX = 'flow:';

export const HoursCondition = z.strictObject({
  op: z.enum(['>', '<']),
  hours: z.number().min(0, 'hours cannot be negative').max(FLOW_HOURS_MAX, `at most ${FLOW_HOURS_MAX} hours`),
});
export type HoursCondition = z.infer<typeof HoursCondition>;

export const FlowConditions = z.strictObject({
  /** null: any time without interaction. */
  hours: HoursCondition.nullable().default(null),
  /** Comma-separated words or phrases; empty: any reply. */
  keywords: z.string().trim().max(FLOW_KEYWORDS_MAX).default(''),
  /** Fires only as the conversation enters the team (its first message there). */
  firstOfTeam: z.boolean().default(false),
});
export type FlowConditions = z.infer<typeof FlowConditions>;

export const MenuOption = z.strictObject({
  label: z.string().trim().min(1, 'give the option a label').max(FLOW_NAME_MAX),
  /** The team a customer choosing it is moved to; null: the option only answers through keywords. */
  teamId: Id.nullable().default(null),
});
export type MenuOption = z.infer<typeof MenuOption>;

export const BotMessage = z.strictObject({
  text: z.string().trim().min(1, 'write the message').max(FLOW_TEXT_MAX),
  options: z.array(MenuOption).max(FLOW_OPTIONS_MAX, `at most ${FLOW_OPTIONS_MAX} options`).default([]),
});
export type BotMessage = z.infer<typeof BotMessage>;

export const FlowTrigger = z
  .strictObject({
    /** Stable within the flow (the form makes it); names the trigger in tests and in the bot's state. */
    id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'malformed trigger id'),
    name: z.string().trim().min(1, 'give the trigger a description').max(FLOW_NAME_MAX),
    active: z.boolean().default(true),
    conditions: FlowConditions.default({ hours: null, keywords: '', firstOfTeam: false }),
    message: BotMessage.nullable().default(null),
    moveToTeamId: Id.nullable().default(null),
  })
  .refine((t) => t.message !== null || t.moveToTeamId !== null, {
    message: 'choose an action: send a message or move to a team', path: ['message'],
  });
export type FlowTrigger = z.infer<typeof FlowTrigger>;
export type FlowTriggerInput = z.input<typeof FlowTrigger>;

const Triggers = z
  .array(FlowTrigger)
  .max(FLOW_TRIGGERS_MAX, `at most ${FLOW_TRIGGERS_MAX} triggers`)
  .refine((ts) => new Set(ts.map((t) => t.id)).size === ts.length, { message: 'two triggers share one id' });

export const FlowBody = z.strictObject({ active: z.boolean(), triggers: Triggers });
export type FlowBody = z.infer<typeof FlowBody>;

/** The trigger that opens the flow: the first active one. */
export const firstActiveIndex = (triggers: readonly Pick<FlowTrigger, 'active'>[]): number => triggers.findIndex((t) => t.active);

/**
 * Where the entry team's flow breaks the seed's rule, or undefined: its first active trigger must
 * hold "more than N hours without interaction" with N ≥ 1, so it never answers a customer who is
 * still talking to someone. An inactive or empty flow sends nothing and breaks nothing.
 */
export function entryRuleProblem(flow: Pick<FlowBody, 'active' | 'triggers'>): { index: number; message: string } | undefined {
  if (!flow.active) return undefined;
  const index = firstActiveIndex(flow.triggers);
  const first = flow.triggers[index];
  if (!first) return undefined;
  const hours = first.conditions.hours;
  const ok = hours !== null && hours.op === '>' && hours.hours >= FLOW_ENTRY_MIN_HOURS;
  return ok ? undefined : { index, message: FLOW_ENTRY_RULE_MESSAGE };
}

/** The body of an entry team's flow (a team some channel enters): the > 1 h rule on top. */
export const EntryFlowBody = FlowBody.superRefine((flow, ctx) => {
  const problem = entryRuleProblem(flow);
  if (problem) ctx.addIssue({ code: 'custom', message: problem.message, path: ['triggers', problem.index, 'conditions', 'hours'] });
});

export const Flow = FlowBody.extend({ teamId: Id, updatedAt: z.number().int().nonnegative() });
export type Flow = z.infer<typeof Flow>;

export const FlowResponse = z.object({
  flow: Flow,
  /** A channel enters this team: the > 1 h rule applies. */
  entry: z.boolean(),
});
export type FlowResponse = z.infer<typeof FlowResponse>;

export const FlowSummary = z.object({
  teamId: Id, name: z.string(), entry: z.boolean(), active: z.boolean(), triggers: z.number().int().nonnegative(),
});
export type FlowSummary = z.infer<typeof FlowSummary>;
export const FlowsResponse = z.object({ flows: z.array(FlowSummary) });

export const FlowTestBody = z.strictObject({
  text: z.string().max(FLOW_TEXT_MAX),
  /** Hours since the company last wrote to the customer; absent: never (a new customer, their first message). */
  hoursWithoutAgent: z.number().min(0).max(1_000_000).optional(),
  /** Run the reply as if this trigger's menu was the last thing the bot sent. */
  afterTriggerId: z.string().max(40).optional(),
  /** The form's unsaved flow for this team; absent: the saved one. */
  flow: FlowBody.optional(),
});
export type FlowTestBody = z.infer<typeof FlowTestBody>;

export const FlowStep = z.object({
  teamId: Id,
  triggerId: z.string().nullable(),
  triggerName: z.string().nullable(),
  /** The option of the last menu the reply chose, when it did. */
  option: z.string().nullable(),
  /** What the bot sends, the menu's options written out as numbered lines. */
  message: z.string().nullable(),
});
export type FlowStep = z.infer<typeof FlowStep>;

export const FlowOutcome = z.discriminatedUnion('kind', [
  /** Stays with the bot in this team, waiting for the customer's next reply. */
  z.object({ kind: z.literal('bot'), teamId: Id }),
  /** Handed off to this team's queue (waiting for an agent). */
  z.object({ kind: z.literal('queue'), teamId: Id }),
]);
export type FlowOutcome = z.infer<typeof FlowOutcome>;

export const FlowTestResponse = z.object({ steps: z.array(FlowStep), outcome: FlowOutcome, matched: z.boolean() });
export type FlowTestResponse = z.infer<typeof FlowTestResponse>;

export const ReleaseFromBotBody = z.strictObject({ toTeamId: Id.optional() });
export type ReleaseFromBotBody = z.infer<typeof ReleaseFromBotBody>;

/** Supervisors and admins release a contact stuck in a bot to a team's queue (R-RT-04). */
export const mayReleaseFromBot = (actor: { role: string }, c: Pick<ConversationDoc, 'status'>): boolean =>
  actor.role !== 'agent' && c.status === 'bot';

export const flowErrors = {
  entryRule: (index: number) => new DomainError('unprocessable', 'flow_entry_rule', FLOW_ENTRY_RULE_MESSAGE, { index }),
  notInBot: () => new DomainError('conflict', 'not_bot', 'Esta conversa não está mais no bot.'),
  releaseForbidden: () => new DomainError('forbidden', 'forbidden', 'Só supervisores e administradores liberam contatos do bot.'),
} as const;

export const FLOWS_API = {
  adminFlows: endpoint({ method: 'GET', path: '/api/admin/flows', auth: 'user', response: FlowsResponse }),
  adminFlow: endpoint({ method: 'GET', path: '/api/admin/flows/:teamId', auth: 'user', response: FlowResponse }),
  adminSaveFlow: endpoint({ method: 'PUT', path: '/api/admin/flows/:teamId', auth: 'user', body: FlowBody, response: FlowResponse }),
  adminTestFlow: endpoint({ method: 'POST', path: '/api/admin/flows/:teamId/test', auth: 'user', body: FlowTestBody, response: FlowTestResponse }),
  releaseFromBot: endpoint({ method: 'POST', path: '/api/conversations/:id/release', auth: 'user', body: ReleaseFromBotBody, response: ConversationDoc }),
} as const;

export * from './flowRun.js';
