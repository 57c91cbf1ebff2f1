import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { docId, type ChannelKind, type MessageDoc } from '@atende/protocol';
import type { InboundEvent, InboundMessage } from '../src/channels/adapter.js';
import { upstreamMessageKey } from '../src/channels/inbound.js';
import { getWire } from '../src/store/wire.js';
import { addUser, call, clientId, login, startTestServer, type TestServer } from './helpers.js';
import { scriptedAdapter, ScriptedUpstream } from './scriptedAdapter.js';

/**
 * The channel core under Telegram, Messenger and Instagram (issue 11), through the scripted
 * adapter registered for those kinds on each test file's own server: its webhook body is the list
 * of events the real adapters parse, so the tests exercise what the core does with each event,
 * not any upstream's format. Shared by channel-core-inbound and channel-core-outbound.
 */
export const SECRET = 'core-test-secret-0123456789-abcdefghij';
export const HOUR = 60 * 60_000;

/** What the scripted upstream was asked, shared by every adapter the registry builds. */
export const upstream = new ScriptedUpstream();

export let server: TestServer;
export let admin: string;
export let ana: string;
export let diego: string;
/** Serves every conversation these tests open (far above the demo agents' limit of open conversations). */
export let eva: string;
export const accounts: Partial<Record<ChannelKind, string>> = {};

export async function createAccount(kind: ChannelKind, config: Record<string, unknown>, name = `Conta ${kind}`) {
  const reply = await call<{ id: string; settings: Record<string, string>; secretsSet: string[]; connection?: { ok: boolean; message: string } }>(
    server, 'POST', '/api/admin/channels', { token: admin, body: { kind, name, teamId: 'team:suporte', config } },
  );
  expect(reply.status).toBe(201);
  return reply.body;
}

export const MESSENGER = { pageId: '4242', pageAccessToken: 'page-token', appSecret: 'app-secret-0123' };
export const INSTAGRAM = { igUserId: '1784', pageId: '4242', pageAccessToken: 'page-token', appSecret: 'app-secret-0123', humanAgentTag: 'on' };

/** Starts the test file's server with the scripted adapter and its accounts (call once, at the top level). */
export function useCoreRig(): void {
  beforeAll(async () => {
    server = await startTestServer({ ATENDE_SECRET: SECRET });
    // Scripted for the kinds whose core rules these tests prove; Telegram's connects on save as the real one does.
    server.registry.register('telegram', scriptedAdapter('telegram', upstream, { server, connectsOnSave: true }));
    server.registry.register('messenger', scriptedAdapter('messenger', upstream, { server }));
    server.registry.register('instagram', scriptedAdapter('instagram', upstream, { server }));
    admin = (await login(server, 'admin@demo.local')).accessToken;
    ana = (await login(server, 'ana@demo.local')).accessToken;
    await addUser(server, { key: 'diego', name: 'Diego Ramos', email: 'diego@demo.local', role: 'agent', teamIds: ['team:comercial'] });
    diego = (await login(server, 'diego@demo.local')).accessToken;
    await addUser(server, { key: 'eva', name: 'Eva Prado', email: 'eva@demo.local', role: 'agent', teamIds: ['team:suporte'], maxConcurrent: 100 });
    eva = (await login(server, 'eva@demo.local')).accessToken;
    accounts.messenger = (await createAccount('messenger', MESSENGER)).id;
    accounts.instagram = (await createAccount('instagram', INSTAGRAM)).id;
    accounts.telegram = (await createAccount('telegram', { botToken: '123:AAE-channel-core-rig-token-0123456789' })).id;
  });
  afterAll(() => server.close());
  beforeEach(() => upstream.reset());
}

export const pathOf = (kind: ChannelKind) => `/channels/${kind}/${String(accounts[kind]).slice('channel:'.length)}/webhook`;
export const deliver = (kind: ChannelKind, events: InboundEvent[]) => call(server, 'POST', pathOf(kind), { body: { events } });

let nextAddress = 900_000;
export const newAddress = () => String(++nextAddress);
/** A stored account's settings, secrets included (never returned by the API). */
export const storedSettings = async (id: string) => ((await server.store.get(id))?.settings ?? {}) as Record<string, string | undefined>;

export function inbound(address: string, externalId: string, text: string, extra: Partial<InboundMessage> = {}): InboundEvent {
  return { type: 'message', message: { externalId, address, authorName: '', kind: 'text', text, media: [], payload: {}, at: Date.now(), ...extra } };
}

export async function storedMessage(kind: ChannelKind, externalId: string) {
  return getWire<MessageDoc>(server.store, docId('message', upstreamMessageKey(String(accounts[kind]), externalId)));
}

/** A customer writes, Ana takes the conversation: answers its id. */
export async function conversationWith(kind: ChannelKind, address: string, extra: Partial<InboundMessage> = {}): Promise<string> {
  const externalId = `m.${address}.${clientId()}`;
  expect((await deliver(kind, [inbound(address, externalId, 'Oi', extra)])).status).toBe(200);
  const conversationId = String((await storedMessage(kind, externalId))?.conversationId);
  expect((await call(server, 'POST', `/api/conversations/${conversationId}/claim`, { token: eva, body: {} })).status).toBe(200);
  return conversationId;
}

export const reply = (conversationId: string, text: string, mediaIds?: string[]) =>
  call<{ message: MessageDoc }>(
    server, 'POST', `/api/conversations/${conversationId}/messages`, { token: eva, body: { id: clientId('r'), text, ...(mediaIds ? { mediaIds } : {}) } },
  );
