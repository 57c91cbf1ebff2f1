import { Router } from 'express';
import { API } from '@atende/protocol';
import { requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import { created, implement } from '../http/contract.js';
import type { ChannelAccounts } from './service.js';

const MOUNT = '/api/admin/channels';

/** `/api/admin/channels` (issue 7 point 3): admins only; secrets are write-only. */
export function channelAccountRoutes(accounts: ChannelAccounts, auth: AuthService): Router {
  const router = Router();
  router.use(requireUser(auth, ['admin']));
  implement(router, MOUNT, API.createChannel, async ({ body }) => created(accounts.view(await accounts.create(body))));
  implement(router, MOUNT, API.listChannels, async () => ({ channels: (await accounts.list()).map((a) => accounts.view(a)) }));
  implement(router, MOUNT, API.getChannel, async ({ params }) => accounts.view(await accounts.get(params.id)));
  implement(router, MOUNT, API.updateChannel, async ({ params, body }) => accounts.view(await accounts.update(params.id, body)));
  implement(router, MOUNT, API.removeChannel, ({ params }) => accounts.remove(params.id));
  return router;
}
