import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyOf, MESSAGE_TEXT_MAX, RA_META, raInteractionTypeName, raStatusName, reclameAquiHeaderOf, type ChannelAccountView, type ChannelTestResponse } from '@atende/protocol';
import { RECLAME_AQUI_POLL_JOB, schedulePolls } from '../src/channels/reclameaqui/pollJob.js';
import { cursorIdOf, type PollCursorDoc } from '../src/channels/reclameaqui/poller.js';
import { tooManyRequests } from '../src/channels/reclameaqui/simulator/fakeHugMe.js';
import { RetryLater } from '../src/jobs/types.js';
import { updateDoc } from '../src/store/index.js';
import { call } from './helpers.js';
import { until } from './until.js';
import { complaint, conversationsOf, CREDENTIALS, inboundOf, startReclameAquiRig, type ReclameAquiRig } from './reclameaquiSetup.js';

/**
 * The Reclame Aqui channel's inbound side (issue 12) through the real server and the fake HugMe:
 * complaints polled into waiting conversations with their header (R-CH-06).
 */
let rig: ReclameAquiRig;
beforeAll(async () => {
  rig = await startReclameAquiRig();
});
afterAll(async () => rig.close());

const tokenCalls = () => rig.hugme.calls.filter((c) => c.path === '/auth/oauth/token').length;
const ticketCalls = () => rig.hugme.calls.filter((c) => c.path === '/ticket/v1/tickets');

describe('R-CH-06 Reclame Aqui complaints become conversations', () => {
  it('R-CH-06 a filed complaint appears as a waiting conversation of the account team, with its header, within one poll round', async () => {
    const ticket = rig.hugme.fileComplaint(complaint(1));
    // The round as the server runs it: a poll job, claimed by one runner.
    await schedulePolls({ store: rig.server.store, accounts: rig.server.accounts, poller: rig.poller(), log: () => {} });
    await rig.server.jobs.idle();
    // The round recorded itself on the cursor and wrote the next one, pollSeconds (30) later.
    expect(await rig.poller().cursor(rig.accountId)).toMatchObject({ round: 1 });
    const next = await rig.server.store.get(`job:${RECLAME_AQUI_POLL_JOB}.${keyOf(rig.accountId)}.2`);
    expect(next).toMatchObject({ state: 'pending' });
    expect(Number(next?.runAt) - Date.now()).toBeGreaterThan(20_000);
    // Round 2 run early (as if its time had come): round 1's settled job is dropped, round 3 written.
    await rig.server.store.bulkWrite([{ ...next!, runAt: Date.now() }]);
    await until(() => rig.poller().cursor(rig.accountId), (c) => c?.round === 2);
    await rig.server.jobs.idle();
    expect(await rig.server.store.get(`job:${RECLAME_AQUI_POLL_JOB}.${keyOf(rig.accountId)}.1`)).toBeUndefined();
    expect(await rig.server.store.get(`job:${RECLAME_AQUI_POLL_JOB}.${keyOf(rig.accountId)}.3`)).toMatchObject({ state: 'pending' });
    const [conversation, ...others] = await conversationsOf(rig, ticket.id);
    expect(others).toHaveLength(0);
    expect(conversation).toMatchObject({ status: 'waiting', teamId: 'team:suporte', channel: 'reclameaqui', startedBy: 'customer' });
    expect(reclameAquiHeaderOf(conversation!)).toEqual({
      complaintId: String(ticket.id), title: 'Produto com defeito 1', city: 'Campinas', state: 'SP',
      createdAt: ticket.creation_date, pageUrl: ticket.public_url, status: { id: '5', name: 'Não respondida' },
    });
    const [first] = await inboundOf(rig, conversation!.id);
    expect(first).toMatchObject({ authorName: 'Consumidora 1', kind: 'text' });
    expect(first!.text).toContain('Comprei e veio quebrado (1).');
    const contact = await rig.server.store.get(conversation!.contactId);
    expect(contact).toMatchObject({ name: 'Consumidora 1', email: 'consumidora1@example.com' });
  });

  it('R-CH-11 a consumer reply is appended once, however often the same change is polled', async () => {
    const ticket = rig.hugme.fileComplaint(complaint(2));
    await rig.poller().poll(rig.accountId);
    rig.hugme.consumerReplies(ticket.id, 'Ainda estou esperando a troca.');
    await rig.poller().poll(rig.accountId);
    await rig.poller().poll(rig.accountId);
    // A cursor lost (set back to the start) makes HugMe answer every complaint again: still stored once.
    await updateDoc<PollCursorDoc>(rig.server.store, cursorIdOf(rig.accountId), (c) => c && { ...c, since: null, seenAtSince: [] });
    await rig.poller().poll(rig.accountId, { maxPages: 5 });
    const [conversation] = await conversationsOf(rig, ticket.id);
    const texts = (await inboundOf(rig, conversation!.id)).map((m) => m.text);
    expect(texts.filter((t) => t === 'Ainda estou esperando a troca.')).toHaveLength(1);
    expect(texts).toHaveLength(2);
  });

  it('R-CH-06 a status change on Reclame Aqui updates the conversation header', async () => {
    const ticket = rig.hugme.fileComplaint(complaint(3));
    await rig.poller().poll(rig.accountId);
    rig.hugme.setStatus(ticket.id, 10);
    await rig.poller().poll(rig.accountId);
    const [conversation] = await conversationsOf(rig, ticket.id);
    expect(conversation!.channelMeta[RA_META.statusId]).toBe('10');
    expect(reclameAquiHeaderOf(conversation!)?.status).toEqual({ id: '10', name: 'Congelada' });
  });

  it('R-CH-06 a complaint longer than one message is stored whole, in parts, once', async () => {
    const words = Array.from({ length: 1500 }, (_, n) => `palavra${n}`).join(' ');
    const ticket = rig.hugme.fileComplaint({ ...complaint(7), content: words });
    await rig.poller().poll(rig.accountId);
    await rig.poller().poll(rig.accountId);
    const [conversation] = await conversationsOf(rig, ticket.id);
    // In part order (`…-p2`, `…-p3`), which may share a millisecond of createdAt.
    const byPart = (await inboundOf(rig, conversation!.id)).sort((a, b) => (a.externalId ?? '').length - (b.externalId ?? '').length || (a.externalId ?? '').localeCompare(b.externalId ?? ''));
    const parts = byPart.map((m) => m.text);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.length <= MESSAGE_TEXT_MAX)).toBe(true);
    expect(parts.join(' ')).toBe(words);
  });

  it('R-CH-06 the consumer evaluation arrives as a message and the header shows the final status (checks the model assumptions: the fake\'s evaluation text, statuses 18/19 after an evaluation)', async () => {
    const ticket = rig.hugme.fileComplaint(complaint(8));
    await rig.poller().poll(rig.accountId);
    rig.hugme.consumerEvaluates(ticket.id, { rating: 9, resolved: true, backDoingBusiness: true, comment: 'Resolveram rápido.' });
    await rig.poller().poll(rig.accountId);
    const [conversation] = await conversationsOf(rig, ticket.id);
    const last = (await inboundOf(rig, conversation!.id)).at(-1);
    expect(last?.text).toContain('Resolveram rápido.');
    expect(last?.payload).toMatchObject({ raInteractionType: '11' });
    expect(reclameAquiHeaderOf(conversation!)?.status).toEqual({ id: '18', name: 'Resolvida' });
  });

  it('R-CH-06 status and interaction names are data: a code we do not know shows the name HugMe sent', () => {
    expect(raStatusName('18', 'Resolved')).toBe('Resolvida');
    expect(raStatusName('77', 'Em análise pelo RA')).toBe('Em análise pelo RA');
    expect(raInteractionTypeName('6')).toBe('Mensagem privada do consumidor');
    expect(raInteractionTypeName('40', null)).toBe('Tipo 40');
  });

  it('R-CH-06 two complaints of the same consumer are two conversations (the complaint is the thread)', async () => {
    const a = rig.hugme.fileComplaint({ ...complaint(4), title: 'Primeira' });
    const b = rig.hugme.fileComplaint({ ...complaint(4), title: 'Segunda' });
    await rig.poller().poll(rig.accountId);
    const [first] = await conversationsOf(rig, a.id);
    const [second] = await conversationsOf(rig, b.id);
    expect(first!.id).not.toBe(second!.id);
  });
});

describe('R-CH-06 HugMe credentials', () => {
  it('R-CH-06 the account keeps pollSeconds (default 30, 10–3600) and never shows the client secret', async () => {
    const view = await call<ChannelAccountView>(rig.server, 'GET', `/api/admin/channels/${rig.accountId}`, { token: rig.admin });
    expect(view.body.settings).toMatchObject({ pollSeconds: '30', clientId: CREDENTIALS.clientId, apiBaseUrl: rig.hugme.baseUrl });
    expect(view.body.settings).not.toHaveProperty('clientSecret');
    expect(view.body.secretsSet).toEqual(['clientSecret']);
    const tooOften = await call<{ message: string }>(rig.server, 'POST', '/api/admin/channels', {
      token: rig.admin,
      body: { kind: 'reclameaqui', name: 'Rápido demais', teamId: 'team:suporte', config: { ...CREDENTIALS, apiBaseUrl: rig.hugme.baseUrl, pollSeconds: 5 } },
    });
    expect(tooOften.status).toBe(400);
    expect(tooOften.body.message).toContain('pollSeconds');
  });

  it('R-CH-06 the OAuth token is reused between polls and fetched again once when HugMe answers 401', async () => {
    await rig.poller().poll(rig.accountId);
    const tokens = tokenCalls();
    await rig.poller().poll(rig.accountId);
    await rig.poller().poll(rig.accountId);
    expect(tokenCalls()).toBe(tokens);
    rig.hugme.expireTokens();
    const ticket = rig.hugme.fileComplaint(complaint(5));
    await rig.poller().poll(rig.accountId);
    expect(tokenCalls()).toBe(tokens + 1);
    expect(await conversationsOf(rig, ticket.id)).toHaveLength(1);
  });

  it('R-CH-06 "Testar conexão" says connected with good credentials and names the credentials when HugMe refuses them', async () => {
    const good = await call<ChannelTestResponse>(rig.server, 'POST', `/api/admin/channels/${rig.accountId}/test`, { token: rig.admin });
    expect(good.body.ok).toBe(true);
    expect(good.body.message).toMatch(/^Conectado ao Reclame Aqui/);
    const wrong = await rig.createAccount({ clientSecret: `${CREDENTIALS.clientSecret}-errado` });
    const bad = await call<ChannelTestResponse>(rig.server, 'POST', `/api/admin/channels/${wrong.id}/test`, { token: rig.admin });
    expect(bad.body).toEqual({ ok: false, message: expect.stringContaining('recusou as credenciais') });
    expect(bad.body.message).not.toContain(CREDENTIALS.clientSecret);
  });
});

describe('R-CH-06 polling limits', () => {
  it('R-CH-06 a 429 stops the round with Retry-After; the next round resumes where the stored pages left off', async () => {
    const ticket = rig.hugme.fileComplaint(complaint(6));
    rig.hugme.failNext(tooManyRequests(7));
    const refused = await rig.poller().poll(rig.accountId).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RetryLater);
    expect((refused as RetryLater).retryAfterMs).toBe(7000);
    expect(await conversationsOf(rig, ticket.id)).toHaveLength(0);
    await rig.poller().poll(rig.accountId);
    expect(await conversationsOf(rig, ticket.id)).toHaveLength(1);
    // Every listing asks only for what changed since the cursor, oldest first.
    expect(ticketCalls().at(-1)?.query).toMatch(/last_modification_date%5Bgte%5D=.*sort%5Blast_modification_date%5D=asc/);
  });
});
