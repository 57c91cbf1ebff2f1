import { describe, expect, it } from 'vitest';
import type { ReportFigures } from '@atende/protocol';
import { figureFormat, figureText, REPORT_COLUMNS, reportDate, reportMoment, sortValue } from '../src/components/supervisor/reportColumns';

/** How the report table reads its figures (R-RT-06): numbers of the language, durations, the rating with its count. */
const figures: ReportFigures = {
  conversations: 1234, received: 1200, started: 34, answered: 1100, abandoned: 12, finished: 1190, transferred: 7,
  firstResponseAvgMs: 96_000, firstResponseP90Ms: 3_600_000, waitAvgMs: 12_400, handleAvgMs: null,
  ratingAvg: 4.25, ratingCount: 1002, ratingDistribution: [2, 0, 100, 300, 600], ratingRequested: 2004, ratingResponseRate: 0.5,
};
const column = (id: (typeof REPORT_COLUMNS)[number]['id']) => REPORT_COLUMNS.find((c) => c.id === id)!;

describe('R-RT-06: the report table’s figures', () => {
  it('R-RT-06: the columns are the report’s figures, in the order the requirement lists them', () => {
    expect(REPORT_COLUMNS.map((c) => c.id)).toEqual([
      'conversations', 'received', 'answered', 'abandoned', 'transferred',
      'firstResponseAvgMs', 'firstResponseP90Ms', 'waitAvgMs', 'handleAvgMs', 'ratingAvg', 'ratingResponseRate',
    ]);
  });

  it('issue 18 R-RT-06: the response rate reads as a percentage; nobody asked reads "—"', () => {
    expect(figureText(figureFormat('pt-BR'), column('ratingResponseRate'), figures)).toMatch(/^50\s?%$/);
    expect(figureText(figureFormat('en'), column('ratingResponseRate'), { ...figures, ratingResponseRate: 2 / 3 })).toBe('67%');
    expect(figureText(figureFormat('en'), column('ratingResponseRate'), { ...figures, ratingResponseRate: null })).toBe('—');
  });

  it('R-RT-06: counts are grouped the language’s way; times read as durations; no data reads "—"', () => {
    const pt = figureFormat('pt-BR');
    const en = figureFormat('en');
    expect(figureText(pt, column('conversations'), figures)).toBe('1.234');
    expect(figureText(en, column('conversations'), figures)).toBe('1,234');
    expect(figureText(pt, column('firstResponseAvgMs'), figures)).toBe('1 min 36 s');
    expect(figureText(pt, column('handleAvgMs'), figures)).toBe('—');
  });

  it('R-RT-06: the p90, the upper bound of a first-response bucket on the server, reads as "at most", not as exact', () => {
    expect(figureText(figureFormat('pt-BR'), column('firstResponseP90Ms'), figures)).toBe('≤ 1 h');
    expect(figureText(figureFormat('en'), column('firstResponseP90Ms'), { ...figures, firstResponseP90Ms: 30_000 })).toBe('≤ 30 sec');
    expect(figureText(figureFormat('es'), column('firstResponseP90Ms'), { ...figures, firstResponseP90Ms: null })).toBe('—');
  });

  it('R-RT-06: the rating shows its average with the number of ratings, decimals the language’s way', () => {
    expect(figureText(figureFormat('pt-BR'), column('ratingAvg'), figures)).toBe('4,25 (1.002)');
    expect(figureText(figureFormat('en'), column('ratingAvg'), figures)).toBe('4.25 (1,002)');
    expect(figureText(figureFormat('en'), column('ratingAvg'), { ...figures, ratingAvg: null, ratingCount: 0 })).toBe('—');
  });

  it('R-RT-06: a figure without data sorts as missing (last), not as zero', () => {
    expect(sortValue(column('handleAvgMs'), figures)).toBeUndefined();
    expect(sortValue(column('waitAvgMs'), figures)).toBe(12_400);
  });

  it('R-RT-06: the printed period and generation time are the organisation’s calendar and clock', () => {
    expect(reportDate('2026-11-01', 'pt-BR')).toBe('01/11/2026');
    expect(reportDate('2026-11-01', 'en')).toBe('11/1/26');
    // 02:30 UTC on 1 March is the evening of 28 February in São Paulo.
    expect(reportMoment(Date.parse('2026-03-01T02:30:00Z'), 'America/Sao_Paulo', 'pt-BR')).toBe('28/02/2026, 23:30');
  });
});
