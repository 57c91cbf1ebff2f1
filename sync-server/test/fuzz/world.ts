import { API, API_SCOPES, ErrorBody, type EndpointName } from '@atende/protocol';
import { START_SEQ, updateDoc, type ChangeRow } from '../../src/store/index.js';
import { call, login, newVisitor, startTestServer, visitorSays, type TestServer } from '../helpers.js';

/**
 * The fuzz suites' server and what they need around it: real resources for the path
 * parameters (so a body that slipped past validation would really act on something), tokens of
 * each kind, and the store's change feed as the witness that nothing was written.
 */
export interface Fixtures {
  /** A waiting conversation of Ana's team (Suporte), with one visitor message in it. */
  conversationId: string;
  messageId: string;
  contactId: string;
  pauseTypeId: string;
  webchatChannelId: string;
  tagId: string;
  /** The demo website account (path parameter of the widget's routes). */
  account: string;
}

/** `spare`: Bruno's session, for the commands that may end it (logout); renewed when they do. */
/** `api`: an integration's API token holding every scope (R-RT-05, the public /api/v1 routes). */
export type TokenKind = 'agent' | 'admin' | 'spare' | 'visitor' | 'api' | 'none';

export interface World {
  server: TestServer;
  fx: Fixtures;
  tokens: Record<Exclude<TokenKind, 'none'>, string>;
}

export async function startWorld(): Promise<World> {
  // Fuzzing sends thousands of public requests from one address: the per-address limit would
  // answer 429 before the body is even read, and the property would test the limiter instead.
  // A webhook a case creates switched on (a schema-valid body) would start the event feed writing
  // its checkpoint and delivery jobs in the background (R-RT-05): the feed stays off here.
  const server = await startTestServer({ ATENDE_PUBLIC_RATE_LIMIT: '10000000' }, { pollInBackground: false, webhookEvents: false, reportRollups: false });
  const [agent, admin, spare] = await Promise.all(['ana', 'admin', 'bruno'].map((name) => login(server, `${name}@demo.local`)));
  const visitor = await newVisitor(server, 'demo-site', 'Fuzz');
  const { conversationId, messageId } = await visitorSays(server, visitor, 'preciso de ajuda');
  const first = async (type: string) => {
    const [doc] = await server.store.find({ selector: { type }, limit: 1 });
    if (!doc) throw new Error(`the demo has no ${type}`);
    return doc._id;
  };
  const fx: Fixtures = {
    conversationId, messageId, contactId: 'contact:maria', pauseTypeId: await first('pauseType'),
    webchatChannelId: 'channel:demo-site', tagId: await first('tag'), account: 'demo-site',
  };
  const api = await apiToken(server, admin!.accessToken);
  await server.jobs.idle();
  return { server, fx, tokens: { agent: agent!.accessToken, admin: admin!.accessToken, spare: spare!.accessToken, visitor: visitor.token, api } };
}

/**
 * An API token with every scope. Its last use is stamped a day ahead, so no request of the run
 * records one (at most once a minute, apiTokens/tokens.ts): the witness would take that write
 * for one of a refused request.
 */
async function apiToken(server: TestServer, adminToken: string): Promise<string> {
  const reply = await call<{ id: string; token: string }>(server, 'POST', '/api/admin/tokens', {
    token: adminToken, body: { name: 'Fuzz', scopes: [...API_SCOPES] },
  });
  if (reply.status !== 201) throw new Error(`API token: ${reply.status} ${JSON.stringify(reply.body)}`);
  const { written } = await updateDoc(server.store, reply.body.id, (doc) => doc && { ...doc, lastUsedAt: Date.now() + 86_400_000 });
  if (!written) throw new Error('API token: last use not stamped');
  return reply.body.token;
}

/** A fresh spare session, after a fuzz case that was a valid logout ended the last one. */
export async function renewSpare(world: World): Promise<void> {
  world.tokens.spare = (await login(world.server, 'bruno@demo.local')).accessToken;
}

/**
 * The store's sequence once the outbox is idle: changes after it are what the next requests
 * wrote. `from` (an earlier checkpoint) saves reading the feed from the start.
 */
export async function checkpoint(world: World, from = START_SEQ): Promise<string> {
  await world.server.jobs.idle();
  let since = from;
  for (;;) {
    const page = await world.server.store.changes({ since, limit: 1_000 });
    if (page.results.length === 0) return since;
    since = page.lastSeq;
  }
}

/**
 * Documents written since `since`. Rate-limit counters live in memory (or Redis), login attempts
 * are counted only once a login body has parsed, and no background timer writes while the suite
 * runs (Reclame Aqui polling, the webhooks' event feed and the report rollups are off; the outbox
 * is idle before each checkpoint) — so any row here was written by a refused request. One kind is
 * left out: a report's day summary (`reportday:`, issue 16), a cache an ACCEPTED report read fills
 * from the rollups it read (reports/daySummaries.ts) — derived, never a change the request made.
 */
const DERIVED_CACHE = 'reportday:';

export async function writtenSince(world: World, since: string): Promise<ChangeRow[]> {
  return (await world.server.store.changes({ since, limit: 500 })).results.filter((row) => !row.id.startsWith(DERIVED_CACHE));
}

const ANSWER_WITHIN_MS = 10_000;

export interface Sent {
  status: number;
  /** The parsed JSON answer, or the text when it is not JSON. */
  body: unknown;
  label: string;
}

export interface Request {
  name: EndpointName;
  token: TokenKind;
  /** Already URI-encoded path parameters (hostile ones may be encoded wrongly on purpose). */
  params?: Record<string, string>;
  /** Sent as JSON (always, even a string); `raw` sends the bytes as they are. */
  json?: unknown;
  raw?: string | Buffer;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
}

function pathWith(name: EndpointName, params: Record<string, string> = {}): string {
  // Not pathOf: the fuzzer's parameters are encoded already, some of them wrongly on purpose.
  return API[name].path.replace(/:([A-Za-z]+)/g, (_, key: string) => {
    const value = params[key];
    if (value === undefined) throw new Error(`no ${key} for ${name}`);
    return value;
  });
}

function queryString(query: Record<string, string | string[]> | undefined): string {
  if (!query) return '';
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const one of Array.isArray(v) ? v : [v]) search.append(k, one);
  const text = search.toString();
  return text ? `?${text}` : '';
}

export async function send(world: World, r: Request): Promise<Sent> {
  const endpoint = API[r.name];
  const path = pathWith(r.name, r.params) + queryString(r.query);
  const headers: Record<string, string> = { ...r.headers };
  if (r.token !== 'none') headers.authorization = `Bearer ${world.tokens[r.token]}`;
  let body: string | Buffer | undefined;
  if (r.raw !== undefined) body = r.raw;
  else if (r.json !== undefined) body = JSON.stringify(r.json);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const label = `${endpoint.method} ${path.slice(0, 200)} ${r.raw !== undefined ? `raw ${String(r.raw).slice(0, 60)}` : (JSON.stringify(r.json)?.slice(0, 200) ?? '')}`;
  let res: Response;
  try {
    // A request the server never answers is a failure of its own, not a test timeout.
    res = await fetch(world.server.url + path, { method: endpoint.method, headers, body: body as BodyInit | undefined, signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });
  } catch (error) {
    throw new Error(`${label}: no answer within ${ANSWER_WITHIN_MS} ms (${String(error)})`);
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: kept as text, and the shape check says so */
  }
  return { status: res.status, body: parsed, label: `${label} → ${res.status} ${text.slice(0, 200)}` };
}

/** A refusal as errors.ts writes it: 4xx, JSON `{ error, message }`. */
export function isRefusal(sent: Sent): boolean {
  return sent.status >= 400 && sent.status < 500 && ErrorBody.safeParse(sent.body).success;
}

export async function healthy(world: World): Promise<boolean> {
  const res = await fetch(`${world.server.url}/api/health`);
  return res.status === 200;
}
