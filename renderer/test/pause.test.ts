import { describe, expect, it } from 'vitest';
import { formatElapsed, freshest, pauseClock, pauseOptions } from '../src/components/pause/pauseClock';
import { pauseTypeBodyOf, pauseTypeFormOf } from '../src/components/pause/pauseTypeForm';

/** R-WS-09 in the renderer: the elapsed time the agent and supervisors read, the pause menu and the admin form. */
describe('R-WS-09 pause screens', () => {
  it('R-WS-09 elapsed time reads mm:ss under an hour and h:mm:ss after; over only past the maximum', () => {
    expect(formatElapsed(0)).toBe('00:00');
    expect(formatElapsed(65_400)).toBe('01:05');
    expect(formatElapsed(3_599_999)).toBe('59:59');
    expect(formatElapsed(3_600_000 + 62_000)).toBe('1:01:02');
    expect(formatElapsed(-2_000)).toBe('00:00');
    const since = 1_000_000;
    expect(pauseClock({ since, maxMinutes: 15 }, since + 15 * 60_000)).toEqual({ elapsed: '15:00', over: false });
    expect(pauseClock({ since, maxMinutes: 15 }, since + 15 * 60_000 + 1_000)).toEqual({ elapsed: '15:01', over: true });
    expect(pauseClock({ since, maxMinutes: null }, since + 5 * 3_600_000).over).toBe(false);
  });

  it('R-WS-09 the freshest copy of the user wins: a pause shows at once and an ended one never comes back', () => {
    const pause = { typeId: 'pausetype:cafe', name: 'Café', since: 10, maxMinutes: 15 };
    const replica = { updatedAt: 10, pause };
    const answered = { updatedAt: 20, pause: null };
    expect(freshest(replica, undefined, answered)?.pause).toBeNull();
    expect(freshest(undefined, replica)?.pause).toEqual(pause);
    expect(freshest()).toBeUndefined();
  });

  it('R-WS-09 the menu keeps the pause under way even when its type is no longer offered', () => {
    const offered = [{ id: 'pausetype:cafe', name: 'Café', maxMinutes: 15, window: null, allowedNow: true }];
    expect(pauseOptions(offered, null)).toEqual(offered);
    const gone = { typeId: 'pausetype:old', name: 'Antiga', since: 1, maxMinutes: 5 };
    expect(pauseOptions(offered, gone).map((o) => o.name)).toEqual(['Café', 'Antiga']);
  });

  it('R-WS-09 the admin form refuses what the server would, naming the field', () => {
    const base = { name: 'Almoço', maxMinutes: '60', from: '11:00', to: '15:00', active: true };
    expect(pauseTypeBodyOf(base)).toEqual({ body: { name: 'Almoço', maxMinutes: 60, window: { from: '11:00', to: '15:00' }, active: true } });
    expect(pauseTypeBodyOf({ ...base, maxMinutes: '', from: '', to: '' })).toEqual({ body: { name: 'Almoço', maxMinutes: null, window: null, active: true } });
    expect(pauseTypeBodyOf({ ...base, name: ' ' })).toEqual({ problems: ['name'] });
    expect(pauseTypeBodyOf({ ...base, maxMinutes: '0' })).toEqual({ problems: ['max'] });
    expect(pauseTypeBodyOf({ ...base, maxMinutes: '1,5' })).toEqual({ problems: ['max'] });
    expect(pauseTypeBodyOf({ ...base, to: '' })).toEqual({ problems: ['window'] });
    expect(pauseTypeBodyOf({ ...base, to: '11:00' })).toEqual({ problems: ['window'] });
    const type = { id: 'pausetype:x', name: 'Café', maxMinutes: null, window: null, active: false, createdAt: 1, updatedAt: 1 };
    expect(pauseTypeFormOf(type)).toEqual({ name: 'Café', maxMinutes: '', from: '', to: '', active: false });
  });
});
