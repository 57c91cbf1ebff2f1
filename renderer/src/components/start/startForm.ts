import { computed, ref, watch, type Ref } from 'vue';
import { checkWhatsAppNumber, formatPhoneNumber, type AgentChannel } from '@atende/protocol';

/**
 * The rules of "Nova conversa" (R-WA-01…04, manual 003): which teams and origin numbers are
 * offered and pre-filled, and whether the destination is good enough to "Criar conversa".
 * Pure, so they are tested without a browser; the dialog only renders them.
 */

export interface TeamOption { id: string; name: string }
export interface OriginOption { id: string; name: string; number: string | null }

/** The agent's teams that have a number to start from, in the order of the agent's teams. */
export function startTeams(
  teamIds: readonly string[],
  channels: readonly AgentChannel[],
  teamName: (id: string) => string | undefined,
): TeamOption[] {
  const startable = new Set(channels.filter((c) => c.canStart).map((c) => c.teamId));
  return teamIds.filter((id) => startable.has(id)).map((id) => ({ id, name: teamName(id) ?? id }));
}

/** The numbers of that team a conversation can start from (WhatsApp today), by name. */
export function startOrigins(channels: readonly AgentChannel[], teamId: string): OriginOption[] {
  return channels
    .filter((c) => c.canStart && c.teamId === teamId)
    .map((c) => ({ id: c.id, name: c.name, number: c.displayPhoneNumber ? formatPhoneNumber(c.displayPhoneNumber) : null }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** What a select shows: the agent's choice while it is still offered, else the only option (pre-filled), else none. */
export function prefill(options: readonly { id: string }[], chosen: string): string {
  if (options.some((o) => o.id === chosen)) return chosen;
  return options.length === 1 ? (options[0]?.id ?? '') : '';
}

/**
 * The destination as typed: `incomplete` (a landline short of 10 digits, R-WA-04) only keeps the
 * button disabled; `invalid` (e.g. a mobile without 11 digits, R-WA-03) also says so under the
 * field. `fixable`: more digits could still make it valid (a mobile being typed), so the message
 * waits until the agent leaves the field instead of flashing at the first digits.
 */
export type DestinationState =
  | { status: 'empty' }
  | { status: 'incomplete' }
  | { status: 'invalid'; fixable: boolean }
  | { status: 'valid'; e164: string };

const MAX_DIGITS = 15;

export function destinationState(input: string): DestinationState {
  if (!input.trim()) return { status: 'empty' };
  const check = checkWhatsAppNumber(input);
  if (check.status === 'valid') return { status: 'valid', e164: check.e164 };
  if (check.status === 'incomplete') return { status: 'incomplete' };
  const typed = input.replace(/\D/g, '').length;
  let fixable = false;
  for (let more = 1; typed + more <= MAX_DIGITS && !fixable; more++) {
    fixable = checkWhatsAppNumber(input + '0'.repeat(more)).status === 'valid';
  }
  return { status: 'invalid', fixable };
}

/** Whether "Número inválido…" shows under the field now. */
export function showsInvalid(state: DestinationState, left: boolean): boolean {
  return state.status === 'invalid' && (left || !state.fixable);
}

/** Why "Criar conversa" is disabled (the first missing thing), or undefined when it can be pressed. */
export type StartBlocker = 'team' | 'origin' | 'destination' | 'offline' | 'busy';

export function startBlocker(form: {
  teamId: string;
  originId: string;
  destination: DestinationState;
  online: boolean;
  busy: boolean;
}): StartBlocker | undefined {
  if (!form.online) return 'offline';
  if (form.busy) return 'busy';
  if (!form.teamId) return 'team';
  if (!form.originId) return 'origin';
  if (form.destination.status !== 'valid') return 'destination';
  return undefined;
}

/**
 * The form's state for the dialog: the team and origin follow what is offered (pre-filled when
 * only one, cleared when the chosen one goes), the destination is checked as it is typed.
 */
export function useStartForm(sources: {
  teamIds: Ref<readonly string[]>;
  channels: Ref<readonly AgentChannel[]>;
  teamName: (id: string) => string | undefined;
  online: Ref<boolean>;
}) {
  const teamId = ref('');
  const originId = ref('');
  const destination = ref('');
  /** The agent left the destination field (or pressed "Criar conversa") since the last reset. */
  const left = ref(false);
  const busy = ref(false);

  const teams = computed(() => startTeams(sources.teamIds.value, sources.channels.value, sources.teamName));
  const origins = computed(() => startOrigins(sources.channels.value, teamId.value));
  watch(teams, (options) => (teamId.value = prefill(options, teamId.value)), { immediate: true, flush: 'sync' });
  watch(origins, (options) => (originId.value = prefill(options, originId.value)), { immediate: true, flush: 'sync' });

  const checked = computed(() => destinationState(destination.value));
  const invalidShown = computed(() => showsInvalid(checked.value, left.value));
  const blocker = computed(() => startBlocker({
    teamId: teamId.value, originId: originId.value, destination: checked.value, online: sources.online.value, busy: busy.value,
  }));

  /** A fresh form (each opening), with the destination given (History: the contact's number). */
  function reset(to = ''): void {
    teamId.value = prefill(teams.value, '');
    originId.value = prefill(origins.value, '');
    destination.value = to;
    left.value = false;
    busy.value = false;
  }

  return { teamId, originId, destination, left, busy, teams, origins, checked, invalidShown, blocker, reset };
}
