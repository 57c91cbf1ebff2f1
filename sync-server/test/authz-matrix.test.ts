import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express, { Router } from 'express';
import { API } from '@atende/protocol';
import { startTestServer, type TestServer } from './helpers.js';
import type { HttpCall, RouteRow, Status } from './authz/cells.js';
import { CALLERS, MATRIX_SECRET, MatrixContext, UNREACHABLE, type Caller } from './authz/context.js';
import { frameOutcome, FRAMES, frameTypes, type FrameRow } from './authz/frames.js';
import { PASS_THROUGH, ROUTES } from './authz/matrix.js';
import { registeredRoutes } from './authz/routes.js';

/**
 * Issue 14 point 4: the authorisation matrix (authz/matrix.ts, authz/frames.ts) run against one
 * real server. A route the app registers without a row, or a frame type without one, fails here.
 */
/** Rows run five at a time and each makes its own fixtures: room for a loaded CI machine. */
const ROW_TIMEOUT_MS = 90_000;
let server: TestServer;
let ctx: MatrixContext;

beforeAll(async () => {
  // The suite's own secret, so expired tokens and media links are minted as the server signs them;
  // a high public limit, since every cell that changes something opens its own visitor.
  server = await startTestServer({
    ATENDE_SECRET: MATRIX_SECRET, ATENDE_PUBLIC_RATE_LIMIT: '1000000', ATENDE_TELEPHONY: 'http', ATENDE_TELEPHONY_URL: UNREACHABLE,
    ATENDE_METRICS_TOKEN: 'authz-matrix-metrics-token',
  });
  ctx = new MatrixContext(server);
  await ctx.setup();
}, 60_000);

afterAll(async () => {
  await server?.close();
});

const methodOf = (route: string) => {
  const method = route.split(' ')[0] ?? 'GET';
  return method === 'USE' || method === 'STATIC' ? 'GET' : method;
};

async function send(row: RouteRow, caller: Caller): Promise<{ status: number; text: string }> {
  const expected = row.expect[caller];
  const refused = (typeof expected === 'number' ? [expected] : expected).every((status) => status >= 400);
  const request: HttpCall = row.request ? await row.request(ctx, caller, { route: row.route, refused }) : { path: row.route.split(' ')[1] ?? '/' };
  // On a visitor's route (agents refused, the visitor not) the expired caller brings an expired visitor token.
  const visitorRoute = row.expect.agentOwn === 401 && !fits(401, row.expect.visitor);
  const token = 'token' in request ? request.token : ctx.token(caller, visitorRoute ? 'visitor' : 'agent');
  const headers: Record<string, string> = { ...request.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) };
  let body: BodyInit | undefined;
  if (request.form) body = request.form;
  else if (request.raw) {
    headers['content-type'] = request.raw.type;
    body = typeof request.raw.bytes === 'string' ? request.raw.bytes : new Uint8Array(request.raw.bytes);
  } else if (request.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.body);
  }
  const reply = await fetch(server.url + request.path, { method: methodOf(row.route), headers, body, redirect: 'manual' });
  return { status: reply.status, text: await reply.text() };
}

const fits = (status: number, expected: Status) => (typeof expected === 'number' ? status === expected : expected.includes(status));

describe('R-AUTH-01 R-AUTH-04 the authorisation matrix covers every route and frame', () => {
  it('R-AUTH-01 every route the server registers has a row (and every row a route)', () => {
    const registered = registeredRoutes(server.app).filter((key) => !(key in PASS_THROUGH));
    const rows = ROUTES.map((r) => r.route);
    const missing = registered.filter((key) => !rows.includes(key));
    const stale = rows.filter((key) => !registered.includes(key));
    expect(missing, `routes without a row in test/authz/matrix.ts: ${missing.join(', ')}`).toEqual([]);
    expect(stale, `rows for routes the server does not register: ${stale.join(', ')}`).toEqual([]);
    expect(new Set(rows).size, 'one row per route').toBe(rows.length);
    // The contract's endpoints are all served (a contract route mounted nowhere would slip by the walk above).
    const contract = Object.values(API).map((e) => `${e.method} ${e.path}`);
    expect(contract.filter((key) => !registered.includes(key))).toEqual([]);
  });

  it('R-AUTH-04 each contract endpoint\'s rows agree with the auth the contract declares for it', () => {
    const disagreements: string[] = [];
    const is2xx = (s: Status) => (typeof s === 'number' ? [s] : s).every((x) => x >= 200 && x < 300);
    for (const [name, endpoint] of Object.entries(API)) {
      const row = ROUTES.find((r) => r.route === `${endpoint.method} ${endpoint.path}`);
      if (!row) continue; // reported by the coverage test above
      const signedOut = row.expect.none === 401 && row.expect.expired === 401 && row.expect.revoked === 401;
      if (endpoint.auth === 'none' ? !is2xx(row.expect.none) : !signedOut) disagreements.push(`${name} (${endpoint.auth}): no/expired/revoked token`);
      if (endpoint.auth === 'user' && row.expect.visitor !== 401) disagreements.push(`${name}: a visitor token must not count as a user's`);
      if (endpoint.auth === 'visitor' && row.expect.agentOwn !== 401) disagreements.push(`${name}: a user token must not count as a visitor's`);
    }
    expect(disagreements).toEqual([]);
  });

  it('R-AUTH-01 the route walk sees a plain router.get, nested routers, mounted middleware and a static root', () => {
    const app = express();
    const inner = Router();
    inner.get('/plain', (_req, res) => res.end());
    const outer = Router();
    outer.use(express.json());
    outer.use('/inner', inner);
    outer.post('/:id/thing', (_req, res) => res.end());
    app.use('/api/x', outer);
    app.use('/files', express.static('.'));
    app.use(express.static('.'));
    expect(registeredRoutes(app)).toEqual(['GET /api/x/inner/plain', 'POST /api/x/:id/thing', 'STATIC /', 'USE /files']);
  });

  it('R-AUTH-04 every frame type of each socket has a row', () => {
    const types = frameTypes();
    for (const socket of ['agent', 'visitor'] as const) {
      const rows = FRAMES.filter((f) => f.socket === socket && !f.foreign).map((f) => f.type);
      expect(rows.sort(), `${socket} socket frame rows`).toEqual([...types[socket]].sort());
    }
    const cells = ROUTES.length * CALLERS.length;
    console.log(`authz-matrix: ${ROUTES.length} routes × ${CALLERS.length} callers = ${cells} cells, ${FRAMES.length} frames (${FRAMES.length * CALLERS.length} frame cells)`);
  });
});

describe.concurrent('R-AUTH-04 routes × callers (agent/supervisor/admin of own and other team, visitor, no token, expired, revoked)', () => {
  for (const row of ROUTES) {
    it(`${row.ids} ${row.route}`, async () => {
      const answers = await Promise.all(CALLERS.map(async (caller) => {
        const { status, text } = await send(row, caller);
        const expected = row.expect[caller];
        const problems: string[] = [];
        if (!fits(status, expected)) problems.push(`${caller}: ${status}, expected ${JSON.stringify(expected)} — ${text.slice(0, 160)}`);
        for (const hidden of row.hidden ?? []) {
          if (status < 300 && hidden.from.includes(caller) && text.includes(hidden.text(ctx))) problems.push(`${caller}: the answer holds ${hidden.text(ctx)}`);
        }
        return problems;
      }));
      expect(answers.flat()).toEqual([]);
      const watched = ctx.watchedFor(row.route);
      if (watched) expect(await ctx.stateOf(watched.conversationId), 'the refused cells changed the conversation').toBe(watched.state);
    }, ROW_TIMEOUT_MS);
  }
});

describe.concurrent('R-AUTH-04 WebSocket frames × callers', () => {
  const title = (row: FrameRow) => `${row.ids} ${row.socket} socket: ${row.foreign ? 'foreign ' : ''}${row.type}`;
  for (const row of FRAMES) {
    it(title(row), async () => {
      const answers = await Promise.all(CALLERS.map(async (caller) => {
        const outcome = await frameOutcome(ctx, row, caller);
        return outcome === row.expect[caller] ? [] : [`${caller}: ${outcome}, expected ${row.expect[caller]}`];
      }));
      expect(answers.flat()).toEqual([]);
    }, ROW_TIMEOUT_MS);
  }
});
