import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { tokenErrors, type ApiScope } from '@atende/protocol';
import { bearerToken } from '../auth/middleware.js';
import type { ApiTokens, Integration } from './tokens.js';

const INTEGRATION = Symbol('integration');
type WithIntegration = Request & { [INTEGRATION]?: Integration };

/**
 * The public API's gate (R-RT-05): 401 unless a live API token is presented — a signed-in
 * user's access token is not one — then 403 naming the first scope the route needs that the
 * token lacks.
 */
export function requireApiToken(tokens: ApiTokens, scopes: readonly ApiScope[]): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    try {
      const integration = await tokens.authenticate(bearerToken(req));
      if (!integration) return next(tokenErrors.unauthenticated());
      const missing = scopes.find((s) => !integration.scopes.includes(s));
      if (missing) return next(tokenErrors.missingScope(missing));
      (req as WithIntegration)[INTEGRATION] = integration;
      next();
    } catch (error) {
      next(error);
    }
  };
}

export function integrationOf(req: Request): Integration {
  const integration = (req as WithIntegration)[INTEGRATION];
  if (!integration) throw tokenErrors.unauthenticated();
  return integration;
}
