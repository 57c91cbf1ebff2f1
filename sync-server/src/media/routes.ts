import { Router, type ErrorRequestHandler, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import {
  ChannelKind, DomainError, MEDIA_LIMITS, MEDIA_MAX_BYTES, type Attachment, type MediaResponse,
} from '@atende/protocol';
import { bearerToken, principalOf, requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import type { MediaReader, MediaService, MediaVariant } from './service.js';
import { lingerAfterRefusal, readUpload, type UploadRules } from './upload.js';

/** A file never changes under its id; `private` keeps shared caches from holding customers' files. */
const CACHE_CONTROL = 'private, max-age=86400';

const notFound = () => new DomainError('not_found', 'not_found', 'Media not found');

export function toMediaResponse({ mediaId, ...rest }: Attachment): MediaResponse {
  return { id: mediaId, ...rest };
}

/** Forwards failures to the error handler; a refused upload still arriving lingers (see upload.ts). */
function handle(route: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    route(req, res).catch((error: unknown) => {
      lingerAfterRefusal(req, res);
      next(error);
    });
  };
}

/** Refusals by earlier middleware (a bad token, a rate limit) linger too. */
const lingerOnRefusal: ErrorRequestHandler = (error: unknown, req, res, next) => {
  lingerAfterRefusal(req, res);
  next(error);
};

const userRules: UploadRules = {
  fields: ['channel'],
  maxBytes: (fields) => {
    const channel = ChannelKind.safeParse(fields.channel ?? 'webchat');
    if (!channel.success) throw new DomainError('invalid', 'invalid_channel', 'Unknown channel');
    return MEDIA_LIMITS[channel.data].maxBytes;
  },
  cap: MEDIA_MAX_BYTES,
};

const visitorRules: UploadRules = {
  fields: [],
  maxBytes: () => MEDIA_LIMITS.webchat.maxBytes,
  cap: MEDIA_LIMITS.webchat.maxBytes,
};

/** Sends a stored file with headers that stop browsers from running or re-typing it. */
async function sendMedia(req: Request, res: Response, media: MediaService, reader: MediaReader): Promise<void> {
  const id = String(req.params.id);
  // Existence is never revealed: an unknown id and a forbidden one answer alike.
  if (!(await media.mayView(id, reader))) throw notFound();
  const variant: MediaVariant = req.query.thumbnail === '1' ? 'thumbnail' : 'file';
  const stored = await media.get(id);
  if (!stored) throw notFound();
  const etag = `"${stored.sha256}${variant === 'thumbnail' ? '-t' : ''}"`;
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  res.setHeader('Cache-Control', CACHE_CONTROL);
  res.setHeader('ETag', etag);
  if (req.headers['if-none-match'] === etag) {
    res.status(304).end();
    return;
  }
  const content = await media.read(id, variant);
  if (!content) throw notFound();
  // Pictures show inline; anything else is downloaded under its (sanitised) name, RFC 5987 encoded.
  const inline = variant === 'thumbnail' || stored.kind === 'image' || stored.kind === 'sticker';
  if (!inline) res.attachment(stored.name);
  res.setHeader('Content-Type', content.contentType);
  res.setHeader('Content-Length', String(content.data.length));
  res.status(200).end(content.data);
}

/**
 * Agents' files (issue 7 §4). Mount: `['/api/media', mediaRoutes({ media, auth, limit })]`, `limit`
 * being an optional rate-limit middleware.
 * `POST /` multipart (`channel` field first, then `file`) → 201 MediaResponse;
 * `GET /:id[?thumbnail=1]` → the bytes, 404 unless the caller may see a conversation using them.
 */
export function mediaRoutes(options: { media: MediaService; auth: AuthService; limit?: RequestHandler }): Router {
  const { media, auth, limit } = options;
  const router = Router();
  const limited = limit ? [limit] : [];

  router.post('/', requireUser(auth), ...limited, handle(async (req, res) => {
    const { user } = principalOf(req);
    const file = await readUpload(req, userRules);
    const channel = ChannelKind.parse(file.fields.channel ?? 'webchat');
    const stored = await media.upload({
      bytes: file.bytes, filename: file.filename, declaredMime: file.declaredMime, channel, uploadedBy: user.id,
    });
    res.status(201).json(toMediaResponse(stored));
  }));

  router.get('/:id', requireUser(auth), handle(async (req, res) => {
    await sendMedia(req, res, media, { kind: 'user', user: principalOf(req).user });
  }));
  router.use(lingerOnRefusal);
  return router;
}

/** The part of a website-chat visitor these routes need (VisitorService.authenticate gives more). */
export interface MediaVisitor {
  contactId: string;
  account: { _id: string };
}

export interface VisitorAuthenticator {
  authenticate(token: string | undefined): Promise<MediaVisitor | undefined>;
}

/**
 * The chat widget's files. Mount: `['/api/webchat/media', visitorMediaRoutes({ media, visitors, limit })]`
 * before `/api/webchat` (whose `/:accountId/visitors` would not match anyway). Uploads follow the
 * website chat's limits; a visitor reads what it sent and the files of public messages of its own
 * conversations.
 */
export function visitorMediaRoutes(options: { media: MediaService; visitors: VisitorAuthenticator; limit?: RequestHandler }): Router {
  const { media, visitors, limit } = options;
  const router = Router();
  const visitorOf = async (req: Request): Promise<MediaVisitor> => {
    const visitor = await visitors.authenticate(bearerToken(req));
    if (!visitor) throw new DomainError('unauthenticated', 'unauthenticated', 'A visitor token is required');
    return visitor;
  };
  const limited = limit ? [limit] : [];

  router.post('/', ...limited, handle(async (req, res) => {
    const visitor = await visitorOf(req);
    const file = await readUpload(req, visitorRules);
    const stored = await media.upload({
      bytes: file.bytes, filename: file.filename, declaredMime: file.declaredMime, channel: 'webchat',
      uploadedBy: visitor.contactId,
    });
    res.status(201).json(toMediaResponse(stored));
  }));

  router.get('/:id', handle(async (req, res) => {
    const visitor = await visitorOf(req);
    await sendMedia(req, res, media, { kind: 'visitor', contactId: visitor.contactId, channelAccountId: visitor.account._id });
  }));
  router.use(lingerOnRefusal);
  return router;
}
