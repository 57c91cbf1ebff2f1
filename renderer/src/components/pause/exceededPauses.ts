import { pauseOverLimit, type UserDoc } from '@atende/protocol';

/** A colleague's pause past its maximum, as a supervisor's window tells it (R-WS-09). */
export interface ExceededPause {
  /** The user and the pause's start: a later pause of the same agent is news again. */
  key: string;
  name: string;
  pause: string;
  maxMinutes: number;
}

/**
 * The pauses past their maximum now, read from the replicated users (so a supervisor learns it
 * in the window even when the OS notification is not allowed, and offline too); one's own pause
 * is the pause control's to show, and dismissed ones stay dismissed.
 */
export function exceededPauses(
  users: Iterable<Pick<UserDoc, 'id' | 'name' | 'pause'>>, now: number, meId: string | undefined, dismissed: ReadonlySet<string>,
): ExceededPause[] {
  const shown: ExceededPause[] = [];
  for (const user of users) {
    const pause = user.pause;
    if (!pause || pause.maxMinutes === null || user.id === meId || !pauseOverLimit(pause, now)) continue;
    const key = `${user.id}@${pause.since}`;
    if (!dismissed.has(key)) shown.push({ key, name: user.name, pause: pause.name, maxMinutes: pause.maxMinutes });
  }
  return shown.sort((a, b) => a.name.localeCompare(b.name));
}
