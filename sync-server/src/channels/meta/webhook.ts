import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookRequest } from '../adapter.js';
import { sameSecret } from '../../auth/tokens.js';

/**
 * The webhook contract Meta's Graph API shares across WhatsApp, Messenger and Instagram
 * (CHANNELS.md): a GET verification handshake, and an `X-Hub-Signature-256` HMAC over the raw
 * request bytes on every POST.
 */

/** `GET ?hub.mode=subscribe&hub.challenge=<n>&hub.verify_token=<ours>` → the challenge, else 403. */
export function metaHandshake(request: WebhookRequest, verifyToken: string): { status: number; body: string } {
  const { query } = request;
  const ok = query['hub.mode'] === 'subscribe' && sameSecret(query['hub.verify_token'] ?? '', verifyToken);
  const challenge = query['hub.challenge'] ?? '';
  return ok && /^[A-Za-z0-9_-]{1,256}$/.test(challenge) ? { status: 200, body: challenge } : { status: 403, body: 'forbidden' };
}

/** HMAC-SHA256 of the bytes exactly as received, keyed with the app secret, compared in constant time. */
export function verifyMetaSignature(request: WebhookRequest, appSecret: string): boolean {
  const header = request.headers['x-hub-signature-256'] ?? '';
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!match?.[1]) return false;
  const expected = createHmac('sha256', appSecret).update(request.rawBody).digest();
  const given = Buffer.from(match[1], 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
