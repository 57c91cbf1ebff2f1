import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RA_META, raEvaluationOf, raEvaluationText, type ConversationDoc, type MessageDoc,
} from '@atende/protocol';
import { RaTicket, ReclameAquiClient } from '../src/channels/reclameaqui/client.js';
import { SITE_AUTHOR } from '../src/channels/reclameaqui/complaints.js';
import { cursorIdOf, ReclameAquiPoller, type PollCursorDoc } from '../src/channels/reclameaqui/poller.js';
import { STATUS } from '../src/channels/reclameaqui/simulator/fakeHugMe.js';
import { ticketInbound } from '../src/channels/reclameaqui/tickets.js';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { ContactDirectory } from '../src/contacts/directory.js';
import { InboundService } from '../src/conversations/inbound.js';
import { ProtocolNumbers } from '../src/conversations/protocolNumbers.js';
import { updateDoc } from '../src/store/index.js';
import { toWire, updateWire } from '../src/store/wire.js';
import { addUser, call, login } from './helpers.js';
import { complaint, conversationsOf, CREDENTIALS, startReclameAquiRig, type ReclameAquiRig } from './reclameaquiSetup.js';
import { until } from './until.js';

/**
 * What the poller keeps in step with HugMe besides new complaints (issue 12): the header
 * (R-CH-06), the moderation's outcome (R-CH-09), the consumer's evaluation (R-CH-10), the
 * company's answers written on the site, the first poll's window and the look-back for HugMe's
 * publishing delay.
 */
let rig: ReclameAquiRig;
/** The company on the site: HugMe's own API, not Atende. */
let site: ReclameAquiClient;
let agent: string;
beforeAll(async () => {
  rig = await startReclameAquiRig();
  site = new ReclameAquiClient({ apiBaseUrl: rig.hugme.baseUrl, clientId: CREDENTIALS.clientId, clientSecret: CREDENTIALS.clientSecret });
  await addUser(rig.server, { key: 'ra-sync-agent', name: 'Sara', email: 'sara@demo.local', role: 'agent', teamIds: ['team:suporte'], maxConcurrent: 50 });
  agent = (await login(rig.server, 'sara@demo.local')).accessToken;
});
afterAll(async () => rig.close());

let filed = 100;
const poll = () => rig.poller().poll(rig.accountId);

async function conversationOf(ticketId: number): Promise<ConversationDoc> {
  const [conversation, ...others] = await conversationsOf(rig, ticketId);
  expect(others).toHaveLength(0);
  if (!conversation) throw new Error(`complaint ${ticketId} not stored`);
  return conversation;
}

async function messagesOf(conversationId: string): Promise<MessageDoc[]> {
  const docs = await rig.server.store.find({ selector: { type: 'message', conversationId }, limit: 10_000 });
  return docs.map((d) => toWire<MessageDoc>(d)).sort((a, b) => a.createdAt - b.createdAt);
}

/** A moderation request made on HugMe (multipart, as the site's form sends it). */
async function requestModerationOnSite(ticketId: number, reason: string): Promise<void> {
  const basic = Buffer.from(`${CREDENTIALS.clientId}:${CREDENTIALS.clientSecret}`).toString('base64');
  const token = await fetch(`${rig.hugme.baseUrl}/auth/oauth/token?grant_type=client_credentials`, { method: 'POST', headers: { authorization: `Basic ${basic}` } });
  const { access_token } = (await token.json()) as { access_token: string };
  const form = new FormData();
  form.append('id', String(ticketId));
  form.append('reason', reason);
  form.append('message', 'Reclamação repetida.');
  const res = await fetch(`${rig.hugme.baseUrl}/ticket/v1/tickets/moderation`, { method: 'POST', headers: { authorization: `Bearer ${access_token}` }, body: form });
  expect(res.status).toBe(200);
}

/** Forgets what the cursor knows, as a restore from an old backup would: every complaint is read again. */
const forgetCursor = () => updateDoc<PollCursorDoc>(rig.server.store, cursorIdOf(rig.accountId), (c) => c && { ...c, since: null, seenAtSince: [], recent: {} });

describe('R-CH-06 the complaint header follows HugMe', () => {
  it('R-CH-06 lastPublicBy follows the last public interaction, evaluated and moderation fill in, and keys others write stay', async () => {
    const ticket = rig.hugme.fileComplaint(complaint(++filed));
    await poll();
    let conversation = await conversationOf(ticket.id);
    expect(conversation.channelMeta).toMatchObject({ [RA_META.lastPublicBy]: 'consumer', [RA_META.statusId]: '5' });
    expect(conversation.channelMeta).not.toHaveProperty(RA_META.evaluated);
    expect(conversation.channelMeta).not.toHaveProperty(RA_META.moderationStatus);
    // A key the poller does not own (written by the evaluation request) survives every pass.
    await updateWire<ConversationDoc>(rig.server.store, conversation.id, (c) => c && { ...c, channelMeta: { ...c.channelMeta, [RA_META.evaluationRequestedAt]: '2026-01-01T00:00:00.000Z' } });

    await site.answerPublicly(String(ticket.id), 'Respondemos pelo site.');
    await poll();
    conversation = await conversationOf(ticket.id);
    expect(conversation.channelMeta).toMatchObject({ [RA_META.lastPublicBy]: 'company', [RA_META.statusId]: '6' });

    // A private word of either side leaves the last public one as it was.
    rig.hugme.consumerReplies(ticket.id, 'Mas ainda não chegou.');
    await poll();
    expect((await conversationOf(ticket.id)).channelMeta[RA_META.lastPublicBy]).toBe('company');

    await requestModerationOnSite(ticket.id, '4');
    await poll();
    conversation = await conversationOf(ticket.id);
    expect(conversation.channelMeta).toMatchObject({
      [RA_META.moderationStatus]: 'pending', [RA_META.moderationReason]: '4', [RA_META.evaluationRequestedAt]: '2026-01-01T00:00:00.000Z',
    });

    rig.hugme.setStatus(ticket.id, STATUS.resolved);
    await poll();
    expect((await conversationOf(ticket.id)).channelMeta).toMatchObject({ [RA_META.evaluated]: 'true', [RA_META.statusId]: '18', [RA_META.lastPublicBy]: 'company' });
  });
});

describe('R-CH-09 the moderation outcome', () => {
  it('R-CH-09 a decision is one event in the conversation, however often and from wherever the ticket is read again; a later decision is another (checks the model assumption: moderation statuses pending/accepted/refused)', async () => {
    const ticket = rig.hugme.fileComplaint(complaint(++filed));
    await poll();
    await requestModerationOnSite(ticket.id, '4');
    await poll();
    const events = async () => (await messagesOf((await conversationOf(ticket.id)).id)).filter((m) => m.kind === 'event' && m.payload.event === 'raModerationDecided');
    expect(await events()).toHaveLength(0);

    rig.hugme.decideModeration(ticket.id, true);
    await poll();
    await poll();
    await rig.poller().poll(rig.accountId);
    await forgetCursor();
    await poll();
    const [decided, ...more] = await events();
    expect(more).toHaveLength(0);
    expect(decided).toMatchObject({ direction: 'system', kind: 'event', status: 'sent', text: 'O Reclame Aqui aceitou a moderação.', payload: { event: 'raModerationDecided', reason: '4', accepted: true } });
    expect((await conversationOf(ticket.id)).channelMeta[RA_META.moderationStatus]).toBe('accepted');

    // A pass that wrote the event but stopped before the header (a crash) writes the same event again: still one.
    const id = (await conversationOf(ticket.id)).id;
    await updateWire<ConversationDoc>(rig.server.store, id, (c) => c && { ...c, channelMeta: { ...c.channelMeta, [RA_META.moderationStatus]: 'pending' } });
    await forgetCursor();
    await poll();
    expect(await events()).toHaveLength(1);

    await requestModerationOnSite(ticket.id, '5');
    await poll();
    rig.hugme.decideModeration(ticket.id, false);
    await poll();
    await poll();
    expect((await events()).map((e) => e.payload)).toEqual([
      { event: 'raModerationDecided', reason: '4', accepted: true },
      { event: 'raModerationDecided', reason: '5', accepted: false },
    ]);
  });
});

describe('R-CH-10 the consumer evaluation', () => {
  it('R-CH-10 arrives as ONE inbound message carrying the card (rating, resolved, would do business again, comment), once (checks the model assumption: the fake\'s "Nota:" evaluation text)', async () => {
    const ticket = rig.hugme.fileComplaint(complaint(++filed));
    await poll();
    await site.answerPublicly(String(ticket.id), 'Trocamos o produto.');
    rig.hugme.consumerEvaluates(ticket.id, { rating: 8, resolved: false, backDoingBusiness: true, comment: 'Demorou, mas responderam.\nObrigada.' });
    await poll();
    await poll();
    await forgetCursor();
    await poll();
    const conversation = await conversationOf(ticket.id);
    const evaluations = (await messagesOf(conversation.id)).filter((m) => m.payload.raInteractionType === '11');
    expect(evaluations).toHaveLength(1);
    const expected = { rating: 8, resolved: false, backDoingBusiness: true, comment: 'Demorou, mas responderam.\nObrigada.' };
    expect(evaluations[0]).toMatchObject({
      direction: 'in', kind: 'text', text: raEvaluationText(expected),
      payload: { raInteractionType: '11', raRating: 8, raResolved: false, raBackDoingBusiness: true, raComment: expected.comment },
    });
    expect(raEvaluationOf(evaluations[0]!)).toEqual(expected);
    expect(conversation.channelMeta).toMatchObject({ [RA_META.evaluated]: 'true', [RA_META.statusId]: '19' });
  });
});

describe('R-CH-10 after the agent finished the conversation', () => {
  it('R-CH-10 a site answer joins the finished conversation without reopening it; the evaluation opens a new waiting one with the card', async () => {
    const ticket = rig.hugme.fileComplaint(complaint(++filed));
    await poll();
    const first = await conversationOf(ticket.id);
    expect((await call(rig.server, 'POST', `/api/conversations/${first.id}/claim`, { token: agent, body: {} })).status).toBe(200);
    expect((await call(rig.server, 'POST', `/api/conversations/${first.id}/finish`, { token: agent, body: {} })).status).toBe(200);

    await site.answerPublicly(String(ticket.id), 'Encerramos pelo site.');
    await poll();
    let conversations = await conversationsOf(rig, ticket.id);
    expect(conversations.map((c) => c.status)).toEqual(['finished']);
    expect((await messagesOf(first.id)).filter((m) => m.direction === 'out').map((m) => m.text)).toEqual(['Encerramos pelo site.']);

    rig.hugme.consumerEvaluates(ticket.id, { rating: 10, resolved: true, backDoingBusiness: true });
    await poll();
    await poll();
    conversations = await conversationsOf(rig, ticket.id);
    const reopened = conversations.find((c) => c.id !== first.id);
    expect(conversations.map((c) => c.status).sort()).toEqual(['finished', 'waiting']);
    const card = (await messagesOf(reopened!.id)).filter((m) => m.payload.raInteractionType === '11');
    expect(card).toHaveLength(1);
    expect(raEvaluationOf(card[0]!)).toEqual({ rating: 10, resolved: true, backDoingBusiness: true, comment: null });
    expect(reopened!.channelMeta).toMatchObject({ [RA_META.complaintId]: String(ticket.id), [RA_META.evaluated]: 'true', [RA_META.lastPublicBy]: 'consumer' });
  });
});

describe('R-CH-10 the evaluation as HugMe may send it (model assumptions)', () => {
  const ticketWith = (fields: Record<string, unknown>) => RaTicket.parse({
    id: 7, last_modification_date: '2026-11-01T10:00:00.000Z', rating: 10, resolved_issue: true, back_doing_business: true,
    interactions: [{ ticket_interaction_id: 70, ticket_interaction_type_id: 11, creation_date: '2026-11-01T10:00:00.000Z', message: 'Nota: 10\nProblema resolvido: Sim\nVoltaria a fazer negócio: Sim\nÓtimo atendimento.', ...fields }],
  });
  const evaluationOf = (ticket: RaTicket) => ticketInbound(ticket).messages.find((m) => m.payload.raInteractionType === '11');

  it('R-CH-10 the comment is the interaction\'s `comment` when HugMe sends one, else its message without the repeated answers', () => {
    expect(evaluationOf(ticketWith({}))?.payload).toMatchObject({ raComment: 'Ótimo atendimento.', raRating: 10 });
    expect(evaluationOf(ticketWith({ comment: 'Do campo próprio.' }))?.payload).toMatchObject({ raComment: 'Do campo próprio.' });
    expect(evaluationOf(ticketWith({ message: 'Nota: 10\nProblema resolvido: Sim' }))?.payload).not.toHaveProperty('raComment');
  });

  it('R-CH-10 an evaluation or moderation of a shape we do not know reads as absent instead of stopping the poll', () => {
    const odd = RaTicket.parse({ id: 8, last_modification_date: '2026-11-01T10:00:00.000Z', rating: 'dez', resolved_issue: 'sim', moderation: 'pendente' });
    expect(odd).toMatchObject({ rating: null, resolved_issue: null, moderation: null });
    expect(ticketInbound(odd).meta).not.toHaveProperty(RA_META.evaluated);
  });
});

describe('R-CH-07 the company\'s answers written on the site', () => {
  it('R-CH-07 public and private answers written on the site are imported once, as sent by the company, with their visibility', async () => {
    const ticket = rig.hugme.fileComplaint(complaint(++filed));
    await poll();
    const publicAnswer = await site.answerPublicly(String(ticket.id), 'Olá, já estamos vendo.');
    const privateMessage = await site.messagePrivately(String(ticket.id), 'Pode nos mandar o número do pedido?', ticket.customer.email[0]!);
    await poll();
    await poll();
    await forgetCursor();
    await poll();
    const outbound = (await messagesOf((await conversationOf(ticket.id)).id)).filter((m) => m.direction === 'out');
    expect(outbound).toEqual([
      expect.objectContaining({
        authorId: null, authorName: SITE_AUTHOR, text: 'Olá, já estamos vendo.', visibility: 'public', status: 'sent',
        externalId: `ra-interaction-${publicAnswer.interactionId}`, payload: { raInteractionType: '2' },
      }),
      expect.objectContaining({
        authorId: null, authorName: SITE_AUTHOR, text: 'Pode nos mandar o número do pedido?', visibility: 'private', status: 'sent',
        externalId: `ra-interaction-${privateMessage.interactionId}`, payload: { raInteractionType: '3' },
      }),
    ]);
    // They are the company's words: the conversation still waits for an agent, with the last one as its preview.
    expect(await conversationOf(ticket.id)).toMatchObject({ status: 'waiting', lastPreview: 'Pode nos mandar o número do pedido?' });
  });

  it('R-CH-07 an answer Atende sent is not imported again when the poll reads it back (checks the model assumption: HugMe answers with ticket_interaction_id)', async () => {
    const ticket = rig.hugme.fileComplaint(complaint(++filed));
    await poll();
    const conversation = await conversationOf(ticket.id);
    expect((await call(rig.server, 'POST', `/api/conversations/${conversation.id}/claim`, { token: agent, body: {} })).status).toBe(200);
    const sent = await call<{ message: MessageDoc }>(rig.server, 'POST', `/api/conversations/${conversation.id}/messages`, {
      token: agent, body: { id: 'ra-sync-answer-1', text: 'Resolvido por aqui.', visibility: 'public' },
    });
    expect(sent.status).toBe(201);
    const settled = await until(async () => (await rig.server.store.get(sent.body.message.id)) as unknown as MessageDoc, (m) => m.status !== 'queued');
    expect(settled).toMatchObject({ status: 'sent', externalId: expect.stringMatching(/^ra-interaction-/) as string });
    await poll();
    await forgetCursor();
    await poll();
    const outbound = (await messagesOf(conversation.id)).filter((m) => m.direction === 'out');
    expect(outbound.map((m) => [m.id, m.authorName])).toEqual([[sent.body.message.id, 'Sara']]);
    expect((await conversationOf(ticket.id)).channelMeta[RA_META.lastPublicBy]).toBe('company');
  });

  it('R-CH-07 an answer of ours HugMe took but whose id is not recorded yet is not doubled: the ticket is read again once it is', async () => {
    const ticket = rig.hugme.fileComplaint(complaint(++filed));
    await poll();
    const conversation = await conversationOf(ticket.id);
    // The moment between HugMe's answer and the send job recording it: our message is still queued…
    const ours: MessageDoc = {
      id: 'message:ra-sync-inflight', type: 'message', createdAt: Date.now(), updatedAt: Date.now(), conversationId: conversation.id,
      teamId: conversation.teamId, formerTeamIds: [], direction: 'out', authorId: 'user:ra-sync-agent', authorName: 'Sara', kind: 'text',
      text: 'Já enviamos o reembolso.', attachments: [], visibility: 'public', status: 'queued', error: null, externalId: null, payload: {},
    };
    await updateWire<MessageDoc>(rig.server.store, ours.id, () => ours);
    // …and HugMe already lists the interaction it became.
    const upstream = await site.answerPublicly(String(ticket.id), 'Já enviamos o reembolso.');
    await poll();
    expect((await messagesOf(conversation.id)).filter((m) => m.direction === 'out')).toHaveLength(1);
    // The job records the id; the next round's look-back reads the ticket again and finds it ours.
    await updateWire<MessageDoc>(rig.server.store, ours.id, (m) => m && { ...m, status: 'sent', externalId: `ra-interaction-${upstream.interactionId}` });
    await poll();
    await poll();
    expect((await messagesOf(conversation.id)).filter((m) => m.direction === 'out').map((m) => m.id)).toEqual([ours.id]);
  });
});

describe('R-CH-06 where polling starts and looks back', () => {
  it('R-CH-06 an account\'s first poll reads only the complaints changed in the last RECLAME_AQUI_FIRST_POLL_DAYS days', async () => {
    const old = rig.hugme.fileComplaint(complaint(++filed));
    const recent = rig.hugme.fileComplaint(complaint(++filed));
    const fortyDaysAgo = new Date(Date.now() - 40 * 86_400_000).toISOString();
    Object.assign(rig.hugme.ticket(old.id)!, { creation_date: fortyDaysAgo, last_modification_date: fortyDaysAgo });
    const firstPoll = async (firstPollDays: number) => {
      const account = await rig.createAccount();
      const poller = new ReclameAquiPoller({
        store: rig.server.store, accounts: rig.server.accounts, registry: rig.server.registry, contacts: new ContactDirectory(rig.server.store),
        inbound: new InboundService(rig.server.store, new ProtocolNumbers(rig.server.store, 'America/Sao_Paulo')), firstPollDays,
      });
      await poller.poll(account.id, { maxPages: 20 });
      const docs = await rig.server.store.find({ selector: { type: 'conversation', channelAccountId: account.id }, limit: 10_000 });
      return new Set(docs.map((d) => toWire<ConversationDoc>(d).channelMeta[RA_META.complaintId]));
    };
    const within30 = await firstPoll(30);
    expect(within30.has(String(recent.id))).toBe(true);
    expect(within30.has(String(old.id))).toBe(false);
    expect((await firstPoll(45)).has(String(old.id))).toBe(true);
  });

  it('R-CH-06 RECLAME_AQUI_FIRST_POLL_DAYS is read at start-up: 30 by default, 0 for "from now on", anything else refused', () => {
    expect(loadConfig({}).reclameAquiFirstPollDays).toBe(30);
    expect(loadConfig({ RECLAME_AQUI_FIRST_POLL_DAYS: '0' }).reclameAquiFirstPollDays).toBe(0);
    expect(() => loadConfig({ RECLAME_AQUI_FIRST_POLL_DAYS: 'trinta' })).toThrow(ConfigError);
  });

  it('R-CH-06 a change HugMe publishes late, dated before the cursor, is still read, once', async () => {
    const late = rig.hugme.fileComplaint(complaint(++filed));
    await poll();
    rig.hugme.fileComplaint(complaint(++filed));
    await poll();
    const cursor = await rig.poller().cursor(rig.accountId);
    expect(cursor?.since).toBeTruthy();
    // The consumer wrote 30 s before the cursor's instant, but HugMe lists it only now.
    rig.hugme.consumerReplies(late.id, 'Escrevi antes, chegou depois.');
    rig.hugme.ticket(late.id)!.last_modification_date = new Date(Date.parse(cursor!.since!) - 30_000).toISOString();
    await poll();
    await poll();
    await poll();
    const texts = (await messagesOf((await conversationOf(late.id)).id)).map((m) => m.text);
    expect(texts.filter((t) => t === 'Escrevi antes, chegou depois.')).toHaveLength(1);
    // The cursor never goes back.
    expect((await rig.poller().cursor(rig.accountId))?.since).toBe(cursor?.since);
  });
});
