import { entryRuleProblem, FlowTrigger, type FlowBody } from '@atende/protocol';

/**
 * The trigger form's fields as typed (R-RT-04), and the trigger they make: checked with the
 * protocol's schema, plus the seed's rule for the entry team's first trigger (> 1 h), so the form
 * says what the server would refuse, next to the field.
 */
export interface TriggerForm {
  id: string;
  name: string;
  active: boolean;
  /** '': no condition on the time without interaction. */
  hoursOp: '' | '>' | '<';
  hours: string;
  keywords: string;
  firstOfTeam: boolean;
  sendMessage: boolean;
  text: string;
  options: Array<{ label: string; teamId: string }>;
  /** '': stays in the team. */
  moveToTeamId: string;
}

export type TriggerProblem = 'name' | 'hours' | 'entryRule' | 'action' | 'text' | 'options';

const newTriggerId = () => `g${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export function emptyTriggerForm(): TriggerForm {
  return {
    id: newTriggerId(), name: '', active: true, hoursOp: '', hours: '', keywords: '', firstOfTeam: false,
    sendMessage: true, text: '', options: [], moveToTeamId: '',
  };
}

export function triggerFormOf(t: FlowTrigger): TriggerForm {
  return {
    id: t.id, name: t.name, active: t.active, hoursOp: t.conditions.hours?.op ?? '', hours: t.conditions.hours ? String(t.conditions.hours.hours) : '',
    keywords: t.conditions.keywords, firstOfTeam: t.conditions.firstOfTeam, sendMessage: t.message !== null, text: t.message?.text ?? '',
    options: (t.message?.options ?? []).map((o) => ({ label: o.label, teamId: o.teamId ?? '' })), moveToTeamId: t.moveToTeamId ?? '',
  };
}

/** The trigger, or the fields that keep it from being one; `flowWith` places it in the flow for the entry rule. */
export function triggerOf(
  form: TriggerForm,
  flowWith: (trigger: FlowTrigger) => Pick<FlowBody, 'active' | 'triggers'>,
  entry: boolean,
): { trigger: FlowTrigger } | { problems: TriggerProblem[] } {
  const problems: TriggerProblem[] = [];
  const hours = form.hours.trim() === '' ? NaN : Number(form.hours.replace(',', '.'));
  if (!form.name.trim()) problems.push('name');
  if (form.hoursOp !== '' && !(hours >= 0)) problems.push('hours');
  if (!form.sendMessage && !form.moveToTeamId) problems.push('action');
  if (form.sendMessage && !form.text.trim()) problems.push('text');
  if (form.sendMessage && form.options.some((o) => !o.label.trim())) problems.push('options');
  const conditions = { hours: form.hoursOp === '' || !(hours >= 0) ? null : { op: form.hoursOp, hours }, keywords: form.keywords, firstOfTeam: form.firstOfTeam };
  // The entry rule reads only the conditions: said as soon as they break it, whatever else is missing.
  const candidate = { id: form.id, name: form.name, active: form.active, conditions, message: null, moveToTeamId: null } as FlowTrigger;
  if (entry && entryRuleProblem(flowWith(candidate))) problems.push('entryRule');
  const parsed = FlowTrigger.safeParse({
    id: form.id, name: form.name, active: form.active,
    conditions,
    message: form.sendMessage ? { text: form.text, options: form.options.map((o) => ({ label: o.label, teamId: o.teamId || null })) } : null,
    moveToTeamId: form.moveToTeamId || null,
  });
  if (problems.length > 0 || !parsed.success) return { problems: problems.length > 0 ? problems : ['name'] };
  return { trigger: parsed.data };
}

/** "> 1 h", "< 23 h": the condition as the list shows it. */
export const hoursText = (t: FlowTrigger): string | undefined =>
  t.conditions.hours ? `${t.conditions.hours.op} ${t.conditions.hours.hours} h` : undefined;
