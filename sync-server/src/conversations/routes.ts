import { Router } from 'express';
import { API, Id } from '@atende/protocol';
import { principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { created, implement } from '../http/contract.js';
import { parse } from '../http/errors.js';
import type { DocStore } from '../store/index.js';
import { ConversationContext } from './context.js';
import type { MessageService } from './messages.js';
import type { ConversationService } from './service.js';
import { conversationMessages } from './transcript.js';

const MOUNT = '/api/conversations';

/** Commands (ARCHITECTURE §1): each carries a client id so a retry is idempotent. */
export function conversationRoutes(store: DocStore, conversations: ConversationService, messages: MessageService, auth: AuthService): Router {
  const router = Router();
  router.use(requireUser(auth));
  const idParam = (value: string) => parse(Id, value, 'conversation id');

  implement(router, MOUNT, API.conversationMessages, async ({ params, req }) => ({
    messages: await conversationMessages(store, principalOf(req).user, idParam(params.id)),
  }));
  implement(router, MOUNT, API.claim, async ({ params, req }) => ({
    conversation: await conversations.claim(principalOf(req).user, idParam(params.id)),
  }));
  implement(router, MOUNT, API.sendMessage, async ({ params, body, req }) => {
    const { message, created: isNew } = await messages.send(principalOf(req).user, idParam(params.id), body);
    // Stored and queued: the channel send runs as a job (R-OPS-02).
    return isNew ? created({ message }) : { message };
  });
  implement(router, MOUNT, API.resend, async ({ params, req }) => ({
    message: await messages.resend(principalOf(req).user, idParam(params.id), parse(Id, params.messageId, 'message id')),
  }));
  implement(router, MOUNT, API.transfer, async ({ params, body, req }) => ({
    conversation: await conversations.transfer(principalOf(req).user, idParam(params.id), body),
  }));
  implement(router, MOUNT, API.returnToQueue, async ({ params, body, req }) => ({
    conversation: await conversations.returnToQueue(principalOf(req).user, idParam(params.id), body),
  }));
  implement(router, MOUNT, API.finish, async ({ params, body, req }) => ({
    conversation: await conversations.finish(principalOf(req).user, idParam(params.id), body),
  }));
  const context = new ConversationContext(store);
  implement(router, MOUNT, API.markConversation, async ({ params, body, req }) => ({
    conversation: await context.mark(principalOf(req).user, idParam(params.id), body),
  }));
  implement(router, MOUNT, API.tagConversation, async ({ params, body, req }) => ({
    conversation: await context.tag(principalOf(req).user, idParam(params.id), body),
  }));
  return router;
}
