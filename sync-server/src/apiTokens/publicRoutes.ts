import { Router, type RequestHandler } from 'express';
import { API, Id, type Endpoint } from '@atende/protocol';
import { created, implement } from '../http/contract.js';
import { parse } from '../http/errors.js';
import type { RateLimiter } from '../http/rateLimit.js';
import { integrationOf, requireApiToken } from './middleware.js';
import type { PublicApi } from './publicApi.js';
import type { ApiTokens } from './tokens.js';

const MOUNT = '/api/v1';

/**
 * `/api/v1` (R-RT-05): the public REST API for bots and integrations. Each route takes an API
 * token holding the scopes its endpoint declares (a user's access token is refused with 401),
 * then counts against the token's own rate limit; the domain is `PublicApi`.
 */
export function publicApiRoutes(api: PublicApi, tokens: ApiTokens, limiter: RateLimiter): Router {
  const router = Router();
  const perToken = limiter.perUser('api-token', (req) => integrationOf(req).id);
  const gate = (e: Endpoint): RequestHandler[] => [requireApiToken(tokens, e.scopes ?? []), perToken];
  const idParam = (value: string, what: string) => parse(Id, value, what);

  implement(router, MOUNT, API.publicListConversations, ({ query }) => api.conversations(query), gate(API.publicListConversations));
  implement(router, MOUNT, API.publicGetConversation, ({ params }) => api.conversation(idParam(params.id, 'conversation id')),
    gate(API.publicGetConversation));
  implement(router, MOUNT, API.publicCreateConversation, async ({ body, req }) => {
    const { conversation, message, created: isNew } = await api.createConversation(integrationOf(req), body);
    return isNew ? created({ conversation, message }) : { conversation, message };
  }, gate(API.publicCreateConversation));
  implement(router, MOUNT, API.publicSendMessage, async ({ params, body, req }) => {
    const { message, created: isNew } = await api.send(integrationOf(req), idParam(params.id, 'conversation id'), body);
    return isNew ? created({ message }) : { message };
  }, gate(API.publicSendMessage));
  implement(router, MOUNT, API.publicListContacts, ({ query }) => api.contacts(query), gate(API.publicListContacts));
  implement(router, MOUNT, API.publicGetContact, async ({ params }) => ({ contact: await api.contact(idParam(params.id, 'contact id')) }),
    gate(API.publicGetContact));
  return router;
}
