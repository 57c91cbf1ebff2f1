import { describe, expect, it } from 'vitest';
import {
  CreatePauseTypeBody, minutesOfDay, pauseAllowedAt, pauseElapsedMs, pauseLimitAt, pauseOverLimit, presenceWithPause, UpdatePauseTypeBody,
} from '../src/index.js';

/** R-WS-09: the time-of-day window of a pause type, read on the organisation's clock. */
const SAO_PAULO = 'America/Sao_Paulo'; // UTC−3 all year (no daylight saving since 2019)
const at = (iso: string) => Date.parse(iso);

describe('R-WS-09 pause windows', () => {
  it('R-WS-09 a window is read in the given time zone, not the machine’s or UTC', () => {
    const moment = at('2026-11-28T14:30:00Z'); // 11:30 in São Paulo, 14:30 UTC, 23:30 in Tokyo
    expect(minutesOfDay(moment, SAO_PAULO)).toBe(11 * 60 + 30);
    expect(minutesOfDay(moment, 'UTC')).toBe(14 * 60 + 30);
    const lunch = { from: '11:00', to: '15:00' };
    expect(pauseAllowedAt(lunch, moment, SAO_PAULO)).toBe(true);
    expect(pauseAllowedAt(lunch, moment, 'Asia/Tokyo')).toBe(false);
    expect(pauseAllowedAt(lunch, at('2026-11-28T13:59:00Z'), SAO_PAULO)).toBe(false); // 10:59 there
  });

  it('R-WS-09 the start is included and the end excluded', () => {
    const lunch = { from: '11:00', to: '15:00' };
    expect(pauseAllowedAt(lunch, at('2026-11-28T14:00:00Z'), SAO_PAULO)).toBe(true); // 11:00
    expect(pauseAllowedAt(lunch, at('2026-11-28T17:59:00Z'), SAO_PAULO)).toBe(true); // 14:59
    expect(pauseAllowedAt(lunch, at('2026-11-28T18:00:00Z'), SAO_PAULO)).toBe(false); // 15:00
  });

  it('R-WS-09 a window that crosses midnight allows the late evening and the early morning only', () => {
    const night = { from: '22:00', to: '02:00' };
    const local = (hhmm: string) => at(`2026-11-28T${hhmm}:00-03:00`);
    expect(pauseAllowedAt(night, local('22:00'), SAO_PAULO)).toBe(true);
    expect(pauseAllowedAt(night, local('23:59'), SAO_PAULO)).toBe(true);
    expect(pauseAllowedAt(night, local('00:00'), SAO_PAULO)).toBe(true);
    expect(pauseAllowedAt(night, local('01:59'), SAO_PAULO)).toBe(true);
    expect(pauseAllowedAt(night, local('02:00'), SAO_PAULO)).toBe(false);
    expect(pauseAllowedAt(night, local('12:00'), SAO_PAULO)).toBe(false);
    expect(pauseAllowedAt(night, local('21:59'), SAO_PAULO)).toBe(false);
  });

  it('R-WS-09 no window: allowed at any time', () => {
    expect(pauseAllowedAt(null, at('2026-11-28T03:00:00Z'), SAO_PAULO)).toBe(true);
  });

  it('R-WS-09 elapsed time and the maximum: over only after the limit, never with no maximum', () => {
    const since = at('2026-11-28T12:00:00Z');
    const coffee = { since, maxMinutes: 15 };
    expect(pauseLimitAt(coffee)).toBe(since + 15 * 60_000);
    expect(pauseOverLimit(coffee, since + 15 * 60_000)).toBe(false);
    expect(pauseOverLimit(coffee, since + 15 * 60_000 + 1)).toBe(true);
    expect(pauseOverLimit({ since, maxMinutes: null }, since + 10 * 3_600_000)).toBe(false);
    expect(pauseElapsedMs(coffee, since + 90_000)).toBe(90_000);
    expect(pauseElapsedMs(coffee, since - 5_000)).toBe(0);
  });

  it('R-WS-09 pause type bodies: clear refusals for a bad window, limit or name', () => {
    expect(CreatePauseTypeBody.parse({ name: ' Café ' })).toEqual({ name: 'Café', maxMinutes: null, window: null, active: true });
    expect(CreatePauseTypeBody.safeParse({ name: 'Almoço', window: { from: '11:00', to: '11:00' } }).success).toBe(false);
    expect(CreatePauseTypeBody.safeParse({ name: 'Almoço', window: { from: '24:00', to: '02:00' } }).success).toBe(false);
    expect(CreatePauseTypeBody.safeParse({ name: 'Almoço', window: { from: '9:00', to: '10:00' } }).success).toBe(false);
    expect(CreatePauseTypeBody.safeParse({ name: 'Café', maxMinutes: 0 }).success).toBe(false);
    expect(CreatePauseTypeBody.safeParse({ name: 'Café', maxMinutes: 1441 }).success).toBe(false);
    expect(CreatePauseTypeBody.safeParse({ name: 'Café', maxMinutes: 1.5 }).success).toBe(false);
    expect(CreatePauseTypeBody.safeParse({ name: '   ' }).success).toBe(false);
    expect(CreatePauseTypeBody.safeParse({ name: 'x'.repeat(61) }).success).toBe(false);
    expect(UpdatePauseTypeBody.safeParse({}).success).toBe(false);
    expect(UpdatePauseTypeBody.parse({ window: null })).toEqual({ window: null });
  });
});

describe('R-WS-09 presence with a pause', () => {
  it('R-WS-09 a colleague online with a pause on the user reads paused; offline stays offline; no pause keeps the live status', () => {
    const pause = { typeId: 'pausetype:cafe', name: 'Café', maxMinutes: 15, since: 0 };
    expect(presenceWithPause('online', { pause })).toBe('paused');
    expect(presenceWithPause('offline', { pause })).toBe('offline');
    expect(presenceWithPause('paused', { pause: null })).toBe('paused');
    expect(presenceWithPause('online', { pause: null })).toBe('online');
    expect(presenceWithPause('online', {})).toBe('online');
  });
});
