import { Router } from 'express';
import { API, Id } from '@atende/protocol';
import { messageFor } from '../../access/masking.js';
import { principalOf, requireUser } from '../../auth/middleware.js';
import type { AuthService } from '../../auth/service.js';
import { created, implement } from '../../http/contract.js';
import { parse } from '../../http/errors.js';
import type { ReclameAquiCommands } from './commands.js';

const MOUNT = '/api/conversations';

/**
 * `POST /api/conversations/:id/reclameaqui/moderation` (R-CH-09) and `…/evaluation` (R-CH-10):
 * conversation commands beside the others, each with its own auth check. 201 with the event
 * message when written, 200 with the same message for a repeat of its command id.
 */
export function reclameAquiCommandRoutes(commands: ReclameAquiCommands, auth: AuthService): Router {
  const router = Router();
  const user = [requireUser(auth)];
  const idParam = (value: string) => parse(Id, value, 'conversation id');
  implement(router, MOUNT, API.raModeration, async ({ params, body, req }) => {
    const { user } = principalOf(req);
    const { message: written, created: isNew } = await commands.requestModeration(user, idParam(params.id), body);
    // Masked for an agent without "ver dados pessoais" (issue 19), like every message a route answers.
    const message = messageFor(user, written);
    return isNew ? created({ message }) : { message };
  }, user);
  implement(router, MOUNT, API.raEvaluation, async ({ params, body, req }) => {
    const { user } = principalOf(req);
    const { message: written, created: isNew } = await commands.requestEvaluation(user, idParam(params.id), body);
    const message = messageFor(user, written);
    return isNew ? created({ message }) : { message };
  }, user);
  return router;
}
