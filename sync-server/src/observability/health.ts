import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { DomainError } from '@atende/protocol';
import { RedisBus } from '../bus/redis.js';
import type { Bus } from '../bus/types.js';
import type { DocStore } from '../store/types.js';
import type { ServerMetrics } from './metrics.js';

/**
 * Liveness, readiness and the metrics door (R-OPS-05). `/api/health` (in http/app.ts) answers
 * while the process serves; `/api/ready` tells a load balancer whether to send traffic here: the
 * store and the bus answer and the node is not draining for a restart. Both are public and say
 * nothing secret (reasons are fixed words, never error texts with addresses or credentials).
 */
export interface Readiness {
  ready: boolean;
  reasons: string[];
}

export interface ReadinessSources {
  store: Pick<DocStore, 'get'>;
  bus: Bus;
  /** True from the moment a shutdown starts (SIGTERM): new traffic should go to other nodes. */
  isDraining: () => boolean;
  /** A check slower than this counts as down: a hung CouchDB must not hang the probe too. */
  timeoutMs?: number;
}

const PROBE_ID = '_local/atende-ready-probe';

async function within(check: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([check.then(() => true), late]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export async function readiness(sources: ReadinessSources): Promise<Readiness> {
  const ms = sources.timeoutMs ?? 2_000;
  const reasons: string[] = [];
  if (sources.isDraining()) reasons.push('draining');
  // A fresh read (past the cache) of a document that need not exist: it only asks the store to answer.
  const [storeUp, busUp] = await Promise.all([
    within(sources.store.get(PROBE_ID, { fresh: true }), ms),
    // The memory bus lives in this process and answers while it does; Redis is asked.
    sources.bus instanceof RedisBus ? within(sources.bus.redis.ping(), ms) : Promise.resolve(true),
  ]);
  if (!storeUp) reasons.push('store_unreachable');
  if (!busUp) reasons.push('bus_unreachable');
  return { ready: reasons.length === 0, reasons };
}

export function readyRoute(sources: ReadinessSources): RequestHandler {
  return (_req, res, next) => {
    readiness(sources).then((state) => {
      res.setHeader('Cache-Control', 'no-store');
      if (state.ready) res.json({ ready: true });
      else res.status(503).json(state);
    }, next);
  };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Who may read `/metrics` (they show traffic and load, not data): with ATENDE_METRICS_TOKEN, a
 * caller presenting it as a bearer token; without, only callers on this machine that did not come
 * through a proxy — a reverse proxy on loopback would otherwise hand the metrics to the internet.
 * Others get 404 (nothing here for them) or, when a token is configured, 401.
 */
export function metricsRoute(metrics: ServerMetrics, token: string | undefined): RequestHandler {
  const expected = token ? Buffer.from(`Bearer ${token}`) : undefined;
  return (req, res, next) => {
    if (expected) {
      const given = Buffer.from(req.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        next(new DomainError('unauthenticated', 'metrics_token_required', 'This route needs the metrics token (ATENDE_METRICS_TOKEN)'));
        return;
      }
    } else {
      const proxied = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
      if (proxied || !LOOPBACK.has(req.socket.remoteAddress ?? '')) {
        next(new DomainError('not_found', 'not_found', `No route for ${req.method} ${req.path}`));
        return;
      }
    }
    metrics.text().then((text) => {
      res.setHeader('Content-Type', metrics.contentType);
      res.setHeader('Cache-Control', 'no-store');
      res.send(text);
    }, next);
  };
}
