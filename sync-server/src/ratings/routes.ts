import { Router } from 'express';
import { API } from '@atende/protocol';
import { bearerToken } from '../auth/middleware.js';
import type { VisitorService } from '../channels/webchat/visitors.js';
import { implement } from '../http/contract.js';
import { DomainError } from '../http/errors.js';
import type { RateLimiter } from '../http/rateLimit.js';
import { refusalError, type RatingService } from './service.js';

const MOUNT = '/api/webchat';

/**
 * `POST /api/webchat/rating` (issue 18): the widget's stars and comment, with the visitor token,
 * for the visitor's last finished conversation; 409 with the reason when it takes no rating.
 */
export function webchatRatingRoutes(visitors: VisitorService, ratings: RatingService, limiter: RateLimiter): Router {
  const router = Router();
  implement(router, MOUNT, API.webchatRating, async ({ body, req }) => {
    const visitor = await visitors.authenticate(bearerToken(req));
    if (!visitor) throw new DomainError('unauthenticated', 'unauthenticated', 'A visitor token is required');
    const outcome = await ratings.rateLatest(
      { accountId: visitor.account._id, contactId: visitor.contactId },
      { score: body.score, comment: body.comment ?? '' },
    );
    if ('refused' in outcome) throw refusalError(outcome.refused);
    const { id, rating } = outcome.rated;
    if (!rating) throw new Error(`rating of ${id} not stored`);
    return { conversationId: id, rating };
  }, [limiter.middleware('webchat-message')]);
  return router;
}
