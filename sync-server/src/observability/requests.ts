import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { REDACTED, SIGNED_MEDIA_LINK } from './logger.js';

/**
 * Per-request plumbing shared by the access log and the latency histogram: the request id and the
 * route *pattern* (`/api/conversations/:id`, never the raw URL with its ids, which would make one
 * metric series per conversation and put identifiers in every log line).
 */
const ROUTE = Symbol('atende.route');
const MOUNT = Symbol('atende.mount');

interface Traced {
  [ROUTE]?: string;
  [MOUNT]?: string;
}

/**
 * Express sets `req.route` when a route matches and `req.baseUrl` as the request enters each
 * mounted router, then puts `baseUrl` back when it leaves — an error thrown in a route reaches the
 * error handler with the mount already gone. So both are caught as they are set: the pattern is
 * the mount at the moment the route matched plus the route's path.
 */
export const traceRoute: RequestHandler = (req, _res, next) => {
  const traced = req as Request & Traced;
  let route: unknown = req.route;
  let baseUrl = req.baseUrl;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set(value: { path?: unknown } | undefined) {
      route = value;
      if (value && typeof value.path === 'string') traced[ROUTE] = `${baseUrl}${value.path === '/' && baseUrl ? '' : value.path}`;
    },
  });
  Object.defineProperty(req, 'baseUrl', {
    configurable: true,
    enumerable: true,
    get: () => baseUrl,
    set(value: string) {
      baseUrl = value;
      if (value) traced[MOUNT] = value;
    },
  });
  next();
};

/** The route pattern the request matched, if any. */
function matchedRoute(req: IncomingMessage): string | undefined {
  return (req as IncomingMessage & Traced)[ROUTE];
}

/**
 * A bounded label for the request: its route pattern; else, for an answer given before any route
 * matched (401 from a router's guard, a static file), the router it was in; `unmatched` for
 * paths nothing serves (anyone can invent those, so they never become labels of their own).
 */
export function routeOf(req: IncomingMessage, status: number): string {
  const traced = req as IncomingMessage & Traced;
  if (traced[ROUTE]) return traced[ROUTE];
  if (status === 404) return 'unmatched';
  if (traced[MOUNT]) return `${traced[MOUNT]}/*`;
  return 'static';
}

/**
 * Names of query parameters and route parameters that carry credentials: the visitor socket's
 * `?token=`, and a signed media link's `/channels/media/:token`, which opens a customer's file to
 * whoever holds the URL for an hour.
 */
const SECRET_PARAM = /token|secret|password|signature|sig|key|auth|code/i;

/**
 * The path as logged: a segment the route pattern names with a credential's name is masked. A
 * pattern whose segments do not line up with the path one for one (a wildcard, an optional part,
 * a trailing slash) is logged instead of the path, so a credential never slips through a mismatch.
 */
function redactedPath(raw: string, route: string | undefined): string {
  if (!route) return raw;
  const pattern = route.split('/');
  const secret = pattern.map((part) => /^[:*]/.test(part) && SECRET_PARAM.test(part));
  if (!secret.some(Boolean)) return raw;
  const path = raw.split('/');
  if (path.length !== pattern.length || /[{*]/.test(route)) return route;
  return path.map((part, i) => (secret[i] ? REDACTED : part)).join('/');
}

/** The URL as logged: credentials masked in the path (by `route`, the matched pattern) and in the query. */
export function redactedUrl(raw: string, route?: string): string {
  const at = raw.indexOf('?');
  // A media link's token is masked even on a path no route serves (`/channels/media/<token>/x`).
  const path = redactedPath(at < 0 ? raw : raw.slice(0, at), route).replace(...SIGNED_MEDIA_LINK);
  if (at < 0) return path;
  const params = new URLSearchParams(raw.slice(at + 1));
  for (const name of [...params.keys()]) if (SECRET_PARAM.test(name)) params.set(name, REDACTED);
  return `${path}?${params.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED)}`;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** A proxy's `X-Request-Id` when it looks like one (so logs join across hops), else a new one. */
function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** Probes would drown the log: a load balancer asks every few seconds. */
const QUIET = new Set(['/api/health', '/api/ready', '/metrics']);

/**
 * One JSON line per answered request: method, route pattern, redacted URL, status, duration (ms)
 * and request id — no headers, no bodies (credentials and what people wrote stay out by design).
 */
export function accessLog(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: requestId,
    autoLogging: { ignore: (req) => QUIET.has((req.url ?? '').split('?')[0] ?? '') },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: (req, res) => `${req.method ?? ''} ${routeOf(req, res.statusCode)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method ?? ''} ${routeOf(req, res.statusCode)} ${res.statusCode}`,
    customProps: (req, res) => (res.writableFinished || res.headersSent ? { route: routeOf(req, res.statusCode) } : {}),
    // The request is serialised when its line is written, not when it arrives (pino-http's default
    // binds it then): only by the answer is the route known that says which path segment is a credential.
    quietResLogger: true,
    customSuccessObject: (req, _res, fields: object) => ({ req, ...fields }),
    customErrorObject: (req, _res, _error, fields: object) => ({ req, ...fields }),
    customAttributeKeys: { responseTime: 'ms' },
    serializers: {
      req: (req: { id?: unknown; method?: string; url?: string; raw?: IncomingMessage }) => ({
        id: req.id,
        method: req.method,
        url: redactedUrl(req.url ?? '', req.raw ? matchedRoute(req.raw) : undefined),
      }),
      res: (res: { statusCode?: number }) => ({ status: res.statusCode }),
    },
  }) as RequestHandler;
}
