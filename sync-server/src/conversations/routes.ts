import { Router } from 'express';
import {
  ClaimBody, FinishBody, Id, ResendBody, ReturnToQueueBody, SendMessageBody, TransferBody,
} from '@atende/protocol';
import { principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { parse } from '../http/errors.js';
import type { MessageService } from './messages.js';
import type { ConversationService } from './service.js';

/** Commands (ARCHITECTURE §1): each carries a client id so a retry is idempotent. */
export function conversationRoutes(conversations: ConversationService, messages: MessageService, auth: AuthService): Router {
  const router = Router();
  router.use(requireUser(auth));
  const idParam = (value: string | undefined) => parse(Id, value, 'conversation id');

  router.post('/:id/claim', async (req, res) => {
    parse(ClaimBody, req.body ?? {});
    res.json({ conversation: await conversations.claim(principalOf(req).user, idParam(req.params.id)) });
  });
  router.post('/:id/messages', async (req, res) => {
    const body = parse(SendMessageBody, req.body);
    const { message, created } = await messages.send(principalOf(req).user, idParam(req.params.id), body);
    // Stored and queued: the channel send runs as a job (R-OPS-02).
    res.status(created ? 201 : 200).json({ message });
  });
  router.post('/:id/messages/:messageId/resend', async (req, res) => {
    parse(ResendBody, req.body ?? {});
    const messageId = parse(Id, req.params.messageId, 'message id');
    res.json({ message: await messages.resend(principalOf(req).user, idParam(req.params.id), messageId) });
  });
  router.post('/:id/transfer', async (req, res) => {
    const body = parse(TransferBody, req.body);
    res.json({ conversation: await conversations.transfer(principalOf(req).user, idParam(req.params.id), body) });
  });
  router.post('/:id/return', async (req, res) => {
    const body = parse(ReturnToQueueBody, req.body ?? {});
    res.json({ conversation: await conversations.returnToQueue(principalOf(req).user, idParam(req.params.id), body) });
  });
  router.post('/:id/finish', async (req, res) => {
    const body = parse(FinishBody, req.body ?? {});
    res.json({ conversation: await conversations.finish(principalOf(req).user, idParam(req.params.id), body) });
  });
  return router;
}
