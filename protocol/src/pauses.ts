import { z } from 'zod';
import { Id, UserDoc, type UserPause } from './documents.js';
import { DomainError } from './errors.js';
import { ClockTime, localTimeOf } from './hours.js';
import type { PresenceStatus } from './frames.js';

/**
 * Pauses (R-WS-09): the admin defines pause types (name, maximum minutes, an allowed time-of-day
 * window); an agent starts one of them from the top bar and receives no new conversations until
 * it ends. Types are server-only documents (`pausetype:<key>`), read by agents through
 * `GET /api/pause-types`; the pause an agent is in is a copy on their user document.
 */

/** When a pause may start, on the organisation's clock; `to` before `from` crosses midnight (22:00–02:00). The end is exclusive. */
export const PauseWindow = z
  .strictObject({ from: ClockTime, to: ClockTime })
  .refine((w) => w.from !== w.to, { message: 'the window must start and end at different times', path: ['to'] });
export type PauseWindow = z.infer<typeof PauseWindow>;

export const PAUSE_NAME_MAX = 60;
export const PAUSE_MAX_MINUTES = 1440;

const PauseName = z.string().trim().min(1, 'give the pause a name').max(PAUSE_NAME_MAX);
/** null: no maximum. */
const MaxMinutes = z.number().int().min(1).max(PAUSE_MAX_MINUTES).nullable();

export const PAUSE_TYPE_PREFIX = 'pausetype:';

const Millis = z.number().int().nonnegative();

export const PauseType = z.object({
  id: Id,
  name: PauseName,
  maxMinutes: MaxMinutes,
  /** null: allowed at any time of day. */
  window: PauseWindow.nullable(),
  /** Inactive types are kept (pauses under way keep their copy) but offered to nobody. */
  active: z.boolean(),
  createdAt: Millis,
  updatedAt: Millis,
});
export type PauseType = z.infer<typeof PauseType>;

export const CreatePauseTypeBody = z.strictObject({
  name: PauseName,
  maxMinutes: MaxMinutes.default(null),
  window: PauseWindow.nullable().default(null),
  active: z.boolean().default(true),
});
export type CreatePauseTypeBody = z.infer<typeof CreatePauseTypeBody>;

export const UpdatePauseTypeBody = z
  .strictObject({ name: PauseName, maxMinutes: MaxMinutes, window: PauseWindow.nullable(), active: z.boolean() })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' });
export type UpdatePauseTypeBody = z.infer<typeof UpdatePauseTypeBody>;

export const PauseTypesResponse = z.object({ pauseTypes: z.array(PauseType) });

/** What an agent is offered: active types, and whether each may start now (its window). */
export const AgentPauseType = PauseType.pick({ id: true, name: true, maxMinutes: true, window: true }).extend({ allowedNow: z.boolean() });
export type AgentPauseType = z.infer<typeof AgentPauseType>;
export const AgentPauseTypesResponse = z.object({ pauseTypes: z.array(AgentPauseType) });

export const StartPauseBody = z.strictObject({ typeId: Id });
export type StartPauseBody = z.infer<typeof StartPauseBody>;
/** The agent's user document as written, with or without its pause. */
export const PauseResponse = z.object({ user: UserDoc });

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** Minutes since midnight of `at` on the wall clock of `timeZone` (an IANA name). */
export function minutesOfDay(at: number, timeZone: string): number {
  return minutesOf(localTimeOf(timeZone, at).time);
}

/**
 * Whether a pause with this window may start at `at` in the organisation's time zone: from `from`
 * (included) to `to` (excluded); a window whose end comes before its start crosses midnight.
 */
export function pauseAllowedAt(window: PauseWindow | null, at: number, timeZone: string): boolean {
  if (!window) return true;
  const now = minutesOfDay(at, timeZone);
  const from = minutesOf(window.from);
  const to = minutesOf(window.to);
  return from < to ? now >= from && now < to : now >= from || now < to;
}

/** Milliseconds the pause has lasted at `now` (never negative: clocks differ a little). */
export const pauseElapsedMs = (pause: Pick<UserPause, 'since'>, now: number): number => Math.max(0, now - pause.since);

/** When the pause passes its maximum; undefined when it has none. */
export const pauseLimitAt = (pause: Pick<UserPause, 'since' | 'maxMinutes'>): number | undefined =>
  pause.maxMinutes === null ? undefined : pause.since + pause.maxMinutes * 60_000;

/** Whether the pause has gone past its maximum at `now`. */
export function pauseOverLimit(pause: Pick<UserPause, 'since' | 'maxMinutes'>, now: number): boolean {
  const limit = pauseLimitAt(pause);
  return limit !== undefined && now > limit;
}

/**
 * How a colleague's live presence reads with the pause on their user document: paused as soon as
 * the replicated user says so, even before (or without) the presence frame that follows it; an
 * offline colleague stays offline. One rule for the chat's colleagues and the invite dialog.
 */
export function presenceWithPause(live: PresenceStatus, user: Pick<UserDoc, 'pause'>): PresenceStatus {
  return live === 'online' && user.pause ? 'paused' : live;
}

/** The manual's refusal when a paused agent would receive a conversation. */
export const PAUSED_MESSAGE = 'Você está em pausa. Encerre a pausa para receber novas conversas.';

export const pauseErrors = {
  /** The agent themself is paused (a claim, a start). */
  paused: () => new DomainError('conflict', 'paused', PAUSED_MESSAGE),
  /** Someone else would hand a conversation to a paused agent (a transfer). */
  targetPaused: (name: string) =>
    new DomainError('conflict', 'paused', `${name} está em pausa e não pode receber conversas agora. Transfira para a equipe ou para outro agente.`),
  unknownType: () => new DomainError('unprocessable', 'unknown_pause_type', 'Este tipo de pausa não existe ou foi desativado.'),
  outsideWindow: (name: string, window: PauseWindow) =>
    new DomainError('unprocessable', 'pause_outside_window', `A pausa "${name}" só pode ser iniciada entre ${window.from} e ${window.to}.`, { window }),
  alreadyPaused: (name: string) =>
    new DomainError('conflict', 'already_paused', `Você já está na pausa "${name}". Encerre-a antes de iniciar outra.`),
  duplicateName: (name: string) => new DomainError('conflict', 'duplicate_pause_type', `Já existe um tipo de pausa chamado "${name}".`),
} as const;
