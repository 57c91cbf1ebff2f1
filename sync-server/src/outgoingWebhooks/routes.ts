import { Router } from 'express';
import { API, notFound, ulid } from '@atende/protocol';
import { requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { created, implement } from '../http/contract.js';
import type { DeliveryLog } from './deliveryLog.js';
import type { Subscriptions } from './subscriptions.js';
import { viewOf } from './types.js';

const MOUNT = '/api/admin/webhooks';

/** `/api/admin/webhooks` (R-RT-05): admins only; the secret goes in, never out. */
export function outgoingWebhookRoutes(subscriptions: Subscriptions, log: DeliveryLog, auth: AuthService): Router {
  const router = Router();
  router.use(requireUser(auth, ['admin']));
  const existing = async (id: string) => {
    const found = await subscriptions.find(id);
    if (!found) throw notFound('webhook');
    return found;
  };
  implement(router, MOUNT, API.adminListWebhooks, async () => ({ webhooks: (await subscriptions.list()).map(viewOf) }));
  implement(router, MOUNT, API.adminCreateWebhook, async ({ body }) => created(viewOf(await subscriptions.create(body))));
  implement(router, MOUNT, API.adminUpdateWebhook, async ({ params, body }) => viewOf(await subscriptions.update(params.id, body)));
  implement(router, MOUNT, API.adminRemoveWebhook, ({ params }) => subscriptions.remove(params.id));
  implement(router, MOUNT, API.adminWebhookDeliveries, async ({ params }) => ({ deliveries: await log.list((await existing(params.id))._id) }));
  implement(router, MOUNT, API.adminResendWebhookDelivery, async ({ params }) => {
    await log.resend((await existing(params.id))._id, params.deliveryId, ulid());
    return { ok: true as const };
  });
  return router;
}
