import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MESSAGE_TEXT_MAX, RA_META, RA_MODERATION_UNKNOWN, raEvaluationFitting, raEvaluationText, raModerationRefusal, raModerationStatusOf,
  type ConversationDoc, type MessageDoc,
} from '@atende/protocol';
import { RaTicket } from '../src/channels/reclameaqui/client.js';
import type { HugMeTicket } from '../src/channels/reclameaqui/simulator/fakeHugMe.js';
import { SITE_AUTHOR } from '../src/channels/reclameaqui/complaints.js';
import { ReclameAquiPoller } from '../src/channels/reclameaqui/poller.js';
import { ticketInbound } from '../src/channels/reclameaqui/tickets.js';
import { ContactDirectory } from '../src/contacts/directory.js';
import { InboundService } from '../src/conversations/inbound.js';
import { ProtocolNumbers } from '../src/conversations/protocolNumbers.js';
import { toWire } from '../src/store/wire.js';
import { addUser, call, login } from './helpers.js';
import { complaint, conversationsOf, startReclameAquiRig, type ReclameAquiRig } from './reclameaquiSetup.js';
import { until } from './until.js';

/**
 * What the Reclame Aqui channel assumes of HugMe beyond CHANNELS.md (the structure review of
 * issue 12), and what keeps working when HugMe does otherwise: moderation status values, an
 * interaction's `privacy`, our answers' interaction ids, and HugMe's publishing delay.
 */
let rig: ReclameAquiRig;
let agent: string;
const logged: string[] = [];
beforeAll(async () => {
  rig = await startReclameAquiRig();
  await addUser(rig.server, { key: 'ra-review-agent', name: 'Vera', email: 'vera@demo.local', role: 'agent', teamIds: ['team:suporte'], maxConcurrent: 50 });
  agent = (await login(rig.server, 'vera@demo.local')).accessToken;
});
afterAll(async () => rig.close());

/** One poller for the file, as one node keeps it: its log lines are collected. */
let poller: ReclameAquiPoller | undefined;
const poll = () => {
  poller ??= new ReclameAquiPoller({
    store: rig.server.store, accounts: rig.server.accounts, registry: rig.server.registry, log: (line) => logged.push(line),
    contacts: new ContactDirectory(rig.server.store), inbound: new InboundService(rig.server.store, new ProtocolNumbers(rig.server.store, 'America/Sao_Paulo')),
  });
  return poller.poll(rig.accountId);
};

/** The fake's ticket, whose moderation a test sets to a status the fake itself never uses. */
type HugMeTicketShape = Omit<HugMeTicket, 'moderation'> & { moderation: { status: string; reason: number } | null };
const fakeTicket = (id: number) => rig.hugme.ticket(id) as unknown as HugMeTicketShape;

let filed = 500;
let ids = 0;

async function taken(): Promise<{ ticketId: number; conversationId: string }> {
  const ticket = rig.hugme.fileComplaint(complaint(++filed));
  await poll();
  const [conversation] = await conversationsOf(rig, ticket.id);
  if (!conversation) throw new Error('complaint not stored');
  expect((await call(rig.server, 'POST', `/api/conversations/${conversation.id}/claim`, { token: agent, body: {} })).status).toBe(200);
  return { ticketId: ticket.id, conversationId: conversation.id };
}

async function answer(conversationId: string, text: string, visibility: 'public' | 'private'): Promise<MessageDoc> {
  const sent = await call<{ message: MessageDoc }>(rig.server, 'POST', `/api/conversations/${conversationId}/messages`, {
    token: agent, body: { id: `ra-review-${++ids}`, text, visibility },
  });
  expect(sent.status).toBe(201);
  return until(async () => toWire<MessageDoc>((await rig.server.store.get(sent.body.message.id))!), (m) => m.status !== 'queued');
}

async function messagesOf(conversationId: string): Promise<MessageDoc[]> {
  const docs = await rig.server.store.find({ selector: { type: 'message', conversationId }, limit: 10_000 });
  return docs.map((d) => toWire<MessageDoc>(d)).sort((a, b) => a.createdAt - b.createdAt);
}

const conversation = async (id: string) => toWire<ConversationDoc>((await rig.server.store.get(id))!);

/**
 * HugMe has taken the company's last interaction but not published it yet (its 25–30 s delay):
 * the listing shows the ticket without it until `publish` puts it back.
 */
function unpublishLast(ticketId: number): { publish: () => void } {
  const ticket = fakeTicket(ticketId);
  const hidden = ticket.interactions.pop();
  return { publish: () => { if (hidden) ticket.interactions.push(hidden); } };
}

describe('R-CH-09 moderation statuses are a table (model assumption)', () => {
  it('R-CH-09 the fake\'s values map through the protocol table, any case; another value is "unknown", never pending', () => {
    expect(['pending', 'ACCEPTED', ' refused '].map(raModerationStatusOf)).toEqual(['pending', 'accepted', 'refused']);
    expect(raModerationStatusOf('em_analise')).toBe(RA_MODERATION_UNKNOWN);
  });

  it('R-CH-09 a status HugMe sends that we do not know lifts a pending moderation, writes no decision, and is logged once', async () => {
    const { ticketId, conversationId } = await taken();
    const sent = await call(rig.server, 'POST', `/api/conversations/${conversationId}/reclameaqui/moderation`, {
      token: agent, body: { id: `ra-review-${++ids}`, reason: '4', message: 'Duplicada.' },
    });
    expect(sent.status).toBe(201);
    await until(() => conversation(conversationId), (c) => c.channelMeta[RA_META.moderationStatus] === 'pending');

    const ticket = fakeTicket(ticketId);
    ticket.moderation = { status: 'em_analise', reason: 4 };
    ticket.last_modification_date = new Date(Date.parse(ticket.last_modification_date) + 1).toISOString();
    await poll();
    await poll();
    const after = await conversation(conversationId);
    expect(after.channelMeta[RA_META.moderationStatus]).toBe(RA_MODERATION_UNKNOWN);
    // Not pending: the agent may ask again, so the complaint is never held for good.
    expect(raModerationRefusal(after)).toBeNull();
    const decided = (await messagesOf(conversationId)).filter((m) => m.payload.event === 'raModerationDecided');
    expect(decided).toHaveLength(0);
    expect(logged.filter((line) => line.includes('em_analise'))).toHaveLength(1);
  });
});

describe('R-CH-07 who sees an interaction: its privacy field first, the type table second (model assumption)', () => {
  const ticketWith = (interactions: Array<Record<string, unknown>>) => RaTicket.parse({
    id: 9, last_modification_date: '2026-11-01T10:00:00.000Z', complaint_content: 'Veio quebrado.',
    interactions: interactions.map((i, n) => ({ ticket_interaction_id: 90 + n, creation_date: `2026-11-01T10:0${n}:00.000Z`, message: `m${n}`, ...i })),
  });

  it('R-CH-07 `privacy` wins over the table; without it the table decides', () => {
    const messages = ticketInbound(ticketWith([
      { ticket_interaction_type_id: 2, privacy: true },
      { ticket_interaction_type_id: 6 },
      { ticket_interaction_type_id: 6, privacy: false },
      { ticket_interaction_type_id: 3 },
    ])).messages;
    expect(messages.map((m) => [m.text, m.visibility])).toEqual([
      ['Veio quebrado.', 'public'], ['m0', 'private'], ['m1', 'private'], ['m2', 'public'], ['m3', 'private'],
    ]);
  });

  it('R-CH-10 a company answer HugMe marks private is no public word: the last public word stays the consumer\'s', () => {
    const meta = ticketInbound(ticketWith([{ ticket_interaction_type_id: 2, privacy: true }])).meta;
    expect(meta[RA_META.lastPublicBy]).toBe('consumer');
    expect(meta).not.toHaveProperty(RA_META.answeredPublicly);
  });

  it('R-CH-07 the consumer\'s private message is stored private, the complaint public', async () => {
    const { ticketId, conversationId } = await taken();
    rig.hugme.consumerReplies(ticketId, 'Só entre nós: o pedido é 123.');
    await poll();
    const inbound = (await messagesOf(conversationId)).filter((m) => m.direction === 'in');
    expect(inbound.map((m) => [m.visibility, m.payload.raInteractionType])).toEqual([['public', '1'], ['private', '6']]);
  });
});

describe('R-CH-07 our answers when HugMe gives no interaction id back (model assumption)', () => {
  it('R-CH-07 the poll matches the imported interaction to the answer Atende sent (same text and visibility, in time): not imported again', async () => {
    const { ticketId, conversationId } = await taken();
    rig.hugme.answersWithInteractionId = false;
    try {
      const publicly = await answer(conversationId, 'Trocamos o produto.', 'public');
      const privately = await answer(conversationId, 'Trocamos o produto.', 'private');
      expect([publicly.externalId, privately.externalId]).toEqual([null, null]);
      await poll();
      await poll();
      const out = (await messagesOf(conversationId)).filter((m) => m.direction === 'out');
      expect(out.map((m) => m.authorName)).not.toContain(SITE_AUTHOR);
      const interactions = rig.hugme.ticket(ticketId)!.interactions;
      const idOf = (type: number) => `ra-interaction-${interactions.find((i) => i.ticket_interaction_type_id === type)!.ticket_interaction_id}`;
      // Each answer took the id of the interaction of its own visibility.
      expect(out.map((m) => [m.id, m.externalId])).toEqual([[publicly.id, idOf(2)], [privately.id, idOf(3)]]);
    } finally {
      rig.hugme.answersWithInteractionId = true;
    }
  });

  it('R-CH-07 the same words written on the site long after our answer are the site\'s, not ours', async () => {
    const { ticketId, conversationId } = await taken();
    rig.hugme.answersWithInteractionId = false;
    try {
      await answer(conversationId, 'Obrigado pelo retorno.', 'private');
      await poll();
      const ticket = fakeTicket(ticketId);
      // The site's own private message, dated an hour later.
      ticket.interactions.push({
        ticket_interaction_id: 990_000 + ticketId, ticket_interaction_type_id: 3, message: 'Obrigado pelo retorno.', privacy: true,
        creation_date: new Date(Date.now() + 3_600_000).toISOString(), attachments: [],
      });
      ticket.last_modification_date = new Date(Date.parse(ticket.last_modification_date) + 1).toISOString();
      await poll();
      const out = (await messagesOf(conversationId)).filter((m) => m.direction === 'out');
      expect(out.map((m) => m.authorName)).toEqual(['Vera', SITE_AUTHOR]);
    } finally {
      rig.hugme.answersWithInteractionId = true;
    }
  });
});

describe('R-CH-10 the last public word and HugMe\'s publishing delay', () => {
  it('R-CH-10 a poll that reads the ticket before HugMe publishes our public answer keeps "company"; a later public word of the consumer turns it', async () => {
    const { ticketId, conversationId } = await taken();
    await answer(conversationId, 'Resolvido, confira.', 'public');
    expect((await conversation(conversationId)).channelMeta).toMatchObject({ [RA_META.lastPublicBy]: 'company', [RA_META.answeredPublicly]: 'true' });
    const late = unpublishLast(ticketId);
    rig.hugme.consumerReplies(ticketId, 'Vou conferir.');
    await poll();
    expect((await conversation(conversationId)).channelMeta[RA_META.lastPublicBy]).toBe('company');

    late.publish();
    rig.hugme.consumerEvaluates(ticketId, { rating: 8, resolved: true, backDoingBusiness: true });
    await poll();
    await poll();
    expect((await conversation(conversationId)).channelMeta[RA_META.lastPublicBy]).toBe('consumer');
  });
});

describe('R-CH-10 a consumer\'s word after finishing opens a conversation with the complaint as it stands', () => {
  it('R-CH-10 the new conversation starts with the header: answered publicly, last public word the company\'s, the evaluation request kept', async () => {
    const { ticketId, conversationId } = await taken();
    await answer(conversationId, 'Já trocamos o produto.', 'public');
    const requested = await call(rig.server, 'POST', `/api/conversations/${conversationId}/reclameaqui/evaluation`, { token: agent, body: { id: `ra-review-${++ids}` } });
    expect(requested.status).toBe(201);
    await until(() => conversation(conversationId), (c) => !!c.channelMeta[RA_META.evaluationRequestedAt]);
    expect((await call(rig.server, 'POST', `/api/conversations/${conversationId}/finish`, { token: agent, body: {} })).status).toBe(200);

    // HugMe has not published our answer yet when the consumer's private reply is read.
    unpublishLast(ticketId);
    rig.hugme.consumerReplies(ticketId, 'Chegou, mas falta uma peça.');
    await poll();
    const opened = (await conversationsOf(rig, ticketId)).find((c) => c.id !== conversationId);
    expect(opened?.status).toBe('waiting');
    expect(opened?.channelMeta).toMatchObject({
      [RA_META.complaintId]: String(ticketId), [RA_META.lastPublicBy]: 'company', [RA_META.answeredPublicly]: 'true',
      [RA_META.evaluationRequestedAt]: (await conversation(conversationId)).channelMeta[RA_META.evaluationRequestedAt],
    });
  });
});

describe('R-CH-10 the evaluation message fits one message, its format in one place', () => {
  it('R-CH-10 raEvaluationText(e, max) cuts a long comment with "…" to fit; the card\'s comment (raEvaluationFitting) is the one in the text', () => {
    const e = { rating: 9, resolved: true, backDoingBusiness: false, comment: `  ${'palavra '.repeat(2000)}  ` };
    const text = raEvaluationText(e, MESSAGE_TEXT_MAX);
    expect(text.length).toBeLessThanOrEqual(MESSAGE_TEXT_MAX);
    expect(text.length).toBeGreaterThan(MESSAGE_TEXT_MAX - 2);
    const fitting = raEvaluationFitting(e, MESSAGE_TEXT_MAX);
    expect(fitting.comment?.endsWith('…')).toBe(true);
    expect(text.endsWith(`Comentário: ${fitting.comment}`)).toBe(true);
    // A short comment is kept whole (trimmed), with or without a limit.
    expect(raEvaluationText({ ...e, comment: ' Ótimo. ' }, MESSAGE_TEXT_MAX)).toBe(raEvaluationText({ ...e, comment: 'Ótimo.' }));
    expect(raEvaluationText({ ...e, comment: ' Ótimo. ' }).endsWith('\nComentário: Ótimo.')).toBe(true);
  });
});
