import { Router, type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import { API, DomainError, PHOTO_MAX_BYTES } from '@atende/protocol';
import { clientAddress, principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { implement } from '../http/contract.js';
import { lingerAfterRefusal } from '../media/upload.js';
import { readRawBody, refuseUndecodablePhoto } from './photoBody.js';
import type { ProfileService } from './service.js';

const MOUNT = '/api/me';

/** The photo's bytes, read by `photoBody` once the user is known (never for a stranger). */
const photos = new WeakMap<Request, Buffer>();

const photoBody: RequestHandler = (req, _res, next) => {
  // The JSON parser (app.ts) already read a JSON or text body: waiting for its bytes would never end (issue 14 fuzz).
  if (req.body !== undefined || req.readableEnded) {
    next(new DomainError('unsupported_type', 'unsupported_type', 'A foto deve ser uma imagem JPEG, PNG ou WebP.'));
    return;
  }
  readRawBody(req, PHOTO_MAX_BYTES).then(async (bytes) => {
    await refuseUndecodablePhoto(bytes);
    photos.set(req, bytes);
    next();
  }).catch(next);
};

/** A refusal (bad token, too large, wrong type) while the picture is still arriving must still reach the client. */
const lingerOnRefusal: ErrorRequestHandler = (error: unknown, req, res, next) => {
  lingerAfterRefusal(req, res);
  next(error);
};

/**
 * "Editar perfil" (R-WS-11). Mount: `['/api/me', profileRoutes(profile, auth)]`. Every route acts
 * on the signed-in user only; there is no user id to get wrong.
 */
export function profileRoutes(profile: ProfileService, auth: AuthService): Router {
  const router = Router();
  const signedIn = [requireUser(auth)];
  implement(router, MOUNT, API.updateProfile, async ({ req, body }) => ({ user: await profile.update(principalOf(req).user, body) }), signedIn);
  implement(router, MOUNT, API.setProfilePhoto, async ({ req }) => {
    const bytes = photos.get(req);
    if (!bytes) throw new DomainError('invalid', 'empty_file', 'Envie a imagem da foto.');
    return { user: await profile.setPhoto(principalOf(req).user, bytes) };
  }, [...signedIn, photoBody]);
  implement(router, MOUNT, API.removeProfilePhoto, async ({ req }) => ({ user: await profile.removePhoto(principalOf(req).user) }), signedIn);
  implement(router, MOUNT, API.changePassword, ({ req, body }) => profile.changePassword(principalOf(req), body, clientAddress(req)), signedIn);
  router.use(lingerOnRefusal);
  return router;
}
