import { Router } from 'express';
import { ClaimBody, FinishBody, Id, SendMessageBody, TransferBody } from '@atende/protocol';
import { principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { parse } from '../http/errors.js';
import type { ConversationService } from './service.js';

/** Commands (ARCHITECTURE §1): each carries a client id so a retry is idempotent. */
export function conversationRoutes(conversations: ConversationService, auth: AuthService): Router {
  const router = Router();
  router.use(requireUser(auth));
  const idParam = (value: string | undefined) => parse(Id, value, 'conversation id');

  router.post('/:id/claim', async (req, res) => {
    parse(ClaimBody, req.body ?? {});
    res.json({ conversation: await conversations.claim(principalOf(req).user, idParam(req.params.id)) });
  });
  router.post('/:id/messages', async (req, res) => {
    const body = parse(SendMessageBody, req.body);
    const { message, created } = await conversations.sendAgentMessage(principalOf(req).user, idParam(req.params.id), body);
    res.status(created ? 201 : 200).json({ message });
  });
  router.post('/:id/transfer', async (req, res) => {
    const body = parse(TransferBody, req.body);
    res.json({ conversation: await conversations.transfer(principalOf(req).user, idParam(req.params.id), body) });
  });
  router.post('/:id/finish', async (req, res) => {
    const body = parse(FinishBody, req.body ?? {});
    res.json({ conversation: await conversations.finish(principalOf(req).user, idParam(req.params.id), body) });
  });
  return router;
}
