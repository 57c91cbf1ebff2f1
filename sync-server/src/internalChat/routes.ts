import { Router } from 'express';
import { API } from '@atende/protocol';
import { principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { created, implement } from '../http/contract.js';
import type { RateLimiter } from '../http/rateLimit.js';
import type { InternalChatService } from './service.js';

const MOUNT = '/api/chat';

/**
 * `POST /api/chat/messages` (R-WS-12): 201 with the stored message, 200 for a repeat of the same
 * command; 429 past a user's share of messages (`rateLimit.ts` 'chat-message': each one reaches a
 * whole team).
 */
export function internalChatRoutes(chat: InternalChatService, auth: AuthService, limiter: RateLimiter): Router {
  const router = Router();
  const perUser = limiter.perUser('chat-message', (req) => principalOf(req).user.id);
  implement(router, MOUNT, API.sendChat, async ({ body, req }) => {
    const { message, created: isNew } = await chat.send(principalOf(req).user, body);
    return isNew ? created({ message }) : { message };
  }, [requireUser(auth), perUser]);
  return router;
}
