import { describe, expect, it } from 'vitest';
import { RA_REPUTATION_REFRESH, RaAccountReputation, type RaReputation } from '@atende/protocol';
import { shortDateTime } from '../src/components/contact/format';
import {
  accountHeading, formatCount, formatGrade, formatPercent, MISSING, REPUTATION_ROWS, reputationAge, reputationLabel, reputationStale,
  reputationTable, seesFetchFailureReason,
} from '../src/components/reclameaqui/reputationTable';

/** The reputation panel's figures as text (R-CH-08): the manual's measures per period, "—" for what HugMe did not give. */
const SIX_MONTHS: RaReputation = {
  reputation: { code: 'GREAT', name: 'Ótimo' }, finalGrade: 8.3, responseIndex: 98.5, solutionsPercentage: 87.25,
  backDoingBusinessPercentage: 80, avgGrade: 7, complaintsCount: 1234, answeredCount: 1200, unansweredCount: 34, notEvaluatedCount: 400,
};
const labels: Record<string, string> = { GREAT: 'Ótimo (traduzido)' };
const known = (code: string) => labels[code];

describe('R-CH-08 Reclame Aqui reputation figures', () => {
  it('R-CH-08 writes percentages, grades and counts the way the user’s language does', () => {
    expect(formatPercent(98.5, 'pt-BR')).toBe('98,5%');
    expect(formatPercent(87.25, 'en')).toBe('87.3%');
    expect(formatPercent(80, 'pt-BR')).toBe('80%');
    expect(formatGrade(7, 'pt-BR')).toBe('7,0');
    expect(formatGrade(8.34, 'en')).toBe('8.3');
    expect(formatCount(1234, 'pt-BR')).toBe('1.234');
    expect(formatCount(1234, 'en')).toBe('1,234');
    for (const format of [formatPercent, formatGrade, formatCount]) expect(format(null, 'pt-BR')).toBe(MISSING);
  });

  it('R-CH-08 names the reputation by its translated code, else HugMe’s own name, else "—"', () => {
    expect(reputationLabel({ code: 'GREAT', name: 'Ótimo' }, known)).toBe('Ótimo (traduzido)');
    expect(reputationLabel({ code: 'NEW_LABEL', name: 'Novo selo' }, known)).toBe('Novo selo');
    expect(reputationLabel({ code: '', name: '' }, known)).toBe(MISSING);
    expect(reputationLabel(undefined, known)).toBe(MISSING);
  });

  it('R-CH-08 builds one row per measure with the four periods as cells; a missing period or field is "—"', () => {
    const account = RaAccountReputation.parse({
      accountId: 'channel:ra', name: 'Loja', description: 'Loja', fetchedAt: 1, error: null,
      periods: { six_months: SIX_MONTHS, overall: { ...SIX_MONTHS, avgGrade: null } },
    });
    const table = reputationTable(account, 'pt-BR', known);
    expect(table.map((r) => r.row)).toEqual([...REPUTATION_ROWS]);
    const cell = (row: string) => table.find((r) => r.row === row)?.cells;
    expect(cell('reputation')).toEqual({ six_months: 'Ótimo (traduzido)', twelve_months: MISSING, last_year: MISSING, overall: 'Ótimo (traduzido)' });
    expect(cell('responseIndex')).toEqual({ six_months: '98,5%', twelve_months: MISSING, last_year: MISSING, overall: '98,5%' });
    expect(cell('finalGrade')?.six_months).toBe('8,3');
    expect(cell('avgGrade')).toMatchObject({ six_months: '7,0', overall: MISSING });
    expect(cell('complaintsCount')?.six_months).toBe('1.234');
    expect(cell('notEvaluatedCount')?.six_months).toBe('400');
  });

  it('R-CH-08 says when the figures were fetched, in the user’s language', () => {
    // A local time, so the text does not depend on the machine's time zone.
    const at = new Date(2026, 10, 28, 15, 30).getTime();
    expect(shortDateTime(at, 'pt-BR')).toBe('28/11/2026, 15:30');
    expect(shortDateTime(at, 'es')).toBe('28/11/26, 15:30');
    // Newer ICU puts a narrow no-break space before "PM".
    expect(shortDateTime(at, 'en')).toMatch(/^11\/28\/26, 3:30\sPM$/);
  });
  // Who may use "Atualizar" is the protocol's mayRefreshReputation: protocol/test/reclameAquiActions.test.ts.

  it('R-CH-08 says how old the figures are, in the user’s language; under a minute is "just now" (null)', () => {
    const at = Date.UTC(2026, 10, 28, 15, 0);
    const minute = 60_000;
    expect(reputationAge(at, at + 30_000, 'pt-BR')).toBeNull();
    expect(reputationAge(at, at + 5 * minute, 'pt-BR')).toBe('há 5 minutos');
    expect(reputationAge(at, at + 2 * 60 * minute + 10 * minute, 'pt-BR')).toBe('há 2 horas');
    expect(reputationAge(at, at + 2 * 60 * minute, 'en')).toBe('2 hours ago');
    expect(reputationAge(at, at + 26 * 60 * minute, 'pt-BR')).toBe('ontem');
    expect(reputationAge(at, at + 3 * 24 * 60 * minute, 'es')).toBe('hace 3 días');
    // A clock a little behind the server's is not "in the future".
    expect(reputationAge(at, at - minute, 'pt-BR')).toBeNull();
  });

  it('R-CH-08 figures older than two scheduled refreshes are marked stale', () => {
    const every = RA_REPUTATION_REFRESH.everyMinutes * 60_000;
    expect(reputationStale(0, every)).toBe(false);
    expect(reputationStale(0, 2 * every)).toBe(false);
    expect(reputationStale(0, 2 * every + 1)).toBe(true);
  });

  it('R-CH-08 each account is titled with its name, its description beneath when it says more', () => {
    expect(accountHeading({ name: 'RA Filial', description: 'RA Filial' })).toEqual({ title: 'RA Filial', detail: null });
    expect(accountHeading({ name: 'Reclame Aqui (demo)', description: 'Empresa de demonstração' }))
      .toEqual({ title: 'Reclame Aqui (demo)', detail: 'Empresa de demonstração' });
    expect(accountHeading({ name: 'Loja', description: '' })).toEqual({ title: 'Loja', detail: null });
  });

  it('R-CH-08 only admins read why the last fetch failed (it is about the account’s credentials); supervisors get a plain sentence', () => {
    expect(seesFetchFailureReason({ role: 'admin' })).toBe(true);
    expect(seesFetchFailureReason({ role: 'supervisor' })).toBe(false);
    expect(seesFetchFailureReason({ role: 'agent' })).toBe(false);
    expect(seesFetchFailureReason(undefined)).toBe(false);
  });
});
