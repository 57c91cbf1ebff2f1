import { newJob } from '../../../src/jobs/types.js';
import { DeliveryLog } from '../../../src/outgoingWebhooks/deliveryLog.js';
import { WEBHOOK_DELIVERY_JOB } from '../../../src/outgoingWebhooks/types.js';
import { call, clientId } from '../../helpers.js';
import { adminsOnly, type RouteRow } from '../cells.js';
import type { MatrixContext } from '../context.js';
import { fixture } from './fixture.js';

const SECRET = 'segredo-da-matriz-0001';

/** A fresh webhook, switched off so the matrix never POSTs anywhere. */
async function webhook(ctx: MatrixContext): Promise<string> {
  const reply = await call<{ id: string }>(ctx.server, 'POST', '/api/admin/webhooks', {
    token: ctx.token('adminOwn'), body: { url: 'https://hooks.example.com/atende', events: ['message.created'], secret: SECRET, enabled: false },
  });
  if (reply.status !== 201) throw new Error(`webhook: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.id;
}

/** A webhook with one logged attempt (its job written by hand: nothing is delivered while it is off). */
async function logged(ctx: MatrixContext): Promise<{ id: string; deliveryId: string }> {
  const id = await webhook(ctx);
  const eventId = `message.created:message:${clientId('m')}`;
  const job = newJob(WEBHOOK_DELIVERY_JOB, clientId('j'), { webhookId: id, eventId, event: 'message.created', createdAt: Date.now(), data: {}, resent: false });
  job.state = 'done';
  await ctx.server.store.bulkWrite([job]);
  const deliveryId = clientId('d');
  await new DeliveryLog(ctx.server.store).record(id, {
    id: deliveryId, jobId: job._id, eventId, event: 'message.created', at: Date.now(), attempt: 1, status: 200, error: null, durationMs: 3, ok: true, resent: false,
  });
  return { id, deliveryId };
}

/** Authorisation rows of the issue 15 routes of this feature (spread into ROUTES in matrix.ts). */
export const ROWS: readonly RouteRow[] = [
  // Outgoing webhooks (R-RT-05): admins only; the secret never comes back.
  { route: 'GET /api/admin/webhooks', ids: 'R-RT-05', expect: adminsOnly(200), hidden: [{ from: ['adminOwn'], text: () => SECRET }] },
  { route: 'POST /api/admin/webhooks', ids: 'R-RT-05', expect: adminsOnly(201),
    request: () => ({ path: '/api/admin/webhooks', body: { url: 'https://hooks.example.com/novo', events: ['conversation.created'], secret: SECRET, enabled: false } }),
    hidden: [{ from: ['adminOwn'], text: () => SECRET }] },
  { route: 'PATCH /api/admin/webhooks/:id', ids: 'R-RT-05', expect: adminsOnly(200),
    request: async (ctx, _caller, cell) => ({ path: `/api/admin/webhooks/${await fixture(ctx, cell, () => webhook(ctx))}`, body: { events: ['conversation.finished'] } }) },
  { route: 'DELETE /api/admin/webhooks/:id', ids: 'R-RT-05', expect: adminsOnly(204),
    request: async (ctx, _caller, cell) => ({ path: `/api/admin/webhooks/${await fixture(ctx, cell, () => webhook(ctx))}` }) },
  { route: 'GET /api/admin/webhooks/:id/deliveries', ids: 'R-RT-05', expect: adminsOnly(200),
    request: async (ctx, _caller, cell) => ({ path: `/api/admin/webhooks/${await fixture(ctx, cell, () => webhook(ctx))}/deliveries` }) },
  { route: 'POST /api/admin/webhooks/:id/deliveries/:deliveryId/resend', ids: 'R-RT-05', expect: adminsOnly(200),
    request: async (ctx, _caller, cell) => {
      const { id, deliveryId } = await fixture(ctx, cell, () => logged(ctx));
      return { path: `/api/admin/webhooks/${id}/deliveries/${deliveryId}/resend` };
    } },
];
