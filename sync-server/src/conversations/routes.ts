import { Router, type Request } from 'express';
import { API, Id, type ConversationDoc, type MessageDoc } from '@atende/protocol';
import { conversationShownTo, messageFor } from '../access/masking.js';
import { principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { created, implement, relativePath } from '../http/contract.js';
import { parse } from '../http/errors.js';
import { auditOtherTeamRead } from '../privacy/auditReads.js';
import type { RatingRequests } from '../ratings/requests.js';
import type { DocStore } from '../store/index.js';
import { ConversationContext } from './context.js';
import type { MessageService } from './messages.js';
import type { ConversationService } from './service.js';
import type { TemplateMessages } from './templateMessages.js';
import type { ConversationStarter } from './start.js';
import { conversationMessages } from './transcript.js';

const MOUNT = '/api/conversations';

/** Commands (ARCHITECTURE §1): each carries a client id so a retry is idempotent. */
export function conversationRoutes(
  store: DocStore, conversations: ConversationService, messages: MessageService, auth: AuthService, starter: ConversationStarter,
  ratings: RatingRequests,
): Router {
  const router = Router();
  router.use(requireUser(auth));
  const idParam = (value: string) => parse(Id, value, 'conversation id');
  // Issue 18: a command's answer never hands an agent a colleague's rating (access/ratings.ts);
  // issue 19: nor personal data in text to a user without "ver dados pessoais" (access/masking.ts).
  const shown = (req: Request, conversation: ConversationDoc) => conversationShownTo(principalOf(req).user, conversation);
  const shownMessage = (req: Request, message: MessageDoc) => messageFor(principalOf(req).user, message);

  // "Nova conversa" (R-WA-01): a repeat of the command id answers the conversation it opened.
  implement(router, MOUNT, API.startConversation, async ({ body, req }) => ({
    conversation: shown(req, await starter.start(principalOf(req).user, body)),
  }));

  // Issue 19 (R-PRIV-05): reading another team's conversation is audited before the answer.
  router.get(relativePath(API.conversationMessages.path, MOUNT), auditOtherTeamRead(store, 'messages'));
  implement(router, MOUNT, API.conversationMessages, async ({ params, req }) => ({
    messages: (await conversationMessages(store, principalOf(req).user, idParam(params.id))).map((m) => shownMessage(req, m)),
  }));
  implement(router, MOUNT, API.claim, async ({ params, req }) => ({
    conversation: shown(req, await conversations.claim(principalOf(req).user, idParam(params.id))),
  }));
  implement(router, MOUNT, API.sendMessage, async ({ params, body, req }) => {
    const { message: sent, created: isNew } = await messages.send(principalOf(req).user, idParam(params.id), body);
    const message = shownMessage(req, sent);
    // Stored and queued: the channel send runs as a job (R-OPS-02).
    return isNew ? created({ message }) : { message };
  });
  implement(router, MOUNT, API.resend, async ({ params, req }) => ({
    message: shownMessage(req, await messages.resend(principalOf(req).user, idParam(params.id), parse(Id, params.messageId, 'message id'))),
  }));
  implement(router, MOUNT, API.transfer, async ({ params, body, req }) => ({
    conversation: shown(req, await conversations.transfer(principalOf(req).user, idParam(params.id), body)),
  }));
  implement(router, MOUNT, API.returnToQueue, async ({ params, body, req }) => ({
    conversation: shown(req, await conversations.returnToQueue(principalOf(req).user, idParam(params.id), body)),
  }));
  // Invited collaborators (R-WS-05).
  implement(router, MOUNT, API.invite, async ({ params, body, req }) => ({
    conversation: shown(req, await conversations.invite(principalOf(req).user, idParam(params.id), body)),
  }));
  implement(router, MOUNT, API.leave, async ({ params, body, req }) => ({
    conversation: shown(req, await conversations.leave(principalOf(req).user, idParam(params.id), body)),
  }));
  // Issue 18: a finish by an agent or supervisor asks the customer to rate it (when the team asks);
  // its repeat finds the conversation asked already.
  implement(router, MOUNT, API.finish, async ({ params, body, req }) => {
    const user = principalOf(req).user;
    const finished = await conversations.finish(user, idParam(params.id), body);
    return { conversation: conversationShownTo(user, await ratings.afterFinish(user, finished, body.requestRating)) };
  });
  const context = new ConversationContext(store);
  implement(router, MOUNT, API.markConversation, async ({ params, body, req }) => ({
    conversation: shown(req, await context.mark(principalOf(req).user, idParam(params.id), body)),
  }));
  implement(router, MOUNT, API.tagConversation, async ({ params, body, req }) => ({
    conversation: shown(req, await context.tag(principalOf(req).user, idParam(params.id), body)),
  }));
  return router;
}

/**
 * `POST /api/conversations/:id/template` (R-WA-05, R-WA-08): its own router beside the commands
 * above, with its own auth check, so it needs nothing of theirs.
 */
export function templateMessageRoutes(templates: TemplateMessages, auth: AuthService): Router {
  const router = Router();
  implement(router, MOUNT, API.sendTemplate, async ({ params, body, req }) => {
    const user = principalOf(req).user;
    const { message: sent, created: isNew } = await templates.send(user, parse(Id, params.id, 'conversation id'), body);
    const message = messageFor(user, sent);
    return isNew ? created({ message }) : { message };
  }, [requireUser(auth)]);
  return router;
}
