import { createHash } from 'node:crypto';
import { Router, type Request } from 'express';
import { API, assertAccepted } from '@atende/protocol';
import type { InboundService } from '../../conversations/inbound.js';
import { DomainError } from '../../http/errors.js';
import { created, implement } from '../../http/contract.js';
import type { RateLimiter } from '../../http/rateLimit.js';
import { bearerToken } from '../../auth/middleware.js';
import type { MediaService } from '../../media/service.js';
import type { Visitor, VisitorService } from './visitors.js';

/** Room for the key inside a message id (`message:<key>`), which the protocol caps at 100 characters. */
const MAX_MESSAGE_KEY = 100 - 'message:'.length;

/**
 * The store key of a visitor's message: namespaced by visitor so one visitor's ids can never
 * collide with another's. A client id too long to fit is replaced by its hash; client ids never
 * contain '.', so a hashed key cannot equal a literal one.
 */
export function visitorMessageKey(visitorId: string, clientId: string): string {
  const key = `wc-${visitorId}-${clientId}`;
  return key.length <= MAX_MESSAGE_KEY
    ? key
    : `wc-${visitorId}-.${createHash('sha256').update(clientId).digest('base64url')}`;
}

const MOUNT = '/api/webchat';

/** The visitor's HTTP side of the website chat (R-CH-02, R-CH-11). */
export function webchatRoutes(visitors: VisitorService, inbound: InboundService, media: MediaService, limiter: RateLimiter): Router {
  const router = Router();
  const visitorOf = async (req: Request): Promise<Visitor> => {
    const visitor = await visitors.authenticate(bearerToken(req));
    if (!visitor) throw new DomainError('unauthenticated', 'unauthenticated', 'A visitor token is required');
    return visitor;
  };

  implement(router, MOUNT, API.createVisitor, async ({ params, body }) => created(await visitors.create(params.accountId, {
    ...(body.name ? { name: body.name } : {}),
    ...(body.email ? { email: body.email } : {}),
  })), [limiter.middleware('webchat-visitor')]);

  implement(router, MOUNT, API.visitorSend, async ({ body, req }) => {
    const visitor = await visitorOf(req);
    const attachments = await media.uploadsOf(body.mediaIds ?? [], visitor.contactId);
    assertAccepted('webchat', attachments);
    const { message, created: isNew } = await inbound.receive({
      account: visitor.account,
      contact: visitor.contact,
      messageKey: visitorMessageKey(visitor.visitorId, body.id),
      authorName: visitor.name,
      kind: attachments[0]?.kind ?? 'text',
      text: body.text,
      attachments,
      externalId: body.id,
    });
    for (const a of message.attachments) await media.recordUse(a.mediaId, message.conversationId);
    if (!isNew && message.text !== body.text) {
      throw new DomainError('conflict', 'id_conflict', 'That message id was already used for another text');
    }
    const reply = { message: { id: message.id, createdAt: message.createdAt } };
    return isNew ? created(reply) : reply;
  }, [limiter.middleware('webchat-message')]);

  // Read by every page that embeds the widget: public, and served from the cached account document.
  implement(router, MOUNT, API.webchatConfig, async ({ params }) => visitors.config(params.accountId));

  implement(router, MOUNT, API.visitorMessages, async ({ req }) => ({ messages: await visitors.transcript(await visitorOf(req)) }));
  return router;
}

