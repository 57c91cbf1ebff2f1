import { call, type TestServer } from './helpers.js';
import { installScripted, SCRIPTED_SECRET_HEADER, type ScriptedUpstream } from './scriptedAdapter.js';

/**
 * The channel under the core's generic tests (channels, outbox): a scripted adapter registered for
 * Reclame Aqui, the one kind with no real adapter yet, so no real adapter is hidden. The webhook
 * secret is the account's `clientSecret` setting, sent in SCRIPTED_SECRET_HEADER.
 */
export const FAKE_KIND = 'reclameaqui';
export const FAKE_SECRET = 's3cr3t-token-0123456789';

export const fakeConfig = (clientSecret = FAKE_SECRET) => ({ apiBaseUrl: 'https://reclameaqui.example', clientId: 'client', clientSecret, companyId: '42' });

/** Plugs the scripted adapter into a running server for the fake kind. */
export function installFakeChannel(server: TestServer): ScriptedUpstream {
  return installScripted(server, FAKE_KIND, { secretKey: 'clientSecret' });
}

/** Creates an account of the fake kind through the admin API. */
export async function createFakeAccount(server: TestServer, adminToken: string, name = 'Canal de suporte') {
  const reply = await call<{ id: string; webhookUrl: string | null }>(server, 'POST', '/api/admin/channels', {
    token: adminToken,
    body: { kind: FAKE_KIND, name, teamId: 'team:suporte', config: fakeConfig() },
  });
  if (reply.status !== 201) throw new Error(`channel: ${reply.status} ${JSON.stringify(reply.body)}`);
  const key = reply.body.id.slice('channel:'.length);
  return { id: reply.body.id, key, webhookUrl: reply.body.webhookUrl, path: `/channels/${FAKE_KIND}/${key}/webhook` };
}

/** POSTs a webhook delivery; a string body goes as is, anything else as JSON. */
export function deliver(server: TestServer, path: string, body: unknown, secret: string | null = FAKE_SECRET) {
  return call(server, 'POST', path, {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: secret === null ? {} : { [SCRIPTED_SECRET_HEADER]: secret },
  });
}
