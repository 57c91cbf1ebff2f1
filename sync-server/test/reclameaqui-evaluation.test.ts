import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RA_ALREADY_EVALUATED, RA_LAST_PUBLIC_NOT_COMPANY, RA_META, RA_REFUSAL, type MessageDoc } from '@atende/protocol';
import { addUser, call, login } from './helpers.js';
import { command, commandId, complaintTaken, conversation, eventsOf, settled } from './reclameaquiCommandsSetup.js';
import { startReclameAquiRig, type ReclameAquiRig } from './reclameaquiSetup.js';
import { until } from './until.js';

/**
 * "Solicitar avaliação" (issue 12 item 6, R-CH-10) through the real server, its outbox job and the
 * fake HugMe: allowed only when the company's answer is the last public interaction and the
 * complaint is not evaluated; HugMe has the last word, shown on the event message.
 */
let rig: ReclameAquiRig;
let agent: string;
beforeAll(async () => {
  rig = await startReclameAquiRig();
  await addUser(rig.server, { key: 'ra-eval-agent', name: 'Rita', email: 'rita.eval@demo.local', role: 'agent', teamIds: ['team:suporte'], maxConcurrent: 50 });
  agent = (await login(rig.server, 'rita.eval@demo.local')).accessToken;
});
afterAll(async () => rig.close());
beforeEach(() => {
  rig.hugme.calls.length = 0;
});

const evaluation = (conversationId: string, id = commandId()) => command(rig, agent, conversationId, 'evaluation', { id });
const evaluationCalls = () => rig.hugme.calls.filter((c) => c.path === '/ticket/v1/tickets/evaluation');

/** The agent answered publicly and the send job finished; no poll ran since. */
async function answeredPublicly(conversationId: string): Promise<void> {
  const sent = await call<{ message: MessageDoc }>(rig.server, 'POST', `/api/conversations/${conversationId}/messages`, {
    token: agent, body: { id: commandId(), text: 'Trocamos o produto, confira.', visibility: 'public' },
  });
  expect(sent.status).toBe(201);
  const message = await until(async () => (await rig.server.store.get(sent.body.message.id)) as unknown as MessageDoc, (m) => m.status !== 'queued');
  expect(message.status).toBe('sent');
}

describe('R-CH-10 Reclame Aqui evaluation request', () => {
  it('R-CH-10 before any public answer it is refused 409 with the reason, and HugMe is not asked', async () => {
    const { conversationId } = await complaintTaken(rig, agent);
    // A private message does not count: the last public interaction is still the complaint.
    const privately = await call(rig.server, 'POST', `/api/conversations/${conversationId}/messages`, { token: agent, body: { id: commandId(), text: 'Olá, em privado.' } });
    expect(privately.status).toBe(201);
    const refused = await evaluation(conversationId);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: RA_REFUSAL.lastPublicNotCompany, message: RA_LAST_PUBLIC_NOT_COMPANY });
    expect(await eventsOf(rig, conversationId, 'raEvaluationRequested')).toHaveLength(0);
    expect(evaluationCalls()).toHaveLength(0);
  });

  it('R-CH-10 right after a public answer (no poll in between) it is asked of HugMe; the event is sent and the time recorded', async () => {
    const { ticketId, conversationId } = await complaintTaken(rig, agent);
    await answeredPublicly(conversationId);
    expect((await conversation(rig, conversationId)).channelMeta[RA_META.lastPublicBy]).toBe('company');
    const asked = await evaluation(conversationId);
    expect(asked.status).toBe(201);
    expect(asked.body.message).toMatchObject({ direction: 'system', kind: 'event', status: 'queued', payload: { event: 'raEvaluationRequested' } });
    expect(await settled(rig, asked.body.message.id)).toMatchObject({ status: 'sent', error: null });
    expect(evaluationCalls()).toEqual([expect.objectContaining({ status: 200, body: { id: String(ticketId) } })]);
    const meta = (await conversation(rig, conversationId)).channelMeta;
    expect(Number.isNaN(Date.parse(meta[RA_META.evaluationRequestedAt] ?? ''))).toBe(false);
    // It does not finish the conversation: a public message can still be sent.
    expect((await conversation(rig, conversationId)).status).toBe('active');
    await answeredPublicly(conversationId);
  });

  it('R-CH-10 when HugMe refuses (the consumer evaluated on the site meanwhile) the event fails with the sentence', async () => {
    const { ticketId, conversationId } = await complaintTaken(rig, agent);
    await answeredPublicly(conversationId);
    rig.hugme.consumerEvaluates(ticketId, { rating: 8, resolved: true, backDoingBusiness: true });
    const asked = await evaluation(conversationId);
    expect(asked.status).toBe(201);
    expect(await settled(rig, asked.body.message.id)).toMatchObject({ status: 'failed', error: RA_ALREADY_EVALUATED });
    expect(evaluationCalls()).toEqual([expect.objectContaining({ status: 400 })]);
    expect((await conversation(rig, conversationId)).channelMeta[RA_META.evaluationRequestedAt]).toBeUndefined();
  });

  it('R-CH-10 once the poll saw the evaluation it is refused 409 as already evaluated', async () => {
    const { ticketId, conversationId } = await complaintTaken(rig, agent);
    await answeredPublicly(conversationId);
    rig.hugme.consumerEvaluates(ticketId, { rating: 3, resolved: false, backDoingBusiness: false, comment: 'Demorou.' });
    await rig.poller().poll(rig.accountId);
    const refused = await evaluation(conversationId);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: RA_REFUSAL.alreadyEvaluated, message: RA_ALREADY_EVALUATED });
    expect(evaluationCalls()).toHaveLength(0);
  });

  it('R-CH-10 a retry with the same command id is one request', async () => {
    const { conversationId } = await complaintTaken(rig, agent);
    await answeredPublicly(conversationId);
    const id = commandId();
    const first = await evaluation(conversationId, id);
    const again = await evaluation(conversationId, id);
    expect([first.status, again.status]).toEqual([201, 200]);
    await settled(rig, first.body.message.id);
    expect(await eventsOf(rig, conversationId, 'raEvaluationRequested')).toHaveLength(1);
    expect(evaluationCalls()).toHaveLength(1);
  });

  it('R-CH-10 a body with an unknown field is 400 and nothing is written', async () => {
    const { conversationId } = await complaintTaken(rig, agent);
    await answeredPublicly(conversationId);
    const refused = await call(rig.server, 'POST', `/api/conversations/${conversationId}/reclameaqui/evaluation`, { token: agent, body: { id: commandId(), finish: true } });
    expect(refused.status).toBe(400);
    expect(await eventsOf(rig, conversationId, 'raEvaluationRequested')).toHaveLength(0);
  });
});
