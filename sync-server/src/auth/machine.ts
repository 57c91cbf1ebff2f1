import type { RequestHandler } from 'express';
import { DomainError } from '@atende/protocol';
import { sameSecret } from './tokens.js';

/**
 * Doors for `/metrics`, an operator route that is not for the app's users. (The backup route asks
 * for proof of access to the data folder instead: backup/token.ts says why an address check is not enough.)
 */

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Lets through only callers on this machine that did not come through a proxy: a reverse proxy on
 * loopback would otherwise hand the route to the internet. Others get the same 404 as a route that
 * does not exist (nothing here for them), naming the full path without its query.
 */
export const onThisMachine: RequestHandler = (req, _res, next) => {
  const proxied = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
  if (proxied || !LOOPBACK.has(req.socket.remoteAddress ?? '')) {
    next(new DomainError('not_found', 'not_found', `No route for ${req.method} ${req.baseUrl}${req.path}`));
    return;
  }
  next();
};

/**
 * Lets through only a caller presenting ATENDE_METRICS_TOKEN as a bearer token (compared in constant
 * time, so the token cannot be guessed byte by byte); others get 401.
 */
export function metricsBearer(token: string): RequestHandler {
  return (req, res, next) => {
    if (!sameSecret(req.headers.authorization ?? '', `Bearer ${token}`)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      next(new DomainError('unauthenticated', 'metrics_token_required', 'This route needs the metrics token (ATENDE_METRICS_TOKEN)'));
      return;
    }
    next();
  };
}
