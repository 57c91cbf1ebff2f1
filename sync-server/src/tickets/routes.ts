import { Router } from 'express';
import { API, Id } from '@atende/protocol';
import { conversationShownTo } from '../access/masking.js';
import { principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { created, implement } from '../http/contract.js';
import { parse } from '../http/errors.js';
import type { TicketService } from './service.js';

const MOUNT = '/api/conversations';

/** `POST /api/conversations/:id/tickets` (R-WS-14): 201 with the conversation carrying the new link, 200 for a repeat. */
export function ticketRoutes(tickets: TicketService, auth: AuthService): Router {
  const router = Router();
  implement(router, MOUNT, API.linkTicket, async ({ params, body, req }) => {
    const { user } = principalOf(req);
    const { conversation: linked, created: isNew } = await tickets.link(user, parse(Id, params.id, 'conversation id'), body);
    // An invited colleague links tickets too: the answer never hands them the agent's rating (issue 18)
    // nor, without "ver dados pessoais", the preview unmasked (issue 19).
    const conversation = conversationShownTo(user, linked);
    return isNew ? created({ conversation }) : { conversation };
  }, [requireUser(auth)]);
  return router;
}
