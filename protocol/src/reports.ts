import { z } from 'zod';
import { Id } from './documents.js';
import { endpoint } from './endpoint.js';
import { LocalDate } from './metrics.js';

/**
 * Reports (R-RT-06): conversation figures (metrics.ts) over a period of the organisation's
 * calendar days, grouped by one dimension, computed on the server from rollup documents kept by a
 * job (sync-server/src/reports/), never by replicating history into the browser.
 */
export const REPORT_GROUPS = ['team', 'agent', 'channel', 'disposition', 'tag'] as const;
export const ReportGroup = z.enum(REPORT_GROUPS);
export type ReportGroup = z.infer<typeof ReportGroup>;

/** The longest period one report covers. */
export const REPORT_MAX_DAYS = 366;
/** The key of a row of conversations without an agent, disposition or tag. */
export const REPORT_NONE = 'none';

const ReportDate = z.string().regex(LocalDate, 'use uma data no formato AAAA-MM-DD');

export const ReportQuery = z.strictObject({
  /** First day, in the organisation's time zone. */
  from: ReportDate,
  /** Last day (included). */
  to: ReportDate,
  groupBy: ReportGroup,
  /** Only this team's conversations (a supervisor: one of theirs). */
  teamId: Id.optional(),
});
export type ReportQuery = z.infer<typeof ReportQuery>;

/** The CSV form: UTF-8 with a BOM; `;` (and decimal commas) for pt-BR spreadsheets. */
export const ReportCsvQuery = ReportQuery.extend({
  separator: z.enum(['comma', 'semicolon']).optional(),
  lang: z.enum(['pt-BR', 'en', 'es']).optional(),
});
export type ReportCsvQuery = z.infer<typeof ReportCsvQuery>;

const Ms = z.number().nonnegative().nullable();

/** metrics.ts `Summary`, as sent. */
export const ReportFigures = z.object({
  conversations: z.number().int(),
  received: z.number().int(),
  started: z.number().int(),
  answered: z.number().int(),
  abandoned: z.number().int(),
  finished: z.number().int(),
  transferred: z.number().int(),
  firstResponseAvgMs: Ms,
  firstResponseP90Ms: Ms,
  waitAvgMs: Ms,
  handleAvgMs: Ms,
  ratingAvg: z.number().nullable(),
  ratingCount: z.number().int(),
  /** Ratings of each score 1–5 (issue 18). */
  ratingDistribution: z.array(z.number().int()).length(5),
  /** Conversations whose customer was asked to rate (metrics.ts). */
  ratingRequested: z.number().int(),
  /** Rated / requested (0–1); null when nobody was asked. */
  ratingResponseRate: z.number().min(0).max(1).nullable(),
});
export type ReportFigures = z.infer<typeof ReportFigures>;

export const ReportRow = ReportFigures.extend({
  /** The team, user, disposition or tag id; the channel kind; REPORT_NONE for none. */
  key: z.string(),
  /** Its name as shown (the server resolves it: archived teams and removed users keep theirs). */
  label: z.string(),
});
export type ReportRow = z.infer<typeof ReportRow>;

export const ReportResponse = z.object({
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  groupBy: ReportGroup,
  /** Sorted by conversations, most first. By tag, a conversation with two tags is in two rows. */
  rows: z.array(ReportRow),
  /** Every conversation of the period once. */
  total: ReportFigures,
  generatedAt: z.number().int(),
  /** The rollups have read every change up to the request (false while the job catches up). */
  upToDate: z.boolean(),
});
export type ReportResponse = z.infer<typeof ReportResponse>;

/** What the supervisor's screens need to count "today" in the organisation's time zone. */
export const ReportsContext = z.object({ timeZone: z.string(), today: z.string() });
export type ReportsContext = z.infer<typeof ReportsContext>;

export const REPORTS_API = {
  reportsContext: endpoint({
    method: 'GET', path: '/api/reports/context', auth: 'user', response: ReportsContext,
    summary: "The organisation's time zone and today's date in it (supervisors and admins)",
  }),
  reportConversations: endpoint({
    method: 'GET', path: '/api/reports/conversations', auth: 'user', query: ReportQuery, response: ReportResponse,
    summary: 'Conversation figures per team, agent, channel, disposition or tag over a period (R-RT-06)',
  }),
  reportConversationsCsv: endpoint({
    method: 'GET', path: '/api/reports/conversations.csv', auth: 'user', query: ReportCsvQuery, response: z.string(),
    summary: 'The same report as CSV (UTF-8 with BOM)',
  }),
  // The same reports for integrations (R-RT-05): an API token with `reports:read` counts every team.
  publicReportConversations: endpoint({
    method: 'GET', path: '/api/v1/reports/conversations', auth: 'token', scopes: ['reports:read'], query: ReportQuery, response: ReportResponse,
    summary: 'Conversation figures per team, agent, channel, disposition or tag over a period, every team (API token with reports:read)',
  }),
  publicReportConversationsCsv: endpoint({
    method: 'GET', path: '/api/v1/reports/conversations.csv', auth: 'token', scopes: ['reports:read'], query: ReportCsvQuery, response: z.string(),
    summary: 'The same report as CSV (UTF-8 with BOM), every team (API token with reports:read)',
  }),
} as const;
