import express, { Router, type Request } from 'express';
import { ChannelKind, DomainError } from '@atende/protocol';
import { isEnabled, type ChannelAccounts } from '../channelAccounts/service.js';
import type { RateLimiter } from '../http/rateLimit.js';
import type { ChannelRegistry, WebhookRequest } from './adapter.js';
import type { ChannelInbound } from './inbound.js';

/** Upstream deliveries are small JSON; Meta's batches stay far below this. */
const WEBHOOK_BODY_LIMIT = '1mb';

/**
 * `GET|POST /channels/:kind/:channelId/webhook` (ARCHITECTURE §4): the raw bytes reach the
 * adapter untouched so signatures can be checked over them; 2xx only after the store has the
 * messages (R-CH-11). Unknown channel 404, disabled 410, bad signature 401 with nothing stored.
 */
export function webhookRoutes(deps: { accounts: ChannelAccounts; registry: ChannelRegistry; inbound: ChannelInbound; limiter: RateLimiter }): Router {
  const router = Router();
  const raw = express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT });

  const resolve = async (req: Request) => {
    const kind = ChannelKind.safeParse(req.params.kind);
    const account = kind.success ? await deps.accounts.find(String(req.params.channelId)) : undefined;
    if (!account || account.kind !== kind.data) throw new DomainError('not_found', 'unknown_channel', 'No such channel');
    if (!isEnabled(account)) throw new DomainError('gone', 'channel_disabled', 'This channel is disabled');
    const adapter = deps.registry.forAccount(account);
    if (!adapter) throw new DomainError('not_found', 'unknown_channel', 'This channel takes no webhooks');
    const request: WebhookRequest = {
      query: Object.fromEntries(Object.entries(req.query).map(([k, v]) => [k, String(v)])),
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v])),
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    };
    return { account, adapter, request };
  };

  router.get('/:kind/:channelId/webhook', deps.limiter.middleware('webhook'), async (req, res) => {
    const { adapter, request } = await resolve(req);
    if (!adapter.handshake) throw new DomainError('not_found', 'no_handshake', 'This channel has no verification handshake');
    const answer = adapter.handshake(request);
    res.status(answer.status).type('text/plain').send(answer.body);
  });

  router.post('/:kind/:channelId/webhook', deps.limiter.middleware('webhook'), raw, async (req, res) => {
    const { account, adapter, request } = await resolve(req);
    if (!adapter.verify || !adapter.parse) throw new DomainError('not_found', 'unknown_channel', 'This channel takes no webhooks');
    if (!adapter.verify(request)) throw new DomainError('unauthenticated', 'bad_signature', 'The webhook signature does not match');
    await deps.inbound.handle(account, adapter.parse(request), adapter);
    res.status(200).json({ ok: true });
  });
  return router;
}
