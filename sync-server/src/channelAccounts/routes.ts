import { Router } from 'express';
import { API } from '@atende/protocol';
import { requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import type { ChannelRegistry } from '../channels/adapter.js';
import { created, implement } from '../http/contract.js';
import type { ChannelAccounts } from './service.js';

const MOUNT = '/api/admin/channels';

/** `/api/admin/channels` (issue 7 point 3): admins only; secrets are write-only. */
export function channelAccountRoutes(accounts: ChannelAccounts, auth: AuthService, registry?: ChannelRegistry): Router {
  const router = Router();
  router.use(requireUser(auth, ['admin']));
  implement(router, MOUNT, API.createChannel, async ({ body }) => created(accounts.view(await accounts.create(body))));
  implement(router, MOUNT, API.listChannels, async () => ({ channels: (await accounts.list()).map((a) => accounts.view(a)) }));
  implement(router, MOUNT, API.getChannel, async ({ params }) => accounts.view(await accounts.get(params.id)));
  implement(router, MOUNT, API.updateChannel, async ({ params, body }) => accounts.view(await accounts.update(params.id, body)));
  implement(router, MOUNT, API.removeChannel, ({ params }) => accounts.remove(params.id));
  // "Testar conexão": the upstream's answer as a sentence; a refusal is ok:false, never a 5xx.
  implement(router, MOUNT, API.testChannel, async ({ params }) => {
    const account = await accounts.get(params.id);
    const adapter = registry?.forAccount(account);
    if (!adapter) return { ok: false, message: 'O Atende ainda não se conecta a canais deste tipo.' };
    if (!adapter.testConnection) return { ok: true, message: 'Este canal não depende de um serviço externo.' };
    return adapter.testConnection();
  });
  return router;
}
