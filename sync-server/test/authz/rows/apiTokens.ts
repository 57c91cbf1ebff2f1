import { clientId, call } from '../../helpers.js';
import { adminsOnly, everyone, type RouteRow } from '../cells.js';
import type { MatrixContext } from '../context.js';
import { fixture } from './fixture.js';

/** A fresh API token an admin may revoke. */
async function apiToken(ctx: MatrixContext): Promise<string> {
  const reply = await call<{ id: string }>(ctx.server, 'POST', '/api/admin/tokens', {
    token: ctx.token('adminOwn'), body: { name: `Token ${clientId('t')}`, scopes: ['contacts:read'] },
  });
  if (reply.status !== 201) throw new Error(`API token: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.id;
}

/**
 * API tokens (R-RT-05): admins administer them; the OpenAPI document is public. The public API
 * under /api/v1 takes API tokens only, and the matrix's callers are users and visitors: every one
 * of them — an admin's access token included — is answered 401 there. What an API token may do
 * (scopes, revocation) is proven in api-tokens.test.ts.
 */
const apiTokenOnly = { expect: everyone(401), ids: 'R-RT-05' } as const;

export const ROWS: readonly RouteRow[] = [
  { route: 'GET /api/admin/tokens', ids: 'R-RT-05', expect: adminsOnly(200) },
  { route: 'POST /api/admin/tokens', ids: 'R-RT-05', expect: adminsOnly(201),
    request: () => ({ path: '/api/admin/tokens', body: { name: `Token ${clientId('t')}`, scopes: ['conversations:read'] } }),
    hidden: [{ from: ['adminOwn', 'adminOther'], text: () => '"hash"' }] },
  { route: 'DELETE /api/admin/tokens/:id', ids: 'R-RT-05', expect: adminsOnly(204),
    request: async (ctx, _caller, cell) => ({ path: `/api/admin/tokens/${await fixture(ctx, cell, () => apiToken(ctx))}` }) },
  { route: 'GET /api/openapi.json', ids: 'R-RT-05', expect: everyone(200) },

  { route: 'GET /api/v1/conversations', ...apiTokenOnly },
  { route: 'GET /api/v1/conversations/:id', ...apiTokenOnly, request: () => ({ path: '/api/v1/conversations/conversation:x' }) },
  { route: 'POST /api/v1/conversations', ...apiTokenOnly,
    request: () => ({ path: '/api/v1/conversations', body: { id: clientId('o'), channelAccountId: 'channel:demo-site', contactId: 'contact:maria', text: 'oi' } }) },
  { route: 'POST /api/v1/conversations/:id/messages', ...apiTokenOnly,
    request: () => ({ path: '/api/v1/conversations/conversation:x/messages', body: { id: clientId('m'), text: 'oi' } }) },
  { route: 'GET /api/v1/contacts', ...apiTokenOnly },
  { route: 'GET /api/v1/contacts/:id', ...apiTokenOnly, request: () => ({ path: '/api/v1/contacts/contact:maria' }) },
];
