import { describe, expect, it } from 'vitest';
import { formatAgo, formatDuration } from '../src/components/supervisor/durations';

const S = 1_000;
const MIN = 60 * S;
const H = 60 * MIN;

describe('supervisor durations read as durations, not clock times', () => {
  it('R-SV-03: 96 seconds read "1 min 36 s" in pt-BR (not "01:36")', () => {
    expect(formatDuration(96 * S, 'pt-BR')).toBe('1 min 36 s');
    expect(formatDuration(96 * S + 999, 'pt-BR')).toBe('1 min 36 s');
  });

  it('R-SV-01: two largest units only; zero parts inside are left out; zero is "0 s"', () => {
    expect(formatDuration(2 * H + 5 * MIN + 7 * S, 'pt-BR')).toBe('2 h 5 min');
    expect(formatDuration(2 * H + 7 * S, 'pt-BR')).toBe('2 h');
    expect(formatDuration(12 * S, 'pt-BR')).toBe('12 s');
    expect(formatDuration(0, 'pt-BR')).toBe('0 s');
    expect(formatDuration(-5 * S, 'pt-BR')).toBe('0 s');
    expect(formatDuration(26 * H, 'es')).toBe('1 d 2 h');
  });

  it('R-SV-01: English and Spanish use their own unit abbreviations', () => {
    expect(formatDuration(96 * S, 'en')).toMatch(/^1 min 36 sec?$/);
    expect(formatDuration(2 * H + 5 * MIN, 'en')).toMatch(/^2 hr? 5 min$/);
    expect(formatDuration(96 * S, 'es')).toBe('1 min 36 s');
  });

  it('R-SV-03: "ago" in the three languages', () => {
    expect(formatAgo(96 * S, 'pt-BR')).toBe('há 1 min 36 s');
    expect(formatAgo(96 * S, 'en')).toMatch(/^1 min 36 sec? ago$/);
    expect(formatAgo(96 * S, 'es')).toBe('hace 1 min 36 s');
  });
});
