import type { RequestHandler } from 'express';
import type { Bus } from '../bus/types.js';
import type { DocStore } from '../store/types.js';
import type { ServerMetrics } from './metrics.js';

/**
 * Liveness, readiness and the metrics text (R-OPS-05). `/api/health` (in http/app.ts) answers
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
    within(sources.bus.ping(), ms),
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

/**
 * Serves the metrics text (they show traffic and load, not data). Who may read them is decided in
 * front of it (http/app.ts): the metrics token when configured, else only callers on this machine.
 */
export function metricsRoute(metrics: ServerMetrics): RequestHandler {
  return (_req, res, next) => {
    metrics.text().then((text) => {
      res.setHeader('Content-Type', metrics.contentType);
      res.setHeader('Cache-Control', 'no-store');
      res.send(text);
    }, next);
  };
}
