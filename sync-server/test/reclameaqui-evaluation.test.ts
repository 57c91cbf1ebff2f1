import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  RA_ALREADY_EVALUATED, RA_EVALUATION_IN_FLIGHT, RA_LAST_PUBLIC_NOT_COMPANY, RA_META, RA_REFUSAL, type MessageDoc,
} from '@atende/protocol';
import { upstreamMessageKey } from '../src/channels/inbound.js';
import { complaintExternalId, interactionExternalId } from '../src/channels/reclameaqui/tickets.js';
import { addUser, call, login } from './helpers.js';
import {
  accountOnLine, command, commandId, complaintTaken, conversation, crashBeforeRecording, eventsOf, gone, settled, type HugMeLine,
} from './reclameaquiCommandsSetup.js';
import { commandSlotId } from '../src/channels/reclameaqui/commands.js';
import { conversationsOf, inboundOf, startReclameAquiRig, type ReclameAquiRig } from './reclameaquiSetup.js';
import { until } from './until.js';

/**
 * "Solicitar avaliação" (issue 12 item 6, R-CH-10) through the real server, its outbox job and the
 * fake HugMe: allowed only when the company's answer is the last public interaction and the
 * complaint is not evaluated; HugMe has the last word, shown on the event message.
 */
let rig: ReclameAquiRig;
/** The same fake company through a second account whose calls the test can hold or cut. */
let lined: { rig: ReclameAquiRig; line: HugMeLine };
let agent: string;
let outsider: string;
beforeAll(async () => {
  rig = await startReclameAquiRig();
  await addUser(rig.server, { key: 'ra-eval-agent', name: 'Rita', email: 'rita.eval@demo.local', role: 'agent', teamIds: ['team:suporte'], maxConcurrent: 50 });
  await addUser(rig.server, { key: 'ra-eval-outsider', name: 'Otto', email: 'otto.eval@demo.local', role: 'agent', teamIds: ['team:comercial'], maxConcurrent: 50 });
  agent = (await login(rig.server, 'rita.eval@demo.local')).accessToken;
  outsider = (await login(rig.server, 'otto.eval@demo.local')).accessToken;
  lined = await accountOnLine(rig);
});
afterAll(async () => rig.close());
beforeEach(() => {
  rig.hugme.calls.length = 0;
});

const evaluation = (conversationId: string, id = commandId(), token = agent) => command(rig, token, conversationId, 'evaluation', { id });
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

  it('R-CH-10 when HugMe refuses (the consumer evaluated on the site meanwhile) the event fails with the sentence (checks the model assumption: HugMe\'s refusal says "already evaluated")', async () => {
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

  it('R-CH-10 no command id can take the id the consumer\'s next reply will get (400): the reply is still imported', async () => {
    const { ticketId, conversationId } = await complaintTaken(rig, agent);
    await answeredPublicly(conversationId);
    // Interaction ids are sequential: the consumer's reply gets the next one, and its message key follows.
    const next = Math.max(...rig.hugme.tickets().flatMap((t) => t.interactions.map((i) => i.ticket_interaction_id))) + 1;
    const squat = upstreamMessageKey(rig.accountId, interactionExternalId(String(next)));
    const asked = await evaluation(conversationId, squat);
    expect(asked.status).toBe(400);
    rig.hugme.consumerReplies(ticketId, 'Ainda não chegou a troca.');
    await rig.poller().poll(rig.accountId);
    const replies = await Promise.all((await conversationsOf(rig, ticketId)).map((c) => inboundOf(rig, c.id)));
    expect(replies.flat().map((m) => m.text)).toContain('Ainda não chegou a troca.');
  });

  it('R-CH-10 whether a complaint was imported is not told to who cannot see it: its server key is refused 400 either way', async () => {
    const { ticketId, conversationId } = await complaintTaken(rig, agent);
    const imported = upstreamMessageKey(rig.accountId, complaintExternalId(String(ticketId)));
    const never = upstreamMessageKey(rig.accountId, complaintExternalId(String(ticketId + 500)));
    for (const target of [conversationId, 'conversation:01JNOSUCHCONVERSATION0000']) {
      const answers = [await evaluation(target, imported, outsider), await evaluation(target, never, outsider)];
      expect(answers.map((a) => a.status)).toEqual([400, 400]);
    }
  });

  it('R-CH-10 another request while one is still on its way to HugMe is 409; once it was accepted one may ask again', async () => {
    const { conversationId } = await complaintTaken(lined.rig, agent);
    await answeredPublicly(conversationId);
    const release = lined.line.hold('/ticket/v1/tickets/evaluation');
    const first = await evaluation(conversationId);
    expect(first.body.message).toMatchObject({ status: 'queued' });
    const second = await evaluation(conversationId);
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ error: RA_REFUSAL.evaluationInFlight, message: RA_EVALUATION_IN_FLIGHT });
    release();
    expect(await settled(rig, first.body.message.id)).toMatchObject({ status: 'sent' });
    const again = await evaluation(conversationId);
    expect(again.status).toBe(201);
    expect(await settled(rig, again.body.message.id)).toMatchObject({ status: 'sent' });
    expect(await eventsOf(rig, conversationId, 'raEvaluationRequested')).toHaveLength(2);
    expect(evaluationCalls().map((c) => c.status)).toEqual([200, 200]);
  });

  it('R-CH-10 when the answer to the request was lost, it is asked again and the event is sent', async () => {
    const { conversationId } = await complaintTaken(lined.rig, agent);
    await answeredPublicly(conversationId);
    lined.line.loseAnswer('/ticket/v1/tickets/evaluation');
    const asked = await evaluation(conversationId);
    expect(await settled(rig, asked.body.message.id)).toMatchObject({ status: 'sent', error: null });
    expect(evaluationCalls().map((c) => c.status)).toEqual([200, 200]);
    expect(Number.isNaN(Date.parse((await conversation(rig, conversationId)).channelMeta[RA_META.evaluationRequestedAt] ?? ''))).toBe(false);
  });

  it('R-CH-10 when the node dies after HugMe accepted but before recording it, the retry records the acceptance without asking again; then its call log and slot go', async () => {
    const { conversationId } = await complaintTaken(rig, agent);
    await answeredPublicly(conversationId);
    const id = commandId();
    const restore = crashBeforeRecording(rig, conversationId, RA_META.evaluationRequestedAt);
    try {
      const asked = await evaluation(conversationId, id);
      expect(await settled(rig, asked.body.message.id)).toMatchObject({ status: 'sent', error: null });
    } finally {
      restore();
    }
    expect(evaluationCalls().map((c) => c.status)).toEqual([200]);
    expect(Number.isNaN(Date.parse((await conversation(rig, conversationId)).channelMeta[RA_META.evaluationRequestedAt] ?? ''))).toBe(false);
    const slot = commandSlotId(conversationId, 'raEvaluationRequested');
    expect(await until(async () => (await gone(rig, `racall:${id}`)) && (await gone(rig, slot)), Boolean)).toBe(true);
  });
});
