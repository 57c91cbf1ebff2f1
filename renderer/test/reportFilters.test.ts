import { describe, expect, it } from 'vitest';
import { REPORT_MAX_DAYS, ReportCsvQuery, REPORTS_API } from '@atende/protocol';
import {
  csvFilename,
  csvPath,
  defaultSeparator,
  presetRange,
  presetRangeAt,
  rangeProblems,
} from '../src/components/supervisor/reportFilters';

/** The reports' filters (R-RT-06): presets in the organisation's calendar, the date checks, the CSV request. */
const SAO_PAULO = 'America/Sao_Paulo';
const TOKYO = 'Asia/Tokyo';

describe('R-RT-06: period presets in the organisation’s time zone', () => {
  it('R-RT-06: today, yesterday, the last 7 and 30 days count back from today, both ends included', () => {
    expect(presetRange('today', '2026-11-29')).toEqual({ from: '2026-11-29', to: '2026-11-29' });
    expect(presetRange('yesterday', '2026-11-29')).toEqual({ from: '2026-11-28', to: '2026-11-28' });
    expect(presetRange('last7', '2026-11-29')).toEqual({ from: '2026-11-23', to: '2026-11-29' });
    expect(presetRange('last30', '2026-11-29')).toEqual({ from: '2026-10-31', to: '2026-11-29' });
  });

  it('R-RT-06: this month starts on the 1st; last month is the whole previous month, whatever its length', () => {
    expect(presetRange('thisMonth', '2026-11-29')).toEqual({ from: '2026-11-01', to: '2026-11-29' });
    expect(presetRange('thisMonth', '2026-11-01')).toEqual({ from: '2026-11-01', to: '2026-11-01' });
    expect(presetRange('lastMonth', '2026-11-29')).toEqual({ from: '2026-10-01', to: '2026-10-31' });
    expect(presetRange('lastMonth', '2026-12-01')).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(presetRange('lastMonth', '2026-03-15')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(presetRange('lastMonth', '2028-03-31')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    // Across the year: January's last month is December of the year before.
    expect(presetRange('lastMonth', '2027-01-01')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(presetRange('yesterday', '2027-01-01')).toEqual({ from: '2026-12-31', to: '2026-12-31' });
    expect(presetRange('yesterday', '2028-03-01')).toEqual({ from: '2028-02-29', to: '2028-02-29' });
  });

  it('R-RT-06: "today" is the organisation’s calendar day, not UTC’s: one instant is two days in two zones', () => {
    // 2026-03-01 02:00 UTC is still 28 February in São Paulo (UTC-3) and already 1 March in Tokyo.
    const at = Date.parse('2026-03-01T02:00:00Z');
    expect(presetRangeAt('today', SAO_PAULO, at)).toEqual({ from: '2026-02-28', to: '2026-02-28' });
    expect(presetRangeAt('thisMonth', SAO_PAULO, at)).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(presetRangeAt('lastMonth', SAO_PAULO, at)).toEqual({ from: '2026-01-01', to: '2026-01-31' });
    expect(presetRangeAt('today', TOKYO, at)).toEqual({ from: '2026-03-01', to: '2026-03-01' });
    expect(presetRangeAt('lastMonth', TOKYO, at)).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(presetRangeAt('yesterday', TOKYO, at)).toEqual({ from: '2026-02-28', to: '2026-02-28' });
  });
});

describe('R-RT-06: the period’s checks, shown beside the date fields', () => {
  it('R-RT-06: a valid period has no problem, up to REPORT_MAX_DAYS days', () => {
    expect(rangeProblems({ from: '2026-11-01', to: '2026-11-01' })).toEqual([]);
    expect(rangeProblems({ from: '2025-01-01', to: '2026-01-01' })).toEqual([]);
    expect(REPORT_MAX_DAYS).toBe(366);
  });

  it('R-RT-06: an end before the start is said on the end field', () => {
    expect(rangeProblems({ from: '2026-11-10', to: '2026-11-09' })).toEqual([{ field: 'to', code: 'beforeFrom' }]);
  });

  it('R-RT-06: more than REPORT_MAX_DAYS days is said with the limit', () => {
    expect(rangeProblems({ from: '2025-01-01', to: '2026-01-02' })).toEqual([{ field: 'to', code: 'tooLong', maxDays: REPORT_MAX_DAYS }]);
  });

  it('R-RT-06: an empty or impossible date is said on its own field', () => {
    expect(rangeProblems({ from: '', to: '2026-11-09' })).toEqual([{ field: 'from', code: 'missing' }]);
    expect(rangeProblems({ from: '2026-02-30', to: '' })).toEqual([
      { field: 'from', code: 'invalid' },
      { field: 'to', code: 'missing' },
    ]);
    expect(rangeProblems({ from: '2026-11-01', to: '09/11/2026' })).toEqual([{ field: 'to', code: 'invalid' }]);
  });
});

describe('R-RT-06: the CSV request', () => {
  it('R-RT-06: the same filters as the table, with the separator and the language, on the CSV route', () => {
    const path = csvPath({ from: '2026-11-01', to: '2026-11-30', groupBy: 'agent', teamId: 'team:suporte' }, 'semicolon', 'pt-BR');
    const [route, search] = path.split('?') as [string, string];
    expect(route).toBe(REPORTS_API.reportConversationsCsv.path);
    const query = Object.fromEntries(new URLSearchParams(search));
    expect(query).toEqual({ from: '2026-11-01', to: '2026-11-30', groupBy: 'agent', teamId: 'team:suporte', separator: 'semicolon', lang: 'pt-BR' });
    // What the server parses: the request is valid for the contract it shares with the route.
    expect(ReportCsvQuery.safeParse(query).success).toBe(true);
  });

  it('R-RT-06: "all teams" sends no team', () => {
    const path = csvPath({ from: '2026-11-01', to: '2026-11-01', groupBy: 'team' }, 'comma', 'en');
    expect(Object.fromEntries(new URLSearchParams(path.split('?')[1]))).toEqual({ from: '2026-11-01', to: '2026-11-01', groupBy: 'team', separator: 'comma', lang: 'en' });
  });

  it('R-RT-06: the separator defaults to ";" for pt-BR and es (their decimal comma) and "," for en', () => {
    expect(defaultSeparator('pt-BR')).toBe('semicolon');
    expect(defaultSeparator('es')).toBe('semicolon');
    expect(defaultSeparator('en')).toBe('comma');
  });

  it('R-RT-06: the file keeps the server’s name; without the header, a name built the same way', () => {
    const query = { from: '2026-11-01', to: '2026-11-30', groupBy: 'tag' } as const;
    expect(csvFilename('attachment; filename="atende-conversas-tag-2026-11-01-2026-11-30.csv"', query)).toBe('atende-conversas-tag-2026-11-01-2026-11-30.csv');
    expect(csvFilename("attachment; filename*=UTF-8''relat%C3%B3rio.csv", query)).toBe('relatório.csv');
    expect(csvFilename(null, query)).toBe('atende-conversas-tag-2026-11-01-2026-11-30.csv');
  });
});
