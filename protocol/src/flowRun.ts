import type { BotMessage, FlowBody, FlowOutcome, FlowStep, FlowTrigger, HoursCondition, MenuOption } from './flows.js';

/**
 * The pure evaluation of chatbot flows (R-RT-04): which trigger fires for a customer's message,
 * and where a run of them leaves the conversation. No clock and no store: the caller hands in
 * `now` and what it knows of the conversation, so the runtime, the "Testar" route and the tests
 * decide alike.
 */

/** Accents and case ignored (seed 004): NFD, combining marks stripped, lower-case; punctuation reads as a space. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The keywords of a comma-separated list, normalised; blanks dropped. */
export const keywordsOf = (list: string): string[] => list.split(',').map(normalizeText).filter((k) => k !== '');

/** A keyword matches a whole word or phrase of the text ("suporte" in "quero suporte", never in "suportes"). */
export function matchesKeyword(text: string, keyword: string): boolean {
  const k = normalizeText(keyword);
  return k !== '' && ` ${normalizeText(text)} `.includes(` ${k} `);
}

export const matchesKeywords = (text: string, list: string): boolean => keywordsOf(list).some((k) => matchesKeyword(text, k));

/** What the customer reads: the text, then the options as numbered lines. */
export function menuText(message: Pick<BotMessage, 'text' | 'options'>): string {
  const lines = message.options.map((o, i) => `${i + 1} - ${o.label}`);
  return lines.length === 0 ? message.text : `${message.text}\n\n${lines.join('\n')}`;
}

/** The option a reply chooses: its number alone ("2", "2."), or its label as a phrase of the reply. */
export function chosenOption(text: string, options: readonly Pick<MenuOption, 'label'>[]): number | undefined {
  const reply = normalizeText(text);
  const byNumber = /^\d+$/.test(reply) ? Number(reply) - 1 : -1;
  if (options[byNumber]) return byNumber;
  const byLabel = options.findIndex((o) => matchesKeyword(reply, o.label));
  return byLabel >= 0 ? byLabel : undefined;
}

export interface FlowInput {
  text: string;
  /** Hours since the company last wrote to the customer; wins over `lastInteractionAt`. */
  hoursWithoutAgent?: number | undefined;
  /** When the company last wrote to the customer; null: never. */
  lastInteractionAt?: number | null | undefined;
  /** The conversation's first message in this team (it opened here, or just entered). */
  isFirst: boolean;
  now: number;
  /** The last message the bot sent in this team: its menu's options may be chosen. */
  lastMessage?: BotMessage | null | undefined;
  /** Replies in a row the bot did not understand. */
  misses?: number | undefined;
}

/** Hours without interaction; a customer the company never wrote to has waited forever. */
export function hoursWithout(input: Pick<FlowInput, 'hoursWithoutAgent' | 'lastInteractionAt' | 'now'>): number {
  if (input.hoursWithoutAgent !== undefined) return input.hoursWithoutAgent;
  const last = input.lastInteractionAt ?? null;
  return last === null ? Number.POSITIVE_INFINITY : Math.max(0, input.now - last) / 3_600_000;
}

const holdsHours = (c: HoursCondition | null, hours: number) => c === null || (c.op === '>' ? hours > c.hours : hours < c.hours);

/** Whether every condition of the trigger holds (the team is implicit: the flow is the team's). */
export function triggerHolds(trigger: FlowTrigger, input: FlowInput): boolean {
  const { hours, keywords, firstOfTeam } = trigger.conditions;
  if (!trigger.active) return false;
  if (firstOfTeam && !input.isFirst) return false;
  if (!holdsHours(hours, hoursWithout(input))) return false;
  return keywords.trim() === '' || matchesKeywords(input.text, keywords);
}

export type FlowDecision =
  | { kind: 'option'; index: number; option: MenuOption }
  | { kind: 'trigger'; index: number; trigger: FlowTrigger }
  | { kind: 'none' };

/**
 * What one message does in one team's flow: a choice of the last menu's options that leads to a
 * team comes first; otherwise the first trigger, in order, whose conditions all hold.
 */
export function evaluateFlow(flow: Pick<FlowBody, 'active' | 'triggers'>, input: FlowInput): FlowDecision {
  if (!flow.active) return { kind: 'none' };
  const options = input.lastMessage?.options ?? [];
  const chosen = input.isFirst ? undefined : chosenOption(input.text, options);
  const option = chosen === undefined ? undefined : options[chosen];
  if (chosen !== undefined && option?.teamId) return { kind: 'option', index: chosen, option };
  const index = flow.triggers.findIndex((t) => triggerHolds(t, input));
  const trigger = flow.triggers[index];
  return trigger ? { kind: 'trigger', index, trigger } : { kind: 'none' };
}

/** Replies in a row the bot may not understand before a person takes over (the entry queue of its team). */
export const FLOW_MAX_MISSES = 2;
/** Moves between teams' flows one message may cause: a loop of moves ends in the last team's queue. */
export const FLOW_MAX_MOVES = 5;
export const FLOW_NOT_UNDERSTOOD = 'Não entendi sua resposta. Escolha uma das opções:';

export interface FlowRun {
  steps: FlowStep[];
  outcome: FlowOutcome;
  /** A trigger or an option answered the message. */
  matched: boolean;
  /** The newest message the bot sends in this run (its menu answers the next reply); null: none. */
  lastMessage: BotMessage | null;
  /** Replies in a row not understood, after this one. */
  misses: number;
}

const step = (teamId: string, fields: Partial<FlowStep>): FlowStep => ({
  teamId, triggerId: null, triggerName: null, option: null, message: null, ...fields,
});

/**
 * Runs a customer's message through the flow of the conversation's team, following moves into
 * other teams' flows (whose "first trigger" then answers). Not understood: on the first message
 * (nothing to greet with) or after FLOW_MAX_MISSES replies in a row, the team's queue; otherwise
 * the bot says so and repeats its last menu.
 */
export function runFlows(flowOf: (teamId: string) => Pick<FlowBody, 'active' | 'triggers'> | undefined, teamId: string, input: FlowInput): FlowRun {
  const steps: FlowStep[] = [];
  let team = teamId;
  let current = input;
  let lastMessage: BotMessage | null = null;
  const done = (outcome: FlowOutcome, matched: boolean, misses = 0): FlowRun => ({ steps, outcome, matched, lastMessage, misses });
  for (let moves = 0; ; moves++) {
    const flow = flowOf(team);
    if (!flow?.active) return done({ kind: 'queue', teamId: team }, moves > 0);
    const decision = evaluateFlow(flow, current);
    if (decision.kind === 'none') {
      if (moves > 0) return done({ kind: 'queue', teamId: team }, true);
      const misses = (input.misses ?? 0) + 1;
      const again = input.lastMessage;
      if (input.isFirst || !again || misses >= FLOW_MAX_MISSES) return done({ kind: 'queue', teamId: team }, false, misses);
      lastMessage = again;
      steps.push(step(team, { message: `${FLOW_NOT_UNDERSTOOD}\n\n${menuText(again)}` }));
      return done({ kind: 'bot', teamId: team }, false, misses);
    }
    let target: string | null;
    if (decision.kind === 'option') {
      steps.push(step(team, { option: decision.option.label }));
      target = decision.option.teamId;
    } else {
      const { trigger } = decision;
      steps.push(step(team, { triggerId: trigger.id, triggerName: trigger.name, message: trigger.message ? menuText(trigger.message) : null }));
      if (trigger.message) lastMessage = trigger.message;
      target = trigger.moveToTeamId;
    }
    if (target === null) return done({ kind: 'bot', teamId: team }, true);
    const entersFlow = target !== team && flowOf(target)?.active === true && moves + 1 < FLOW_MAX_MOVES;
    if (!entersFlow) return done({ kind: 'queue', teamId: target }, true);
    team = target;
    current = { ...input, isFirst: true, lastMessage: null };
  }
}
