import { expect } from 'vitest';
import { RA_META, type ChannelAccountView, type ConversationDoc, type MessageDoc } from '@atende/protocol';
import { ReclameAquiPoller } from '../src/channels/reclameaqui/poller.js';
import { FakeHugMe } from '../src/channels/reclameaqui/simulator/fakeHugMe.js';
import { ContactDirectory } from '../src/contacts/directory.js';
import { InboundService } from '../src/conversations/inbound.js';
import { ProtocolNumbers } from '../src/conversations/protocolNumbers.js';
import { toWire } from '../src/store/wire.js';
import { call, login, startTestServer, type TestServer } from './helpers.js';

/**
 * A real server with a Reclame Aqui account pointed at the fake HugMe on loopback. Polls are run
 * by the test (`rig.poller()` is a fresh poller, as a restarted node would build), so nothing
 * polls in the background between a test's steps.
 */
export const CREDENTIALS = { clientId: 'atende-client', clientSecret: 'atende-secret-0123456789', companyId: '4242' };

export interface ReclameAquiRig {
  server: TestServer;
  hugme: FakeHugMe;
  admin: string;
  accountId: string;
  /** A poller over the server's store, as any node (or a restarted one) builds it. */
  poller(): ReclameAquiPoller;
  createAccount(config?: Record<string, unknown>): Promise<ChannelAccountView>;
  close(): Promise<void>;
}

export async function startReclameAquiRig(options: { rateLimitPerMinute?: number } = {}): Promise<ReclameAquiRig> {
  const hugme = await new FakeHugMe({ ...CREDENTIALS, rateLimitPerMinute: options.rateLimitPerMinute ?? 0 }).start();
  // The tests run every poll round themselves: nothing starts one in the background.
  const server = await startTestServer({}, { pollInBackground: false });
  const admin = (await login(server, 'admin@demo.local')).accessToken;
  const createAccount = async (config: Record<string, unknown> = {}) => {
    const answer = await call<ChannelAccountView>(server, 'POST', '/api/admin/channels', {
      token: admin,
      body: { kind: 'reclameaqui', name: 'Reclame Aqui Loja', teamId: 'team:suporte', config: { ...CREDENTIALS, apiBaseUrl: hugme.baseUrl, ...config } },
    });
    expect(answer.status).toBe(201);
    return answer.body;
  };
  const account = await createAccount();
  const poller = () => new ReclameAquiPoller({
    store: server.store, accounts: server.accounts, registry: server.registry,
    contacts: new ContactDirectory(server.store), inbound: new InboundService(server.store, new ProtocolNumbers(server.store, 'America/Sao_Paulo')),
  });
  return {
    server, hugme, admin, accountId: account.id, poller, createAccount,
    async close() {
      await server.close();
      await hugme.stop();
    },
  };
}

/** The conversations of one complaint (by the header's complaint id). */
export async function conversationsOf(rig: ReclameAquiRig, ticketId: number): Promise<ConversationDoc[]> {
  const docs = await rig.server.store.find({ selector: { type: 'conversation', channelAccountId: rig.accountId }, limit: 100_000 });
  return docs.map((d) => toWire<ConversationDoc>(d)).filter((c) => c.channelMeta[RA_META.complaintId] === String(ticketId));
}

/** The customer's messages of a conversation, oldest first. */
export async function inboundOf(rig: ReclameAquiRig, conversationId: string): Promise<MessageDoc[]> {
  const docs = await rig.server.store.find({ selector: { type: 'message', conversationId }, limit: 100_000 });
  return docs.map((d) => toWire<MessageDoc>(d)).filter((m) => m.direction === 'in').sort((a, b) => a.createdAt - b.createdAt);
}

export const complaint = (n: number) => ({
  customer: { name: `Consumidora ${n}`, email: `consumidora${n}@example.com` },
  title: `Produto com defeito ${n}`,
  content: `Comprei e veio quebrado (${n}).`,
  city: 'Campinas',
  state: 'SP',
});
