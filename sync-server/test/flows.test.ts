import { describe, expect, it } from 'vitest';
import {
  EntryFlowBody, entryRuleProblem, evaluateFlow, FLOW_ENTRY_RULE_MESSAGE, FLOW_NOT_UNDERSTOOD, FlowBody, matchesKeywords, menuText,
  normalizeText, runFlows, type FlowTriggerInput,
} from '@atende/protocol';

/**
 * R-RT-04 (seed 004, "Gatilhos Conversas"): the pure evaluation of chatbot flows — ordered
 * triggers, conditions (time without interaction with an injected clock, keywords without accents
 * or case, first trigger of a team), menus whose options lead to teams, moves between flows.
 */
const NOW = Date.UTC(2026, 10, 29, 12, 0);
const MINUTE = 60_000;

const trigger = (t: Partial<FlowTriggerInput> & { id: string }): FlowTriggerInput => ({ name: t.id, ...t });
const flow = (triggers: FlowTriggerInput[], active = true) => FlowBody.parse({ active, triggers });

const entry = flow([
  trigger({
    id: 'boas-vindas', conditions: { hours: { op: '>', hours: 1 } },
    message: { text: 'Olá! Escolha:', options: [{ label: 'Suporte', teamId: 'team:suporte' }, { label: 'Comercial', teamId: 'team:comercial' }] },
  }),
  trigger({ id: 'comercial', conditions: { hours: { op: '<', hours: 23 }, keywords: 'comercial, orçamento, preço' }, moveToTeamId: 'team:comercial' }),
  trigger({ id: 'tudo', conditions: { keywords: 'atendente' }, message: { text: 'Um momento.' }, moveToTeamId: 'team:suporte' }),
]);
const comercial = flow([
  trigger({ id: 'menu-comercial', conditions: { firstOfTeam: true }, message: { text: 'Comercial: escolha', options: [{ label: 'Atendimento' }] } }),
  trigger({ id: 'atendimento', conditions: { keywords: 'Atendimento' }, message: { text: 'Já vai!' }, moveToTeamId: 'team:comercial' }),
]);

describe('R-RT-04 flows: conditions', () => {
  it('R-RT-04 accents and case are ignored; a keyword matches a whole word or phrase only', () => {
    expect(normalizeText('  Orçamento, JÁ!  ')).toBe('orcamento ja');
    expect(matchesKeywords('Quero um ORÇAMENTO por favor', 'comercial, orcamento')).toBe(true);
    expect(matchesKeywords('falar com o setor comercial', 'Setor Comercial')).toBe(true);
    expect(matchesKeywords('comerciais', 'comercial')).toBe(false);
    expect(matchesKeywords('qualquer coisa', ' , ')).toBe(false);
  });

  it('R-RT-04 "more than 1 hour without interaction" with an injected clock: 61 min fires, 59 min does not', () => {
    const input = { text: 'oi', isFirst: true, now: NOW };
    const after61 = evaluateFlow(entry, { ...input, lastInteractionAt: NOW - 61 * MINUTE });
    expect(after61).toMatchObject({ kind: 'trigger', trigger: { id: 'boas-vindas' } });
    expect(evaluateFlow(entry, { ...input, lastInteractionAt: NOW - 59 * MINUTE })).toEqual({ kind: 'none' });
    // A customer the company never wrote to has waited forever.
    expect(evaluateFlow(entry, { ...input, lastInteractionAt: null })).toMatchObject({ trigger: { id: 'boas-vindas' } });
  });

  it('R-RT-04 "less than 23 hours" with a keyword: the reply within the day moves to the team', () => {
    const reply = { isFirst: false, now: NOW, lastInteractionAt: NOW - 5 * MINUTE };
    expect(evaluateFlow(entry, { ...reply, text: 'Preço' })).toMatchObject({ kind: 'trigger', trigger: { id: 'comercial', moveToTeamId: 'team:comercial' } });
    expect(evaluateFlow(entry, { ...reply, text: 'preço', lastInteractionAt: NOW - 24 * 60 * MINUTE })).toMatchObject({ trigger: { id: 'boas-vindas' } });
  });

  it('R-RT-04 triggers are tried in order; the first whose conditions all hold fires; inactive ones never do', () => {
    const both = flow([
      trigger({ id: 'a', conditions: { keywords: 'ajuda' }, message: { text: 'A' } }),
      trigger({ id: 'b', conditions: { keywords: 'ajuda' }, message: { text: 'B' } }),
    ]);
    const input = { text: 'preciso de ajuda', isFirst: false, now: NOW, hoursWithoutAgent: 0 };
    expect(evaluateFlow(both, input)).toMatchObject({ index: 0, trigger: { id: 'a' } });
    const reordered = flow([{ ...both.triggers[1]! }, { ...both.triggers[0]! }]);
    expect(evaluateFlow(reordered, input)).toMatchObject({ index: 0, trigger: { id: 'b' } });
    const off = flow([{ ...both.triggers[0]!, active: false }, { ...both.triggers[1]! }]);
    expect(evaluateFlow(off, input)).toMatchObject({ index: 1, trigger: { id: 'b' } });
    expect(evaluateFlow(flow(both.triggers, false), input)).toEqual({ kind: 'none' });
  });

  it('R-RT-04 "first trigger of a team" fires only on the first message there', () => {
    const input = { text: 'oi', now: NOW, hoursWithoutAgent: 0 };
    expect(evaluateFlow(comercial, { ...input, isFirst: true })).toMatchObject({ trigger: { id: 'menu-comercial' } });
    expect(evaluateFlow(comercial, { ...input, isFirst: false })).toEqual({ kind: 'none' });
  });

  it('R-RT-04 a menu shows numbered options; "2" or the label chooses the option and its team', () => {
    const last = entry.triggers[0]!.message!;
    expect(menuText(last)).toBe('Olá! Escolha:\n\n1 - Suporte\n2 - Comercial');
    const reply = { isFirst: false, now: NOW, hoursWithoutAgent: 0.1, lastMessage: last };
    expect(evaluateFlow(entry, { ...reply, text: ' 2. ' })).toMatchObject({ kind: 'option', index: 1, option: { teamId: 'team:comercial' } });
    expect(evaluateFlow(entry, { ...reply, text: 'quero SUPORTE' })).toMatchObject({ kind: 'option', option: { teamId: 'team:suporte' } });
    expect(evaluateFlow(entry, { ...reply, text: '7' })).toEqual({ kind: 'none' });
  });
});

describe('R-RT-04 flows: the entry team rule', () => {
  it('R-RT-04 the entry team\'s first active trigger needs "> 1 h"; the schema says so on that trigger', () => {
    expect(entryRuleProblem(entry)).toBeUndefined();
    const wrong = flow([trigger({ id: 'x', conditions: { hours: { op: '<', hours: 23 } }, message: { text: 'Oi' } })]);
    expect(entryRuleProblem(wrong)).toEqual({ index: 0, message: FLOW_ENTRY_RULE_MESSAGE });
    const tooShort = flow([trigger({ id: 'x', conditions: { hours: { op: '>', hours: 0.5 } }, message: { text: 'Oi' } })]);
    expect(entryRuleProblem(tooShort)?.index).toBe(0);
    const firstOff = flow([{ ...entry.triggers[1]!, active: false }, ...wrong.triggers.map((t) => ({ ...t, id: 'y' }))]);
    expect(entryRuleProblem(firstOff)?.index).toBe(1);
    expect(entryRuleProblem(flow(wrong.triggers, false))).toBeUndefined();
    const parsed = EntryFlowBody.safeParse(wrong);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ message: FLOW_ENTRY_RULE_MESSAGE, path: ['triggers', 0, 'conditions', 'hours'] });
  });

  it('R-RT-04 a trigger needs an action', () => {
    expect(FlowBody.safeParse({ active: true, triggers: [{ id: 'a', name: 'A' }] }).success).toBe(false);
  });
});

describe('R-RT-04 flows: a run across teams', () => {
  const flows = new Map([['team:suporte', entry], ['team:comercial', comercial]]);
  const flowOf = (id: string) => flows.get(id);

  it('R-RT-04 the first message gets the menu and stays with the bot', () => {
    const run = runFlows(flowOf, 'team:suporte', { text: 'oi', isFirst: true, now: NOW, lastInteractionAt: null });
    expect(run).toMatchObject({ outcome: { kind: 'bot', teamId: 'team:suporte' }, matched: true, lastMessage: { text: 'Olá! Escolha:' } });
    expect(run.steps.map((s) => s.message)).toEqual(['Olá! Escolha:\n\n1 - Suporte\n2 - Comercial']);
  });

  it('R-RT-04 "2" enters Comercial\'s flow, whose first trigger answers; a team without a flow takes it in its queue', () => {
    const lastMessage = entry.triggers[0]!.message!;
    const run = runFlows(flowOf, 'team:suporte', { text: '2', isFirst: false, now: NOW, hoursWithoutAgent: 0, lastMessage });
    expect(run.outcome).toEqual({ kind: 'bot', teamId: 'team:comercial' });
    expect(run.steps.map((s) => [s.teamId, s.option ?? s.triggerId])).toEqual([['team:suporte', 'Comercial'], ['team:comercial', 'menu-comercial']]);
    const one = runFlows(flowOf, 'team:suporte', { text: '1', isFirst: false, now: NOW, hoursWithoutAgent: 0, lastMessage });
    expect(one.outcome).toEqual({ kind: 'queue', teamId: 'team:suporte' });
    const queued = runFlows(flowOf, 'team:comercial', { text: 'atendimento', isFirst: false, now: NOW, hoursWithoutAgent: 0 });
    expect(queued).toMatchObject({ outcome: { kind: 'queue', teamId: 'team:comercial' }, steps: [{ message: 'Já vai!' }] });
  });

  it('R-RT-04 not understood: the menu again, then a person (the team\'s queue) after the second miss', () => {
    const lastMessage = entry.triggers[0]!.message!;
    const input = { text: 'hein?', isFirst: false, now: NOW, hoursWithoutAgent: 0, lastMessage };
    const first = runFlows(flowOf, 'team:suporte', input);
    expect(first).toMatchObject({ outcome: { kind: 'bot' }, matched: false, misses: 1, lastMessage });
    expect(first.steps[0]?.message).toBe(`${FLOW_NOT_UNDERSTOOD}\n\n${menuText(lastMessage)}`);
    expect(runFlows(flowOf, 'team:suporte', { ...input, misses: 1 }).outcome).toEqual({ kind: 'queue', teamId: 'team:suporte' });
    // Nothing to greet a customer who wrote within the hour with: straight to a person.
    expect(runFlows(flowOf, 'team:suporte', { text: 'oi', isFirst: true, now: NOW, hoursWithoutAgent: 0.2 }).outcome).toEqual({ kind: 'queue', teamId: 'team:suporte' });
  });

  it('R-RT-04 a loop of moves between flows ends in a queue', () => {
    const ping = flow([trigger({ id: 'p', conditions: { firstOfTeam: true }, moveToTeamId: 'team:b' })]);
    const pong = flow([trigger({ id: 'q', conditions: { firstOfTeam: true }, moveToTeamId: 'team:a' })]);
    const loop = new Map([['team:a', ping], ['team:b', pong]]);
    const run = runFlows((id) => loop.get(id), 'team:a', { text: 'x', isFirst: true, now: NOW, hoursWithoutAgent: 2 });
    expect(run.outcome.kind).toBe('queue');
    expect(run.steps.length).toBeLessThanOrEqual(5);
  });
});
