import { Router } from 'express';
import { API, type ChannelAccountView, type ChannelTestResponse } from '@atende/protocol';
import { requireUser } from '../auth/middleware.js';
import type { AuthService } from '../auth/service.js';
import type { ChannelAdapter, ChannelRegistry } from '../channels/adapter.js';
import { created, implement } from '../http/contract.js';
import { isEnabled, type ChannelAccountDoc, type ChannelAccounts } from './service.js';

const MOUNT = '/api/admin/channels';

/** "Testar conexão" with the adapter's own answer; an adapter that throws anyway is a refusal, never a 5xx. */
async function testWith(adapter: ChannelAdapter): Promise<ChannelTestResponse> {
  if (!adapter.testConnection) return { ok: true, message: 'Este canal não depende de um serviço externo.' };
  try {
    return await adapter.testConnection();
  } catch {
    return { ok: false, message: 'Não foi possível falar com o serviço do canal. Tente "Testar conexão" de novo.' };
  }
}

/**
 * `/api/admin/channels` (issue 7 point 3): admins only; secrets are write-only. Kinds that register
 * upstream on save (Telegram: getMe + setWebhook) answer create and config changes with how that
 * went (`connection`); the account is stored either way.
 */
export function channelAccountRoutes(accounts: ChannelAccounts, auth: AuthService, registry?: ChannelRegistry): Router {
  const router = Router();
  router.use(requireUser(auth, ['admin']));
  const saved = async (account: ChannelAccountDoc, configChanged: boolean): Promise<ChannelAccountView> => {
    const view = accounts.view(account);
    const adapter = configChanged && isEnabled(account) ? registry?.forAccount(account) : undefined;
    return adapter?.connectsOnSave ? { ...view, connection: await testWith(adapter) } : view;
  };
  implement(router, MOUNT, API.createChannel, async ({ body }) => created(await saved(await accounts.create(body), true)));
  implement(router, MOUNT, API.listChannels, async () => ({ channels: (await accounts.list()).map((a) => accounts.view(a)) }));
  implement(router, MOUNT, API.getChannel, async ({ params }) => accounts.view(await accounts.get(params.id)));
  implement(router, MOUNT, API.updateChannel, async ({ params, body }) =>
    saved(await accounts.update(params.id, body), body.config !== undefined && Object.keys(body.config).length > 0));
  implement(router, MOUNT, API.removeChannel, ({ params }) => accounts.remove(params.id));
  // "Testar conexão": the upstream's answer as a sentence; a refusal is ok:false, never a 5xx.
  implement(router, MOUNT, API.testChannel, async ({ params }) => {
    const account = await accounts.get(params.id);
    const adapter = registry?.forAccount(account);
    if (!adapter) return { ok: false, message: 'O Atende ainda não se conecta a canais deste tipo.' };
    return testWith(adapter);
  });
  return router;
}
