import {
  DomainError, emptyTotals, localDaysRange, mergeTotals, REPORT_MAX_DAYS, summarise,
  type ReportGroup, type ReportQuery, type ReportResponse, type ReportRow, type Totals,
} from '@atende/protocol';
import type { DocStore } from '../store/index.js';
import { unpack, type TeamRollup } from './contribution.js';
import { rollupsOver } from './daySummaries.js';
import { labelsOf, type Language } from './labels.js';
import { rollupsUpToDate } from './rollups.js';

/** Which teams' conversations a caller may count: every team (admins) or these. */
export interface ReportScope {
  teamIds: readonly string[] | 'all';
}

const badRequest = (message: string) => new DomainError('invalid', 'invalid_period', message);

/** A real calendar date: the pattern lets 2026-02-31 through, the calendar does not. */
function realDate(date: string): boolean {
  const at = Date.parse(`${date}T00:00:00Z`);
  return Number.isFinite(at) && new Date(at).toISOString().slice(0, 10) === date;
}

/** 400s for a period a report does not cover: dates that do not exist, from after to, too many days. */
export function checkPeriod(from: string, to: string): void {
  if (!realDate(from) || !realDate(to)) throw badRequest('As datas de início e fim precisam ser datas reais (AAAA-MM-DD).');
  const days = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
  if (days < 1) throw badRequest('A data de início não pode ser depois da data de fim.');
  if (days > REPORT_MAX_DAYS) throw badRequest(`Um relatório cobre no máximo ${REPORT_MAX_DAYS} dias.`);
}

/**
 * Reports over the rollups (R-RT-06): the period's local days as day summaries of its whole UTC
 * days and 15-minute buckets at its edges (daySummaries.ts), summed for the permitted teams in the
 * chosen dimension. A month is about 30 day documents and 96 buckets, whatever the number of messages.
 */
export class ReportQueries {
  constructor(
    private readonly store: DocStore,
    private readonly timeZone: string,
    /** Whether the rollups have read every change: the running job's own answer when there is one, else the checkpoint's. */
    private readonly upToDate: () => Promise<boolean> = () => rollupsUpToDate(store),
  ) {}

  async conversations(query: ReportQuery, scope: ReportScope, language: Language = 'pt-BR'): Promise<ReportResponse> {
    checkPeriod(query.from, query.to);
    const upToDate = await this.upToDate();
    const { start, end } = localDaysRange(this.timeZone, query.from, query.to);
    const buckets = await rollupsOver(this.store, start, end);
    const permitted = (teamId: string) =>
      (query.teamId === undefined || teamId === query.teamId) && (scope.teamIds === 'all' || scope.teamIds.includes(teamId));
    const total = emptyTotals();
    const groups = new Map<string, Totals>();
    const add = (key: string, packed: number[]) => {
      const totals = groups.get(key) ?? emptyTotals();
      groups.set(key, mergeTotals(totals, unpack(packed)));
    };
    for (const rollup of buckets) {
      for (const [teamId, team] of Object.entries(rollup.teams ?? {})) {
        if (!permitted(teamId)) continue;
        mergeTotals(total, unpack(team.total));
        if (query.groupBy === 'team') add(teamId, team.total);
        else for (const [key, packed] of Object.entries(team[query.groupBy as keyof Omit<TeamRollup, 'total'>] ?? {})) add(key, packed);
      }
    }
    const labels = await labelsOf(this.store, query.groupBy, [...groups.keys()], language);
    const rows: ReportRow[] = [...groups].map(([key, totals]) => ({ key, label: labels.get(key) ?? key, ...summarise(totals) }));
    rows.sort((a, b) => b.conversations - a.conversations || a.label.localeCompare(b.label, language));
    return {
      from: query.from, to: query.to, timeZone: this.timeZone, groupBy: query.groupBy as ReportGroup,
      rows, total: summarise(total), generatedAt: Date.now(), upToDate,
    };
  }
}
