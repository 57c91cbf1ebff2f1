import type { Router } from 'express';
import type { AuthService } from '../auth/service.js';
import type { ChannelAccounts } from '../channelAccounts/service.js';
import type { InboundService } from '../conversations/inbound.js';
import type { DocStore } from '../store/index.js';
import { openApiRoutes } from './openapiRoutes.js';
import { publicApiRoutes } from './publicRoutes.js';
import { PublicApi } from './publicApi.js';
import { apiTokenAdminRoutes } from './routes.js';
import { ApiTokens } from './tokens.js';

export { ApiTokens } from './tokens.js';

export interface ApiTokensDeps {
  store: DocStore;
  auth: AuthService;
  accounts: ChannelAccounts;
  inbound: InboundService;
  /** The server's rate limiter (http/rateLimit.ts); each token is counted on its own. */
  limiter: Parameters<typeof publicApiRoutes>[2];
  /** The API's version in the OpenAPI document. */
  version: string;
  log: (m: string) => void;
}

export interface ApiTokensSetup {
  tokens: ApiTokens;
  /** Mount pairs for the app: the admin screen's, the public API's, the OpenAPI document's. */
  routes: Array<[string, Router]>;
}

/** Wires API tokens and the public REST API (R-RT-05) into a server. */
export function setupApiTokens(deps: ApiTokensDeps): ApiTokensSetup {
  const tokens = new ApiTokens(deps.store, Date.now, deps.log);
  const api = new PublicApi(deps.store, deps.accounts, deps.inbound);
  return {
    tokens,
    routes: [
      ['/api/admin/tokens', apiTokenAdminRoutes(tokens, deps.auth)],
      ['/api/v1', publicApiRoutes(api, tokens, deps.limiter)],
      ['/api', openApiRoutes(deps.version)],
    ],
  };
}
