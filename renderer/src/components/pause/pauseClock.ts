import { onScopeDispose, readonly, ref, type Ref } from 'vue';
import { pauseElapsedMs, pauseOverLimit, type AgentPauseType, type UserDoc, type UserPause } from '@atende/protocol';

/**
 * What the pause screens compute (R-WS-09), pure so they are tested without a browser: the
 * elapsed time as the agent and the supervisors read it, whether the maximum is passed, and the
 * freshest copy of a user among those a window holds.
 */

/** A clock that ticks every `intervalMs` while the component (or scope) that asked lives. */
export function useNow(intervalMs = 1_000): Readonly<Ref<number>> {
  const now = ref(Date.now());
  const timer = setInterval(() => {
    now.value = Date.now();
  }, intervalMs);
  onScopeDispose(() => clearInterval(timer));
  return readonly(now);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `mm:ss` under an hour, `h:mm:ss` from then on. */
export function formatElapsed(ms: number): string {
  const total = Math.floor(Math.max(0, ms) / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${pad(minutes)}:${pad(seconds)}`;
}

export interface PauseClock {
  elapsed: string;
  over: boolean;
}

export function pauseClock(pause: Pick<UserPause, 'since' | 'maxMinutes'>, now: number): PauseClock {
  return { elapsed: formatElapsed(pauseElapsedMs(pause, now)), over: pauseOverLimit(pause, now) };
}

/**
 * The same user reaches a window three ways (the replica, the session frame, the answer to its own
 * command): the one written last is the truth, so a pause shows at once and never comes back.
 */
export function freshest(...users: Array<Pick<UserDoc, 'updatedAt' | 'pause'> | undefined>): Pick<UserDoc, 'updatedAt' | 'pause'> | undefined {
  let best: Pick<UserDoc, 'updatedAt' | 'pause'> | undefined;
  for (const user of users) if (user && (!best || user.updatedAt > best.updatedAt)) best = user;
  return best;
}

/** The options of the pause menu: the offered types, and the pause under way when it is no longer offered. */
export function pauseOptions(types: readonly AgentPauseType[], current: UserPause | null | undefined): AgentPauseType[] {
  if (!current || types.some((t) => t.id === current.typeId)) return [...types];
  return [...types, { id: current.typeId, name: current.name, maxMinutes: current.maxMinutes, window: null, allowedNow: true }];
}
