import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { DomainError, type Role } from '@atende/protocol';
import type { AuthService, Principal } from './service.js';

const PRINCIPAL = Symbol('principal');
type WithPrincipal = Request & { [PRINCIPAL]?: Principal };

export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header?.startsWith('Bearer ')) return undefined;
  return header.slice(7).trim() || undefined;
}

/** Rejects with 401 unless a valid access token is presented; optionally limits roles (403). */
export function requireUser(auth: AuthService, roles?: readonly Role[]): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const token = bearerToken(req);
    const principal = token ? await auth.authenticate(token) : undefined;
    if (!principal) return next(new DomainError('unauthenticated', 'unauthenticated', 'Sign in first'));
    if (roles && !roles.includes(principal.user.role)) {
      return next(new DomainError('forbidden', 'forbidden', 'Your role may not do this'));
    }
    (req as WithPrincipal)[PRINCIPAL] = principal;
    next();
  };
}

export function principalOf(req: Request): Principal {
  const principal = (req as WithPrincipal)[PRINCIPAL];
  if (!principal) throw new DomainError('unauthenticated', 'unauthenticated', 'Sign in first');
  return principal;
}

/**
 * The client's address as Express works it out: X-Forwarded-For counts only from the proxies
 * in ATENDE_TRUST_PROXY (app.ts), so a client cannot choose its own lockout or rate-limit key.
 */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}
