import { Router } from 'express';
import { API } from '@atende/protocol';
import { principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { created, implement } from '../http/contract.js';
import type { InternalChatService } from './service.js';

const MOUNT = '/api/chat';

/** `POST /api/chat/messages` (R-WS-12): 201 with the stored message, 200 for a repeat of the same command. */
export function internalChatRoutes(chat: InternalChatService, auth: AuthService): Router {
  const router = Router();
  implement(router, MOUNT, API.sendChat, async ({ body, req }) => {
    const { message, created: isNew } = await chat.send(principalOf(req).user, body);
    return isNew ? created({ message }) : { message };
  }, [requireUser(auth)]);
  return router;
}
