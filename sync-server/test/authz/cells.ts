import type { Caller, MatrixContext } from './context.js';

/** An expected HTTP status, or the few a cell may answer when its outcome depends on the order cells run in. */
export type Status = number | readonly number[];
/** Every caller named: a row cannot leave one out. */
export type Cells<T = Status> = Record<Caller, T>;

export interface HttpCall {
  path: string;
  /** Replaces the caller's standing token (rows that act on the caller's own account use a fresh user). */
  token?: string | undefined;
  body?: unknown;
  form?: FormData;
  raw?: { bytes: Buffer | string; type: string };
  headers?: Record<string, string>;
}

/** The cell being run: a cell expected to be refused may use the row's shared resource (ctx.once). */
export interface Cell {
  route: string;
  refused: boolean;
}

export interface RouteRow {
  /** `METHOD /path` as the Express app registers it (authz/routes.ts). */
  route: string;
  /** Requirement IDs the row proves, for the test title. */
  ids: string;
  /** Without one: the route's own path, no body. */
  request?(ctx: MatrixContext, caller: Caller, cell: Cell): Promise<HttpCall> | HttpCall;
  expect: Cells;
  /** Text that must not appear in a 2xx answer to these callers (another team's data, a secret). */
  hidden?: ReadonlyArray<{ from: readonly Caller[]; text(ctx: MatrixContext): string }>;
}

/** A token that is not a signed-in agent's gets nothing from the agent API (R-AUTH-04: expired and revoked alike). */
export const SIGNED_OUT = { visitor: 401, visitorOther: 401, none: 401, expired: 401, revoked: 401 } as const;

/** Any signed-in role, of any team. */
export const signedIn = (s: Status): Cells => ({
  agentOwn: s, supervisorOwn: s, adminOwn: s, agentOther: s, supervisorOther: s, adminOther: s, ...SIGNED_OUT,
});
/** Administration (R-AUTH-01, R-RT-05): admins only; agents and supervisors are told no. */
export const adminsOnly = (s: Status): Cells => ({
  agentOwn: 403, supervisorOwn: 403, adminOwn: s, agentOther: 403, supervisorOther: 403, adminOther: s, ...SIGNED_OUT,
});
/** Reading a resource of the own team: its agents and every supervisor/admin; another team's agent finds nothing (404, no existence leak). */
export const teamRead = (s: Status): Cells => ({
  agentOwn: s, supervisorOwn: s, adminOwn: s, agentOther: 404, supervisorOther: s, adminOther: s, ...SIGNED_OUT,
});
/** Writing in a conversation held by agentOwn: only its participants; who sees it but does not write in it is refused (403). */
export const participant = (s: Status): Cells => ({
  agentOwn: s, supervisorOwn: 403, adminOwn: 403, agentOther: 404, supervisorOther: 403, adminOther: 403, ...SIGNED_OUT,
});
/** Steering a conversation held by agentOwn (transfer, return, finish, invite): its holder or any supervisor/admin (R-SV-04). */
export const holderOrSupervisor = teamRead;
/** Public routes: a bearer token of any kind changes nothing. */
export const everyone = <T>(s: T): Cells<T> => ({
  agentOwn: s, supervisorOwn: s, adminOwn: s, agentOther: s, supervisorOther: s, adminOther: s, visitor: s, visitorOther: s, none: s, expired: s, revoked: s,
});
/** The website visitor's own routes: an agent's token is not a visitor's; any visitor acts on its own conversation. */
export const visitorOnly = (s: Status): Cells => ({ ...everyone<Status>(401), visitor: s, visitorOther: s });
