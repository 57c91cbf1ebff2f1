import { createHmac } from 'node:crypto';
import { Router } from 'express';
import { DomainError, type Attachment } from '@atende/protocol';
import { TokenSigner } from '../auth/tokens.js';
import type { MediaService } from '../media/service.js';

/** How long a link handed to an upstream works: Meta fetches an attachment within seconds of the send. */
export const PUBLIC_MEDIA_TTL_MS = 60 * 60_000;
const MEDIA_ID = /^media:[0-9A-Za-z]{10,40}$/;

/**
 * Short-lived links to one stored file, for upstreams that fetch attachments by URL (Messenger,
 * Instagram): `<base>/channels/media/<signed {media, exp}>`, a TokenSigner token keyed with a key
 * derived from the server secret, so only this server mints them and none outlives its hour.
 */
export class PublicMediaLinks {
  private readonly signer: TokenSigner;

  constructor(
    serverSecret: string,
    /** The server's address as upstreams reach it (ChannelAccounts.upstreamBaseUrl); null: no links. */
    private readonly baseUrl: () => string | null,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = PUBLIC_MEDIA_TTL_MS,
  ) {
    // Its own key: a media link can never pass for a session token or the reverse.
    const key = createHmac('sha256', serverSecret).update('atende public media links').digest('base64url');
    this.signer = new TokenSigner(key, now);
  }

  tokenFor(mediaId: string, expiresAt = this.now() + this.ttlMs): string {
    return this.signer.sign({ media: mediaId, exp: Math.floor(expiresAt / 1000) });
  }

  /** The link an adapter hands upstream (OutboundRequest.publicMediaUrl). */
  urlFor(attachment: Pick<Attachment, 'mediaId'>): string | null {
    const base = this.baseUrl();
    return base ? `${base}/channels/media/${encodeURIComponent(this.tokenFor(attachment.mediaId))}` : null;
  }

  /** The media id a token names, or null when it is forged, malformed or expired. */
  verify(token: string): string | null {
    const payload = this.signer.verify(token);
    // TokenSigner lets a token without `exp` live for ever: a media link must carry one.
    if (!payload || typeof payload.exp !== 'number' || typeof payload.media !== 'string' || !MEDIA_ID.test(payload.media)) return null;
    return payload.media;
  }
}

/**
 * `GET /channels/media/:token` (mounted under `/channels`): the file a valid link names, with no
 * login. A forged, expired or unknown link answers 404 alike.
 */
export function publicMediaRoutes(deps: { links: PublicMediaLinks; media: MediaService }): Router {
  const router = Router();
  router.get('/media/:token', async (req, res) => {
    const mediaId = deps.links.verify(String(req.params.token));
    const content = mediaId ? await deps.media.read(mediaId, 'file') : undefined;
    if (!content) throw new DomainError('not_found', 'not_found', 'Media not found');
    // The upstream keeps the file under its name (a customer's document keeps "contrato.pdf").
    res.attachment(content.media.name);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Content-Type', content.contentType);
    res.setHeader('Content-Length', String(content.data.length));
    res.status(200).end(content.data);
  });
  return router;
}
