import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FILES_ONLY_PRIVATE, PRIVATE_NOT_SUPPORTED, RA_FILES_ONLY_PRIVATE, type MessageDoc } from '@atende/protocol';
import { INTERACTION, STATUS, tooManyRequests } from '../src/channels/reclameaqui/simulator/fakeHugMe.js';
import { addUser, call, login, newVisitor, visitorSays } from './helpers.js';
import { complaint, conversationsOf, startReclameAquiRig, type ReclameAquiRig } from './reclameaquiSetup.js';
import { until } from './until.js';

/**
 * An agent's answers to a complaint (issue 12 item 4, R-CH-07) through the real server, its send
 * job and the fake HugMe: private by default to the consumer's e-mail, public on request, files
 * only in private messages.
 */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
// An MP3 as the upload's sniffing reads one: an MPEG layer III frame header.
const MP3 = Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x00]), Buffer.alloc(400)]);

let rig: ReclameAquiRig;
let agent: string;
beforeAll(async () => {
  rig = await startReclameAquiRig();
  await addUser(rig.server, { key: 'ra-agent', name: 'Rita', email: 'rita@demo.local', role: 'agent', teamIds: ['team:suporte'], maxConcurrent: 50 });
  agent = (await login(rig.server, 'rita@demo.local')).accessToken;
});
afterAll(async () => rig.close());
beforeEach(() => {
  rig.hugme.calls.length = 0;
});

let complaints = 0;
/** A consumer filed a complaint; the poll made it a conversation and Rita took it. */
async function complaintTaken() {
  const ticket = rig.hugme.fileComplaint(complaint(++complaints));
  await rig.poller().poll(rig.accountId);
  const [conversation] = await conversationsOf(rig, ticket.id);
  if (!conversation) throw new Error('complaint not stored');
  expect((await call(rig.server, 'POST', `/api/conversations/${conversation.id}/claim`, { token: agent, body: {} })).status).toBe(200);
  rig.hugme.calls.length = 0;
  return { ticketId: ticket.id, email: ticket.customer.email[0], conversationId: conversation.id };
}

let replies = 0;
const answer = (conversationId: string, body: Record<string, unknown>, token = agent) =>
  call<{ message: MessageDoc; error?: string }>(rig.server, 'POST', `/api/conversations/${conversationId}/messages`, {
    token, body: { id: `ra-answer-${++replies}`, ...body },
  });
const settled = (id: string) => until(async () => (await rig.server.store.get(id)) as unknown as MessageDoc, (m) => m.status !== 'queued');
async function upload(bytes: Buffer, type: string, name: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const res = await fetch(`${rig.server.url}/api/media`, { method: 'POST', headers: { authorization: `Bearer ${agent}` }, body: form });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}
const companyCalls = () => rig.hugme.calls.filter((c) => c.path.startsWith('/ticket/v1/tickets/message/'));

describe('R-CH-07 Reclame Aqui answers', () => {
  it('R-CH-07 an answer without visibility is a private message to the consumer\'s e-mail (type 3) and is stored private and sent', async () => {
    const { ticketId, email, conversationId } = await complaintTaken();
    const sent = await answer(conversationId, { text: 'Olá! Vamos trocar o produto.' });
    expect(sent.status).toBe(201);
    expect(sent.body.message.visibility).toBe('private');
    const message = await settled(sent.body.message.id);
    expect(message).toMatchObject({ status: 'sent', visibility: 'private', externalId: expect.stringMatching(/^ra-interaction-/) as string });
    expect(companyCalls()).toEqual([expect.objectContaining({
      path: '/ticket/v1/tickets/message/private', status: 200, body: { id: String(ticketId), message: 'Olá! Vamos trocar o produto.', email },
    })]);
    const last = rig.hugme.ticket(ticketId)?.interactions.at(-1);
    expect(last).toMatchObject({ ticket_interaction_type_id: INTERACTION.companyPrivate, privacy: true, message: 'Olá! Vamos trocar o produto.' });
    // A private message does not answer the complaint publicly.
    expect(rig.hugme.ticket(ticketId)?.ra_status.id).toBe(STATUS.notAnswered);
  });

  it('R-CH-07 a "public" answer goes to the public endpoint (type 2) and the complaint becomes answered', async () => {
    const { ticketId, conversationId } = await complaintTaken();
    const sent = await answer(conversationId, { text: 'Resolvemos com a troca.', visibility: 'public' });
    expect(sent.status).toBe(201);
    expect(await settled(sent.body.message.id)).toMatchObject({ status: 'sent', visibility: 'public' });
    expect(companyCalls()).toEqual([expect.objectContaining({
      path: '/ticket/v1/tickets/message/public', status: 200, body: { id: String(ticketId), message: 'Resolvemos com a troca.' },
    })]);
    const ticket = rig.hugme.ticket(ticketId);
    expect(ticket?.interactions.at(-1)).toMatchObject({ ticket_interaction_type_id: INTERACTION.publicAnswer, privacy: false });
    expect(ticket?.ra_status.id).toBe(STATUS.answered);
  });

  it('R-CH-07 a private answer with a PDF goes multipart with the file, which HugMe keeps', async () => {
    const { ticketId, email, conversationId } = await complaintTaken();
    const mediaId = await upload(PDF, 'application/pdf', 'nota-fiscal.pdf');
    const sent = await answer(conversationId, { text: 'Segue a nota fiscal.', mediaIds: [mediaId], visibility: 'private' });
    expect(sent.status).toBe(201);
    expect(await settled(sent.body.message.id)).toMatchObject({ status: 'sent', visibility: 'private' });
    expect(companyCalls()).toEqual([expect.objectContaining({
      path: '/ticket/v1/tickets/message/private', status: 200,
      body: { id: String(ticketId), message: 'Segue a nota fiscal.', email, file: { name: 'nota-fiscal.pdf', type: 'application/pdf', size: PDF.length } },
    })]);
    const [kept] = rig.hugme.ticket(ticketId)?.interactions.at(-1)?.attachments ?? [];
    expect(kept).toMatchObject({ name: 'nota-fiscal.pdf', mime_type: 'application/pdf' });
    expect(rig.hugme.files.get(kept?.id ?? '')?.bytes.equals(PDF)).toBe(true);
  });

  it('R-CH-07 a public answer with a file is refused with 422 and nothing is stored or sent', async () => {
    const { conversationId } = await complaintTaken();
    const mediaId = await upload(PDF, 'application/pdf', 'foto.pdf');
    const refused = await answer(conversationId, { text: 'Veja o anexo.', mediaIds: [mediaId], visibility: 'public' });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ error: FILES_ONLY_PRIVATE, message: RA_FILES_ONLY_PRIVATE });
    const stored = await rig.server.store.find({ selector: { type: 'message', conversationId, direction: 'out' }, limit: 10 });
    expect(stored).toHaveLength(0);
    expect(companyCalls()).toHaveLength(0);
  });

  it('R-CH-07 audio is refused on Reclame Aqui, private or not', async () => {
    const { conversationId } = await complaintTaken();
    const mediaId = await upload(MP3, 'audio/mpeg', 'audio.mp3');
    for (const visibility of ['private', 'public', undefined]) {
      const refused = await answer(conversationId, { text: '', mediaIds: [mediaId], ...(visibility ? { visibility } : {}) });
      expect(refused.status).toBe(422);
      expect(JSON.stringify(refused.body)).toContain('não aceita áudio');
    }
    expect(companyCalls()).toHaveLength(0);
  });

  it('R-CH-07 "private" on a website chat conversation is 422; "public" and omitted still reply as before', async () => {
    const visitor = await newVisitor(rig.server);
    const { conversationId } = await visitorSays(rig.server, visitor, 'Oi, preciso de ajuda');
    expect((await call(rig.server, 'POST', `/api/conversations/${conversationId}/claim`, { token: agent, body: {} })).status).toBe(200);
    const refused = await answer(conversationId, { text: 'Só para você', visibility: 'private' });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ error: PRIVATE_NOT_SUPPORTED });
    expect(JSON.stringify(refused.body)).toContain('Respostas privadas só existem no Reclame Aqui');
    const plain = await answer(conversationId, { text: 'Olá!' });
    expect(plain.status).toBe(201);
    expect(plain.body.message.visibility).toBe('public');
    const explicit = await answer(conversationId, { text: 'Como posso ajudar?', visibility: 'public' });
    expect(explicit.status).toBe(201);
    expect(explicit.body.message.visibility).toBe('public');
  });

  it('R-CH-07 a visitor cannot name a visibility: the website chat\'s own body stays as it was', async () => {
    const visitor = await newVisitor(rig.server);
    const refused = await call(rig.server, 'POST', '/api/webchat/messages', { token: visitor.token, body: { id: 'ra-visitor-1xxxxxxxx', text: 'Oi', visibility: 'private' } });
    expect(refused.status).toBe(400);
  });

  it('R-CH-07 a send rides out an expired token (one refresh) and a 429 (Retry-After), and is sent once', async () => {
    const { ticketId, conversationId } = await complaintTaken();
    rig.hugme.expireTokens();
    rig.hugme.failNext(tooManyRequests(1));
    const sent = await answer(conversationId, { text: 'Estamos verificando.', visibility: 'public' });
    expect(await settled(sent.body.message.id)).toMatchObject({ status: 'sent' });
    const statuses = companyCalls().map((c) => c.status);
    expect(statuses).toEqual(expect.arrayContaining([401, 429]));
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(rig.hugme.ticket(ticketId)?.interactions.filter((i) => i.ticket_interaction_type_id === INTERACTION.publicAnswer)).toHaveLength(1);
  });

  it('R-CH-07 a refusal by HugMe (4xx) fails the message with a pt-BR sentence for the agent', async () => {
    const { conversationId } = await complaintTaken();
    rig.hugme.failNext({ status: 400, error: 'bad_request', message: 'message too short' });
    const sent = await answer(conversationId, { text: 'Ok.' });
    const failed = await settled(sent.body.message.id);
    expect(failed).toMatchObject({ status: 'failed', error: 'O Reclame Aqui recusou o pedido (código 400).' });
  });
});
