import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RA_META, RA_MODERATION_IN_FLIGHT, RA_MODERATION_PENDING, RA_REFUSAL, raCommandMessageId } from '@atende/protocol';
import { upstreamMessageKey } from '../src/channels/inbound.js';
import { commandSlotId, RA_FILE_REFUSED, SLOT_WRITE_GRACE_MS } from '../src/channels/reclameaqui/commands.js';
import { complaintExternalId } from '../src/channels/reclameaqui/tickets.js';
import { addUser, call, login } from './helpers.js';
import {
  accountOnLine, command, commandId, complaintTaken, conversation, crashBeforeRecording, eventsOf, gone, settled, upload, type HugMeLine,
} from './reclameaquiCommandsSetup.js';
import { until } from './until.js';
import { complaint, conversationsOf, startReclameAquiRig, type ReclameAquiRig } from './reclameaquiSetup.js';

/**
 * "Solicitar moderação" (issue 12 item 5, R-CH-09) through the real server, its outbox job and
 * the fake HugMe: the request as HugMe receives it, the refusals before anything is written, and
 * the outcome on the conversation's event message.
 */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const MP3 = Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x00]), Buffer.alloc(400)]);

let rig: ReclameAquiRig;
/** The same fake company through a second account whose calls the test can hold or cut. */
let lined: { rig: ReclameAquiRig; line: HugMeLine };
let agent: string;
let colleague: string;
let outsider: string;
beforeAll(async () => {
  rig = await startReclameAquiRig();
  await addUser(rig.server, { key: 'ra-mod-agent', name: 'Rita', email: 'rita.mod@demo.local', role: 'agent', teamIds: ['team:suporte'], maxConcurrent: 50 });
  await addUser(rig.server, { key: 'ra-mod-colleague', name: 'Caio', email: 'caio.mod@demo.local', role: 'agent', teamIds: ['team:suporte'], maxConcurrent: 50 });
  await addUser(rig.server, { key: 'ra-mod-outsider', name: 'Otto', email: 'otto.mod@demo.local', role: 'agent', teamIds: ['team:comercial'], maxConcurrent: 50 });
  agent = (await login(rig.server, 'rita.mod@demo.local')).accessToken;
  colleague = (await login(rig.server, 'caio.mod@demo.local')).accessToken;
  outsider = (await login(rig.server, 'otto.mod@demo.local')).accessToken;
  lined = await accountOnLine(rig);
});
afterAll(async () => rig.close());
beforeEach(() => {
  rig.hugme.calls.length = 0;
});

const moderation = (conversationId: string, body: Record<string, unknown>, token = agent) =>
  command(rig, token, conversationId, 'moderation', { id: commandId(), reason: '4', message: 'Reclamação repetida da nº 1.', ...body });
const moderationCalls = () => rig.hugme.calls.filter((c) => c.path === '/ticket/v1/tickets/moderation');

describe('R-CH-09 Reclame Aqui moderation request', () => {
  it('R-CH-09 reason 1 goes multipart with reason, message, migrateTO and the file; the event is sent and the complaint pending', async () => {
    const { ticketId, conversationId } = await complaintTaken(rig, agent);
    const mediaId = await upload(rig, agent, PDF, 'application/pdf', 'contrato.pdf');
    const asked = await moderation(conversationId, {
      reason: '1', message: 'A compra foi feita na Loja Vizinha.', targetCompany: 'Loja Vizinha', mediaIds: [mediaId],
    });
    expect(asked.status).toBe(201);
    expect(asked.body.message).toMatchObject({
      direction: 'system', kind: 'event', status: 'queued',
      payload: { event: 'raModerationRequested', reason: '1', targetCompany: 'Loja Vizinha', message: 'A compra foi feita na Loja Vizinha.' },
    });
    expect(await settled(rig, asked.body.message.id)).toMatchObject({ status: 'sent', error: null });
    expect(moderationCalls()).toEqual([expect.objectContaining({
      status: 200,
      body: {
        id: String(ticketId), reason: '1', message: 'A compra foi feita na Loja Vizinha.', migrateTO: 'Loja Vizinha',
        file: { name: 'contrato.pdf', type: 'application/pdf', size: PDF.length },
      },
    })]);
    expect(rig.hugme.ticket(ticketId)?.moderation).toEqual({ status: 'pending', reason: 1 });
    expect([...rig.hugme.files.values()].some((f) => f.bytes.equals(PDF))).toBe(true);
    expect((await conversation(rig, conversationId)).channelMeta).toMatchObject({ [RA_META.moderationStatus]: 'pending', [RA_META.moderationReason]: '1' });
  });

  it('R-CH-09 reason 1 without the target company is 400 and nothing is written or sent', async () => {
    const { conversationId } = await complaintTaken(rig, agent);
    const refused = await moderation(conversationId, { reason: '1' });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('targetCompany');
    expect(await eventsOf(rig, conversationId, 'raModerationRequested')).toHaveLength(0);
    expect(moderationCalls()).toHaveLength(0);
  });

  it('R-CH-09 a second request while one is pending is 409 with the protocol\'s code and sentence', async () => {
    const { conversationId } = await complaintTaken(rig, agent);
    const first = await moderation(conversationId, {});
    expect(await settled(rig, first.body.message.id)).toMatchObject({ status: 'sent' });
    const second = await moderation(conversationId, { reason: '5', message: 'Conteúdo ofensivo.' });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ error: RA_REFUSAL.moderationPending, message: RA_MODERATION_PENDING });
    expect(await eventsOf(rig, conversationId, 'raModerationRequested')).toHaveLength(1);
    expect(moderationCalls()).toHaveLength(1);
  });

  it('R-CH-09 a file of a type Reclame Aqui refuses, or an unknown file, is 422 and nothing is written', async () => {
    const { conversationId } = await complaintTaken(rig, agent);
    const audio = await upload(rig, agent, MP3, 'audio/mpeg', 'audio.mp3');
    const wrongType = await moderation(conversationId, { mediaIds: [audio] });
    expect(wrongType.status).toBe(422);
    expect(wrongType.body).toMatchObject({ message: RA_FILE_REFUSED });
    const unknown = await moderation(conversationId, { mediaIds: ['media:01JUNKNOWNFILE0000000000'] });
    expect(unknown.status).toBe(422);
    expect(await eventsOf(rig, conversationId, 'raModerationRequested')).toHaveLength(0);
    expect(moderationCalls()).toHaveLength(0);
  });

  it('R-CH-09 a retry with the same command id answers the same event: one message, one call to HugMe', async () => {
    const { conversationId } = await complaintTaken(rig, agent);
    const body = { id: commandId(), reason: '17', message: 'Não houve violação de direito.' };
    const first = await command(rig, agent, conversationId, 'moderation', body);
    const again = await command(rig, agent, conversationId, 'moderation', body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.message.id).toBe(first.body.message.id);
    await settled(rig, first.body.message.id);
    const afterSend = await command(rig, agent, conversationId, 'moderation', body);
    expect(afterSend.body.message).toMatchObject({ id: first.body.message.id, status: 'sent' });
    expect(await eventsOf(rig, conversationId, 'raModerationRequested')).toHaveLength(1);
    expect(moderationCalls().filter((c) => c.status === 200)).toHaveLength(1);
    // The same id on another conversation is someone else's command: a conflict, not a second request.
    const other = await complaintTaken(rig, agent);
    expect((await command(rig, agent, other.conversationId, 'moderation', body)).status).toBe(409);
  });

  it('R-CH-09 a refusal by HugMe fails the event message with a pt-BR sentence and leaves the complaint as it was (checks the model assumption: HugMe\'s refusal says "pending")', async () => {
    const { conversationId } = await complaintTaken(rig, agent);
    rig.hugme.failNext({ status: 400, error: 'bad_request', message: 'a moderation request is already pending' });
    const pending = await moderation(conversationId, {});
    expect(await settled(rig, pending.body.message.id)).toMatchObject({ status: 'failed', error: RA_MODERATION_PENDING });
    rig.hugme.failNext({ status: 400, error: 'bad_request', message: 'message: too short' });
    const other = await moderation(conversationId, {});
    expect(await settled(rig, other.body.message.id)).toMatchObject({
      status: 'failed', error: 'O Reclame Aqui recusou a solicitação de moderação (código 400).',
    });
    expect((await conversation(rig, conversationId)).channelMeta[RA_META.moderationStatus]).toBeUndefined();
  });

  it('R-CH-09 a 429 is waited out and the request is made once', async () => {
    const { ticketId, conversationId } = await complaintTaken(rig, agent);
    rig.hugme.failNext({ status: 429, error: 'too_many_requests', message: 'slow down', retryAfterS: 1 });
    const asked = await moderation(conversationId, {});
    expect(await settled(rig, asked.body.message.id)).toMatchObject({ status: 'sent' });
    expect(moderationCalls().map((c) => c.status)).toEqual([429, 200]);
    expect(rig.hugme.ticket(ticketId)?.moderation).toEqual({ status: 'pending', reason: 4 });
  });

  it('R-CH-09 only who may reply asks: another agent 403, a finished conversation 409, an unknown one 404', async () => {
    const { conversationId } = await complaintTaken(rig, agent);
    expect((await moderation(conversationId, {}, colleague)).status).toBe(403);
    expect((await call(rig.server, 'POST', `/api/conversations/${conversationId}/finish`, { token: agent, body: {} })).status).toBe(200);
    const finished = await moderation(conversationId, {});
    expect(finished.status).toBe(409);
    expect(finished.body).toMatchObject({ error: 'finished' });
    expect((await moderation('conversation:01JNOSUCHCONVERSATION0000', {})).status).toBe(404);
    expect(await eventsOf(rig, conversationId, 'raModerationRequested')).toHaveLength(0);
    expect(moderationCalls()).toHaveLength(0);
  });

  it('R-CH-09 no client id can take the id an imported complaint will get (moderation or reply): 400, and the next complaint still becomes a conversation', async () => {
    const { ticketId, conversationId } = await complaintTaken(rig, agent);
    // The poller names a complaint's message after the account and the ticket: predictable for the next ticket.
    const squat = upstreamMessageKey(rig.accountId, complaintExternalId(String(ticketId + 1)));
    const asked = await moderation(conversationId, { id: squat });
    expect(asked.status).toBe(400);
    const replied = await call(rig.server, 'POST', `/api/conversations/${encodeURIComponent(conversationId)}/messages`, {
      token: agent, body: { id: squat, text: 'Tomando o lugar da próxima reclamação' },
    });
    expect(replied.status).toBe(400);
    expect(rig.hugme.fileComplaint(complaint(9001)).id).toBe(ticketId + 1);
    await rig.poller().poll(rig.accountId);
    const [imported] = await conversationsOf(rig, ticketId + 1);
    expect(imported?.lastPreview).toContain('9001');
  });

  it('R-CH-09 whether a command id exists is told only to who sees the conversation: 404 otherwise, 409 to a viewer', async () => {
    const { ticketId, conversationId } = await complaintTaken(rig, agent);
    const used = await moderation(conversationId, {});
    const usedId = (used.body.message.id as string).slice(raCommandMessageId('').length);
    const imported = upstreamMessageKey(rig.accountId, complaintExternalId(String(ticketId)));
    // A server key is refused as such (400), whether or not a message has it: nothing to learn.
    expect((await moderation(conversationId, { id: imported }, outsider)).status).toBe(400);
    for (const id of [usedId, commandId()]) {
      expect((await moderation(conversationId, { id }, outsider)).status).toBe(404);
      expect((await moderation('conversation:01JNOSUCHCONVERSATION0000', { id }, outsider)).status).toBe(404);
    }
    // A colleague who sees the conversation learns of the conflict (and may not reply anyway).
    const seen = await moderation(conversationId, { id: usedId }, colleague);
    expect(seen.status).toBe(409);
    expect(seen.body).toMatchObject({ error: 'id_conflict' });
    await settled(rig, used.body.message.id);
    expect(await eventsOf(rig, conversationId, 'raModerationRequested')).toHaveLength(1);
  });

  it('R-CH-09 a second request while the first is still on its way to HugMe is 409, then refused as pending once accepted', async () => {
    const { conversationId } = await complaintTaken(lined.rig, agent);
    const release = lined.line.hold('/ticket/v1/tickets/moderation');
    const first = await moderation(conversationId, {});
    expect(first.body.message).toMatchObject({ status: 'queued' });
    const second = await moderation(conversationId, { reason: '5', message: 'Conteúdo ofensivo.' });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ error: RA_REFUSAL.moderationInFlight, message: RA_MODERATION_IN_FLIGHT });
    // The author's own repeat still answers its request.
    const repeat = await command(rig, agent, conversationId, 'moderation', {
      id: (first.body.message.id as string).slice(raCommandMessageId('').length), reason: '4', message: 'Reclamação repetida da nº 1.',
    });
    expect(repeat.status).toBe(200);
    release();
    expect(await settled(rig, first.body.message.id)).toMatchObject({ status: 'sent' });
    const third = await moderation(conversationId, { reason: '5', message: 'Conteúdo ofensivo.' });
    expect(third.body).toMatchObject({ error: RA_REFUSAL.moderationPending });
    expect(await eventsOf(rig, conversationId, 'raModerationRequested')).toHaveLength(1);
    expect(moderationCalls()).toHaveLength(1);
  });

  it('R-CH-09 a request whose message a crash never wrote holds the complaint only for a grace period', async () => {
    const { conversationId } = await complaintTaken(rig, agent);
    const slot = commandSlotId(conversationId, 'raModerationRequested');
    await rig.server.store.bulkWrite([{ _id: slot, type: 'raslot', messageId: raCommandMessageId('ghost-request'), claimedAt: Date.now() }]);
    expect((await moderation(conversationId, {})).body).toMatchObject({ error: RA_REFUSAL.moderationInFlight });
    const stored = await rig.server.store.get(slot, { fresh: true });
    await rig.server.store.bulkWrite([{ ...stored!, claimedAt: Date.now() - SLOT_WRITE_GRACE_MS - 1 }]);
    const asked = await moderation(conversationId, {});
    expect(asked.status).toBe(201);
    expect(await settled(rig, asked.body.message.id)).toMatchObject({ status: 'sent' });
  });

  it('R-CH-09 when HugMe took the request but its answer was lost, the retry\'s "already pending" is success (checks the model assumption: HugMe\'s refusal says "pending")', async () => {
    const { ticketId, conversationId } = await complaintTaken(lined.rig, agent);
    lined.line.loseAnswer('/ticket/v1/tickets/moderation');
    const asked = await moderation(conversationId, { reason: '16', message: 'Caso trabalhista.' });
    expect(await settled(rig, asked.body.message.id)).toMatchObject({ status: 'sent', error: null });
    expect(moderationCalls().map((c) => c.status)).toEqual([200, 400]);
    expect(rig.hugme.ticket(ticketId)?.moderation).toEqual({ status: 'pending', reason: 16 });
    expect((await conversation(rig, conversationId)).channelMeta).toMatchObject({ [RA_META.moderationStatus]: 'pending', [RA_META.moderationReason]: '16' });
  });

  it('R-CH-09 when the node dies after HugMe accepted but before recording it, the retry records the acceptance without asking HugMe again', async () => {
    const { ticketId, conversationId } = await complaintTaken(rig, agent);
    const restore = crashBeforeRecording(rig, conversationId, RA_META.moderationStatus);
    try {
      const asked = await moderation(conversationId, { reason: '16', message: 'Caso trabalhista.' });
      expect(await settled(rig, asked.body.message.id)).toMatchObject({ status: 'sent', error: null });
    } finally {
      restore();
    }
    expect(moderationCalls().map((c) => c.status)).toEqual([200]);
    expect(rig.hugme.ticket(ticketId)?.moderation).toEqual({ status: 'pending', reason: 16 });
    expect((await conversation(rig, conversationId)).channelMeta).toMatchObject({ [RA_META.moderationStatus]: 'pending', [RA_META.moderationReason]: '16' });
  });

  it('R-CH-09 once the event message is sent or failed, its call log and the complaint\'s slot are deleted; the complaint can be asked again', async () => {
    const { conversationId } = await complaintTaken(rig, agent);
    const slot = commandSlotId(conversationId, 'raModerationRequested');
    const sentId = commandId();
    const sent = await moderation(conversationId, { id: sentId });
    expect(await settled(rig, sent.body.message.id)).toMatchObject({ status: 'sent' });
    expect(await until(async () => (await gone(rig, `racall:${sentId}`)) && (await gone(rig, slot)), Boolean)).toBe(true);

    const other = await complaintTaken(rig, agent);
    const otherSlot = commandSlotId(other.conversationId, 'raModerationRequested');
    rig.hugme.failNext({ status: 400, error: 'bad_request', message: 'message: too short' });
    const failedId = commandId();
    const failed = await moderation(other.conversationId, { id: failedId });
    expect(await settled(rig, failed.body.message.id)).toMatchObject({ status: 'failed' });
    expect(await until(async () => (await gone(rig, `racall:${failedId}`)) && (await gone(rig, otherSlot)), Boolean)).toBe(true);
    // The slot written anew after its deletion holds the next request as before.
    const again = await moderation(other.conversationId, {});
    expect(again.status).toBe(201);
    expect(await settled(rig, again.body.message.id)).toMatchObject({ status: 'sent' });
  });
});
