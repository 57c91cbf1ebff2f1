import { afterEach, describe, expect, it } from 'vitest';
import { RA_META, type ConversationDoc, type MessageDoc } from '@atende/protocol';
import { ChannelAccounts, type ChannelAccountDoc } from '../src/channelAccounts/service.js';
import { ReclameAquiAdapter } from '../src/channels/reclameaqui/adapter.js';
import { ChannelRegistry } from '../src/channels/adapter.js';
import { ANSWER_MAX_BYTES, AnswerTooLarge, LISTING_MAX_BYTES, RaTicket, ReclameAquiClient } from '../src/channels/reclameaqui/client.js';
import { DEMO_RECLAME_AQUI_ID, startDemoReclameAqui } from '../src/channels/reclameaqui/simulator/demo.js';
import { cursorIdOf, ReclameAquiPoller, type PollCursorDoc } from '../src/channels/reclameaqui/poller.js';
import { complaintPageUrl } from '../src/channels/reclameaqui/ticketSchema.js';
import { ContactDirectory } from '../src/contacts/directory.js';
import { InboundService } from '../src/conversations/inbound.js';
import { ProtocolNumbers } from '../src/conversations/protocolNumbers.js';
import { updateDoc } from '../src/store/index.js';
import { toWire } from '../src/store/wire.js';
import { call, login, startTestServer } from './helpers.js';
import { complaint, conversationsOf, startReclameAquiRig, type ReclameAquiRig } from './reclameaquiSetup.js';

/**
 * What HugMe sends is not trusted (issue 12 security review): strings going into replicated
 * documents are bounded, ids are safe tokens, dates are real dates, the page link stays on Reclame
 * Aqui — and one odd ticket is skipped with a log line, never stopping the poll.
 */
let rig: ReclameAquiRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

type RawTicket = Record<string, unknown>;

/**
 * A poller over the rig whose HugMe listing passes through `rewrite` (what a broken or hostile
 * HugMe might send); `logged` collects its log lines.
 */
function pollerWith(r: ReclameAquiRig, rewrite: (tickets: RawTicket[]) => unknown[], logged: string[]): ReclameAquiPoller {
  const fetcher = (async (input: string | URL | Request, init?: RequestInit) => {
    const res = await fetch(input, init);
    if (!String(input).includes('/ticket/v1/tickets?')) return res;
    const answer = (await res.json()) as { data: RawTicket[]; meta: unknown };
    return Response.json({ ...answer, data: rewrite(answer.data) });
  }) as typeof fetch;
  const registry = new ChannelRegistry();
  registry.register('reclameaqui', (account) => new ReclameAquiAdapter(account, { fetcher }));
  return new ReclameAquiPoller({
    store: r.server.store, accounts: r.server.accounts, registry, log: (m) => logged.push(m),
    contacts: new ContactDirectory(r.server.store), inbound: new InboundService(r.server.store, new ProtocolNumbers(r.server.store, 'America/Sao_Paulo')),
  });
}

async function storedConversations(r: ReclameAquiRig): Promise<ConversationDoc[]> {
  const docs = await r.server.store.find({ selector: { type: 'conversation', channelAccountId: r.accountId }, limit: 1000 });
  return docs.map((d) => toWire<ConversationDoc>(d));
}

async function messagesOf(r: ReclameAquiRig, conversationId: string): Promise<MessageDoc[]> {
  const docs = await r.server.store.find({ selector: { type: 'message', conversationId }, limit: 1000 });
  return docs.map((d) => toWire<MessageDoc>(d));
}

const LONG = 5000;

describe('R-CH-06 what HugMe sends is bounded before it reaches a conversation', () => {
  it('R-CH-06 header fields, the consumer\'s name and the moderation reason are cut or dropped, never stored whole', async () => {
    const r = (rig = await startReclameAquiRig());
    const ticket = r.hugme.fileComplaint(complaint(1));
    const logged: string[] = [];
    const poller = pollerWith(r, (tickets) => tickets.map((t) => ({
      ...t,
      complaint_title: 'T'.repeat(LONG),
      customer: { ...(t.customer as RawTicket), name: 'N'.repeat(LONG) },
      location: { city: 'C'.repeat(LONG), state: 'S'.repeat(LONG) },
      ra_status: { id: 77, name: 'X'.repeat(LONG) },
      moderation: { status: 'pending', reason: 'R'.repeat(LONG) },
      public_url: `https://www.reclameaqui.com.br/${'a'.repeat(LONG)}`,
    })), logged);
    expect(await poller.poll(r.accountId)).toMatchObject({ tickets: 1 });
    const [conversation] = await conversationsOf(r, ticket.id);
    const meta = conversation?.channelMeta ?? {};
    expect(meta[RA_META.title]?.length).toBe(500);
    expect(meta[RA_META.title]?.endsWith('…')).toBe(true);
    expect(meta[RA_META.city]?.length).toBe(200);
    expect(meta[RA_META.state]?.length).toBe(200);
    expect(meta[RA_META.statusName]?.length).toBe(200);
    expect(meta).not.toHaveProperty(RA_META.pageUrl);
    expect(meta[RA_META.moderationStatus]).toBe('pending');
    expect(meta).not.toHaveProperty(RA_META.moderationReason);
    // The consumer's complaint (a queued-event line may be stored beside it, in any index order).
    const first = (await messagesOf(r, conversation?.id ?? '')).find((m) => m.direction === 'in');
    expect(first?.authorName.length).toBe(200);
    expect(logged).toEqual([]);
  });

  it('R-CH-06 a ticket whose id or customer id is no short safe token is skipped with one log line; the others are stored and the poll goes on', async () => {
    const r = (rig = await startReclameAquiRig());
    const good = r.hugme.fileComplaint(complaint(1));
    const logged: string[] = [];
    const odd = (t: RawTicket): RawTicket[] => [
      { ...t, id: '../../etc/passwd' },
      { ...t, id: 'x'.repeat(65) },
      { ...t, id: 'ok-id', customer: { ...(t.customer as RawTicket), id: 'a b:c' } },
      { ...t, id: 'ok-id-2', interactions: [{ ticket_interaction_id: '1/2', ticket_interaction_type_id: 6, message: 'oi' }] },
    ];
    const poller = pollerWith(r, (tickets) => [...tickets.flatMap(odd), ...tickets], logged);
    expect(await poller.poll(r.accountId)).toMatchObject({ tickets: 1 });
    expect((await storedConversations(r)).map((c) => c.channelMeta[RA_META.complaintId])).toEqual([String(good.id)]);
    expect(logged).toHaveLength(4);
    for (const line of logged) expect(line).toMatch(/^reclameaqui poll of channel:\S+: ticket [A-Za-z0-9_?-]{1,64} skipped \(/);
    // Read again: the same odd tickets are not reported again.
    await poller.poll(r.accountId);
    expect(logged).toHaveLength(4);
  });

  it('R-CH-06 the page link is kept only on reclameaqui.com.br or the account\'s own API host', () => {
    const api = 'http://127.0.0.1:4321';
    expect(complaintPageUrl('https://www.reclameaqui.com.br/empresa/loja/defeito_1/', api)).toBe('https://www.reclameaqui.com.br/empresa/loja/defeito_1/');
    expect(complaintPageUrl('https://reclameaqui.com.br/x', api)).toBe('https://reclameaqui.com.br/x');
    expect(complaintPageUrl('http://127.0.0.1:4321/empresa/1/defeito_1/', api)).toBe('http://127.0.0.1:4321/empresa/1/defeito_1/');
    for (const refused of [
      'https://evil.example/empresa/x', 'https://reclameaqui.com.br.evil.example/', 'https://evilreclameaqui.com.br/', 'javascript:alert(1)',
      'http://127.0.0.1:9999/other-port', 'https://user:pw@www.reclameaqui.com.br/', 'not a url', '',
    ]) expect(complaintPageUrl(refused, api), refused).toBeNull();
  });

  it('R-CH-06 a complaint linking to another site is stored without the link; the fake\'s own page link stays', async () => {
    const r = (rig = await startReclameAquiRig());
    const own = r.hugme.fileComplaint(complaint(1));
    const foreign = r.hugme.fileComplaint(complaint(2));
    const poller = pollerWith(r, (tickets) => tickets.map((t) => (t.id === foreign.id ? { ...t, public_url: 'https://phishing.example/reclameaqui' } : t)), []);
    await poller.poll(r.accountId);
    expect((await conversationsOf(r, own.id))[0]?.channelMeta[RA_META.pageUrl]).toBe(own.public_url);
    expect((await conversationsOf(r, foreign.id))[0]?.channelMeta).not.toHaveProperty(RA_META.pageUrl);
  });
});

describe('R-CH-06 the poll cursor only holds real dates', () => {
  it('R-CH-06 a ticket with an unreadable last_modification_date is skipped with a log line and never becomes the cursor', async () => {
    const r = (rig = await startReclameAquiRig());
    const good = r.hugme.fileComplaint(complaint(1));
    const logged: string[] = [];
    // The garbled one comes first, so a cursor taking the first ticket's date would take it.
    const poller = pollerWith(r, (tickets) => [...tickets.map((t) => ({ ...t, id: `${String(t.id)}9`, last_modification_date: 'ontem à tarde' })), ...tickets], logged);
    expect(await poller.poll(r.accountId)).toMatchObject({ tickets: 1 });
    const cursor = (await r.server.store.get(cursorIdOf(r.accountId))) as PollCursorDoc;
    expect(cursor.since).toBe(good.last_modification_date);
    expect(Object.values(cursor.recent ?? {}).every((at) => Number.isFinite(Date.parse(at)))).toBe(true);
    expect(logged).toEqual([expect.stringMatching(/ticket \d+9 skipped \(last_modification_date: /)]);
  });

  it('R-CH-06 a modification date is an ISO date-time Date.parse reads (any offset, T or space); anything else fails the ticket', () => {
    const dated = (at: unknown) => RaTicket.safeParse({ id: 1, last_modification_date: at }).success;
    for (const ok of ['2026-05-01T10:00:00.000Z', '2026-05-01T10:00:00-03:00', '2026-05-01 10:00:00']) expect(dated(ok), ok).toBe(true);
    for (const bad of ['ontem', '2026-13-01T10:00:00Z', '1714557600000', 1714557600000, `2026-05-01T10:00:00Z${' '.repeat(80)}`, null]) expect(dated(bad), String(bad)).toBe(false);
  });

  it('R-CH-06 a cursor written with an unreadable date before this check asks HugMe from a real date and forgets the odd entry', async () => {
    const r = (rig = await startReclameAquiRig());
    r.hugme.fileComplaint(complaint(1));
    await r.poller().poll(r.accountId);
    await updateDoc<PollCursorDoc>(r.server.store, cursorIdOf(r.accountId), (c) => c && { ...c, since: 'garbled', recent: { ...c.recent, 999: 'garbled' }, caughtUp: true });
    const later = r.hugme.fileComplaint(complaint(2));
    r.hugme.calls.length = 0;
    await r.poller().poll(r.accountId);
    const asked = r.hugme.calls.filter((c) => c.path === '/ticket/v1/tickets').map((c) => new URLSearchParams(c.query).get('last_modification_date[gte]'));
    expect(asked.length).toBeGreaterThan(0);
    for (const since of asked) expect(Number.isFinite(Date.parse(since ?? ''))).toBe(true);
    const cursor = (await r.server.store.get(cursorIdOf(r.accountId))) as PollCursorDoc;
    expect(cursor.since).toBe(later.last_modification_date);
    expect(cursor.recent).not.toHaveProperty('999');
  });
});

/** A HugMe whose token is fine and whose every other answer is `answer()`. */
const hugmeAnswering = (answer: () => Response) => new ReclameAquiClient(
  { apiBaseUrl: 'http://127.0.0.1:9', clientId: 'c', clientSecret: 's' },
  { fetcher: (async (input: string | URL | Request) => (String(input).includes('/auth/oauth/token') ? Response.json({ access_token: 't', expires_in: 3600 }) : answer())) as typeof fetch },
);

/** A 200 whose body never ends (40 MB of spaces), counting what was read from it. */
function endlessBody(): { response: () => Response; read: () => number } {
  const chunk = 64 * 1024;
  let read = 0;
  const response = () => new Response(new ReadableStream<Uint8Array>({
    pull(controller) {
      read += chunk;
      controller.enqueue(new Uint8Array(chunk).fill(0x20));
      if (read > 40 * 1024 * 1024) controller.close();
    },
  }), { status: 200, headers: { 'content-type': 'application/json' } });
  return { response, read: () => read };
}

describe('R-CH-06 HugMe\'s answers are read up to a size', () => {
  it('R-CH-06 an answer past 1 MB stops being read and fails as RetryLater, with a sentence for "Testar conexão"', async () => {
    const body = endlessBody();
    const client = hugmeAnswering(body.response);
    await expect(client.reputation('42')).rejects.toBeInstanceOf(AnswerTooLarge);
    expect(body.read()).toBeLessThanOrEqual(ANSWER_MAX_BYTES + 2 * 64 * 1024);
    const listing = endlessBody();
    await expect(hugmeAnswering(listing.response).tickets([], 1)).rejects.toBeInstanceOf(AnswerTooLarge);
    expect(listing.read()).toBeLessThanOrEqual(LISTING_MAX_BYTES + 2 * 64 * 1024);
    expect(await hugmeAnswering(endlessBody().response).testConnection()).toEqual({ ok: false, message: expect.stringContaining('grande demais') });
  });

  it('R-CH-07 a public answer HugMe accepted stays accepted when its answer is too large to read (sending it again would answer twice)', async () => {
    const body = endlessBody();
    await expect(hugmeAnswering(body.response).answerPublicly('1', 'Resolvido.')).resolves.toEqual({ interactionId: null });
    expect(body.read()).toBeLessThanOrEqual(ANSWER_MAX_BYTES + 2 * 64 * 1024);
  });
});

describe('R-CH-06 accounts around the channel', () => {
  it('R-CH-06 a Reclame Aqui account has no webhook URL even with ATENDE_PUBLIC_URL (HugMe is polled); a Meta account still has one', async () => {
    const r = (rig = await startReclameAquiRig());
    const accounts = new ChannelAccounts(r.server.store, 'https://atende.example');
    const account = await r.server.accounts.get(r.accountId);
    expect(accounts.view(account).webhookUrl).toBeNull();
    expect(accounts.upstreamWebhookUrl(account)).toBeNull();
    expect(accounts.view({ ...account, kind: 'messenger' }).webhookUrl).toMatch(/^https:\/\/atende\.example\/channels\/messenger\//);
  });

  it('R-CH-06 the demo repoints its own account at each start, but one an admin gave another HugMe is left as it is and no fake starts', async () => {
    const server = await startTestServer({}, { pollInBackground: false });
    const logged: string[] = [];
    const demoAccount = async () => (await server.store.get(DEMO_RECLAME_AQUI_ID)) as ChannelAccountDoc;
    try {
      const first = await startDemoReclameAqui({ store: server.store, log: (m) => logged.push(m) });
      await first?.stop();
      const second = await startDemoReclameAqui({ store: server.store, log: (m) => logged.push(m) });
      expect((await demoAccount()).settings?.apiBaseUrl).toBe(second?.baseUrl);
      await second?.stop();

      const admin = (await login(server, 'admin@demo.local')).accessToken;
      const real = { apiBaseUrl: 'https://api.hugme.example', clientId: 'empresa-real', clientSecret: 'segredo-real-0123456789' };
      const saved = await call(server, 'PATCH', `/api/admin/channels/${DEMO_RECLAME_AQUI_ID}`, { token: admin, body: { config: real } });
      expect(saved.status).toBe(200);
      const before = await demoAccount();
      const third = await startDemoReclameAqui({ store: server.store, log: (m) => logged.push(m) });
      expect(third).toBeUndefined();
      const after = await demoAccount();
      expect(after.settings).toEqual(before.settings);
      expect(after.settings).toMatchObject(real);
      expect(logged.at(-1)).toMatch(/Reclame Aqui simulator not started: .*another HugMe/);
    } finally {
      await server.close();
    }
  });
});
