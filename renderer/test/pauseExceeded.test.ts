import { describe, expect, it } from 'vitest';
import type { UserPause } from '@atende/protocol';
import { exceededPauses } from '../src/components/pause/exceededPauses';

const MINUTE = 60_000;
const pause = (name: string, maxMinutes: number | null, since: number): UserPause => ({ typeId: `pauseType:${name}`, name, maxMinutes, since });

describe('R-WS-09 supervisors are told in the window when a pause passes its maximum', () => {
  const now = 100 * MINUTE;
  const users = [
    { id: 'user:bruno', name: 'Bruno Lima', pause: pause('Café', 15, now - 16 * MINUTE) },
    { id: 'user:ana', name: 'Ana Souza', pause: pause('Almoço', 60, now - 61 * MINUTE) },
    { id: 'user:dani', name: 'Dani', pause: pause('Café', 15, now - 14 * MINUTE) },
    { id: 'user:eva', name: 'Eva', pause: pause('Treinamento', null, now - 600 * MINUTE) },
    { id: 'user:fabio', name: 'Fábio', pause: null },
  ];

  it('R-WS-09 lists only pauses past a maximum, by name, without one’s own', () => {
    expect(exceededPauses(users, now, 'user:carla', new Set()).map((e) => [e.name, e.pause, e.maxMinutes])).toEqual([
      ['Ana Souza', 'Almoço', 60], ['Bruno Lima', 'Café', 15],
    ]);
    expect(exceededPauses(users, now, 'user:ana', new Set()).map((e) => e.name)).toEqual(['Bruno Lima']);
  });

  it('R-WS-09 a dismissed notice stays away for that pause, but a later pause of the same agent is news again', () => {
    const [first] = exceededPauses(users, now, undefined, new Set());
    const dismissed = new Set([first!.key]);
    expect(exceededPauses(users, now, undefined, dismissed).map((e) => e.name)).toEqual(['Bruno Lima']);
    const again = users.map((u) => (u.id === 'user:ana' ? { ...u, pause: pause('Almoço', 60, now - 62 * MINUTE + 1) } : u));
    expect(exceededPauses(again, now, undefined, dismissed).map((e) => e.name)).toEqual(['Ana Souza', 'Bruno Lima']);
  });
});
