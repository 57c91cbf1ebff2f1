import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raEvaluationPayload, type OutgoingWebhook, type WebhookDelivery, type WebhookEnvelope } from '@atende/protocol';
import { deriveEvents } from '../src/outgoingWebhooks/events.js';
import { deliveryHandler, signature } from '../src/outgoingWebhooks/delivery.js';
import { deliveryJob } from '../src/outgoingWebhooks/deliveryJobs.js';
import { DeliveryLog } from '../src/outgoingWebhooks/deliveryLog.js';
import { webhookDoc } from '../src/outgoingWebhooks/subscriptions.js';
import { PermanentFailure } from '../src/jobs/types.js';
import { targetGuard } from '../src/outgoingWebhooks/targetGuard.js';
import { call, login, newVisitor, visitorSays, startTestServer, type TestServer } from './helpers.js';
import { until } from './until.js';

/**
 * R-RT-05 (issue 15): outgoing webhooks. A real HTTP receiver on loopback checks every signature
 * with the secret, as an integrator's would (README); the server retries in milliseconds here
 * (ATENDE_WEBHOOKS_RETRY_*), the same policy as in production otherwise.
 */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  envelope: WebhookEnvelope;
  /** The signature recomputed from the raw body with the path's secret matched the header. */
  verified: boolean;
}

const SECRETS: Record<string, string> = { '/loop': 'segredo-do-ciclo-0001', '/flaky': 'segredo-instavel-0002', '/late': 'segredo-tardio-00003' };
const received: Received[] = [];
/** Status answers to give, per path, before answering 200. */
const scripted: Record<string, number[]> = {};
let receiver: Server;
let receiverUrl: string;
let server: TestServer;
let admin: string;
let ana: string;
let bruno: string;

function verify(secret: string, header: string | undefined, raw: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${raw}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2] ?? '', 'hex'));
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '';
      received.push({
        path, headers: req.headers, envelope: JSON.parse(raw) as WebhookEnvelope,
        verified: verify(SECRETS[path] ?? '', req.headers['x-atende-signature'] as string | undefined, raw),
      });
      res.statusCode = scripted[path]?.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  server = await startTestServer({
    ATENDE_WEBHOOKS_ALLOW_PRIVATE: '1', ATENDE_WEBHOOKS_RETRY_BASE_MS: '40', ATENDE_WEBHOOKS_RETRY_MAX_MS: '200',
  });
  const token = async (who: string) => (await login(server, `${who}@demo.local`)).accessToken;
  [admin, ana, bruno] = await Promise.all([token('admin'), token('ana'), token('bruno')]);
});
afterAll(async () => {
  await server.close();
  await new Promise((resolve) => receiver.close(resolve));
});

const createWebhook = (path: string, events: string[]) =>
  call<OutgoingWebhook & { error?: string }>(server, 'POST', '/api/admin/webhooks', {
    token: admin, body: { url: `${receiverUrl}${path}`, events, secret: SECRETS[path], enabled: true },
  });
const deliveries = async (id: string) =>
  (await call<{ deliveries: WebhookDelivery[] }>(server, 'GET', `/api/admin/webhooks/${id}/deliveries`, { token: admin })).body.deliveries;
const about = (conversationId: string) => (r: Received) =>
  r.envelope.data.conversation?.id === conversationId || r.envelope.data.message?.conversationId === conversationId;
const act = (token: string, conversationId: string, verb: string, body: Record<string, unknown> = {}) =>
  call(server, 'POST', `/api/conversations/${conversationId}/${verb}`, { token, body });

describe('outgoing webhooks', () => {
  it('R-RT-05 the core loop reaches the receiver signed, each event once: created, message, taken, transferred, finished', async () => {
    const hook = await createWebhook('/loop', ['conversation.created', 'conversation.taken', 'conversation.transferred', 'conversation.finished', 'message.created']);
    expect(hook.status).toBe(201);
    const { conversationId, messageId } = await visitorSays(server, await newVisitor(server), 'Olá, preciso de ajuda');
    const mine = () => received.filter((r) => r.path === '/loop').filter(about(conversationId));
    const events = () => mine().map((r) => r.envelope.event);
    await until(events, (e) => e.includes('conversation.created') && e.includes('message.created'));
    expect((await act(ana, conversationId, 'claim')).status).toBe(200);
    await until(events, (e) => e.includes('conversation.taken'));
    expect((await act(ana, conversationId, 'transfer', { toAgentId: 'user:bruno' })).status).toBe(200);
    await until(events, (e) => e.includes('conversation.transferred'));
    // No rating question (issue 18): its message.created would be one more event than this loop's.
    expect((await act(bruno, conversationId, 'finish', { disposition: 'disposition:duvida', requestRating: false })).status).toBe(200);
    await until(events, (e) => e.includes('conversation.finished'));
    await server.jobs.idle();

    const got = mine();
    expect(got.every((r) => r.verified)).toBe(true);
    expect(got[0]?.headers['user-agent']).toBe('Atende-Webhooks');
    expect(got[0]?.headers['content-type']).toBe('application/json');
    // Each event id once; the hand-over to Bruno is a take of its own (he joined the conversation).
    const ids = got.map((r) => r.envelope.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(events().sort()).toEqual([
      'conversation.created', 'conversation.finished', 'conversation.taken', 'conversation.taken', 'conversation.transferred', 'message.created',
    ]);
    const message = got.find((r) => r.envelope.event === 'message.created')?.envelope;
    expect(message).toMatchObject({ id: `message.created:${messageId}`, data: { message: { id: messageId, text: 'Olá, preciso de ajuda', direction: 'in' } } });
    const finished = got.find((r) => r.envelope.event === 'conversation.finished')?.envelope;
    expect(finished?.data.conversation).toMatchObject({ id: conversationId, status: 'finished', finishedBy: 'user:bruno' });
    const log = await deliveries(hook.body.id);
    expect(log).toHaveLength(got.length);
    expect(log.every((d) => d.ok && d.status === 200 && d.attempt === 1)).toBe(true);
  });

  it('R-RT-05 a receiver answering 500 gets the same event again after a wait; the log shows 500 then 200; "Reenviar" sends it once more', async () => {
    const hook = await createWebhook('/flaky', ['message.created']);
    scripted['/flaky'] = [500];
    const { messageId } = await visitorSays(server, await newVisitor(server), 'primeira tentativa falha');
    const eventId = `message.created:${messageId}`;
    const mine = () => received.filter((r) => r.path === '/flaky' && r.envelope.id === eventId);
    await until(mine, (r) => r.length >= 2);
    await server.jobs.idle();
    expect(mine()).toHaveLength(2);
    expect(mine().every((r) => r.verified)).toBe(true);
    let log = await deliveries(hook.body.id);
    expect(log.map((d) => [d.status, d.attempt, d.eventId])).toEqual([[200, 2, eventId], [500, 1, eventId]]);

    const resend = await call(server, 'POST', `/api/admin/webhooks/${hook.body.id}/deliveries/${log[1]?.id}/resend`, { token: admin });
    expect(resend.status).toBe(200);
    await until(mine, (r) => r.length >= 3);
    await server.jobs.idle();
    expect(mine()).toHaveLength(3);
    log = await deliveries(hook.body.id);
    expect(log[0]).toMatchObject({ eventId, status: 200, resent: true });
    const unknown = await call(server, 'POST', `/api/admin/webhooks/${hook.body.id}/deliveries/nope/resend`, { token: admin });
    expect(unknown.status).toBe(404);
  });

  it('R-RT-05 events from before the webhook existed are not sent to it', async () => {
    const visitor = await newVisitor(server);
    const before = await visitorSays(server, visitor, 'antes do webhook');
    // Wait until the earlier webhooks saw it: the feed has read past it before the new one exists.
    await until(() => received.some((r) => r.envelope.id === `message.created:${before.messageId}`), Boolean);
    const hook = await createWebhook('/late', ['message.created', 'conversation.created']);
    const after = await visitorSays(server, visitor, 'depois do webhook');
    const late = () => received.filter((r) => r.path === '/late');
    await until(late, (r) => r.some((x) => x.envelope.id === `message.created:${after.messageId}`));
    await server.jobs.idle();
    expect(late().map((r) => r.envelope.id)).not.toContain(`message.created:${before.messageId}`);
    expect(late().map((r) => r.envelope.id)).not.toContain(`conversation.created:${before.conversationId}`);
    // Switched off: nothing more; the list never shows the secret.
    expect((await call(server, 'PATCH', `/api/admin/webhooks/${hook.body.id}`, { token: admin, body: { enabled: false } })).status).toBe(200);
    const list = await call<{ webhooks: Array<Record<string, unknown>> }>(server, 'GET', '/api/admin/webhooks', { token: admin });
    expect(list.body.webhooks.find((w) => w.id === hook.body.id)).toMatchObject({ enabled: false, secretHint: '…0003' });
    expect(JSON.stringify(list.body)).not.toContain(SECRETS['/late']);
  });

  it('R-RT-05 an address that is not http(s) is refused with 400; agents may not touch webhooks (403)', async () => {
    for (const url of ['ftp://example.com/x', 'javascript:alert(1)', 'http://user:pw@example.com/x', 'not a url']) {
      const bad = await call(server, 'POST', '/api/admin/webhooks', { token: admin, body: { url, events: ['message.created'], secret: 'x'.repeat(20), enabled: true } });
      expect(bad.status, url).toBe(400);
    }
    const short = await call(server, 'POST', '/api/admin/webhooks', { token: admin, body: { url: 'https://example.com', events: ['message.created'], secret: 'curto', enabled: true } });
    expect(short.status).toBe(400);
    const none = await call(server, 'POST', '/api/admin/webhooks', { token: admin, body: { url: 'https://example.com', events: [], secret: 'x'.repeat(20), enabled: true } });
    expect(none.status).toBe(400);
    expect((await call(server, 'GET', '/api/admin/webhooks', { token: ana })).status).toBe(403);
    const byAgent = await call(server, 'POST', '/api/admin/webhooks', { token: ana, body: { url: 'https://example.com', events: ['message.created'], secret: 'x'.repeat(20), enabled: true } });
    expect(byAgent.status).toBe(403);
  });

  it('R-RT-05 private and loopback targets are refused unless ATENDE_WEBHOOKS_ALLOW_PRIVATE=1', () => {
    const strict = targetGuard(false);
    for (const url of ['http://127.0.0.1:8080/x', 'http://localhost/x', 'http://10.1.2.3/x', 'http://[::1]/x', 'http://169.254.169.254/latest']) {
      expect(() => strict.assertAllowed(url), url).toThrow(/rede interna/);
    }
    expect(() => strict.assertAllowed('https://hooks.example.com/atende')).not.toThrow();
    expect(strict.lookup).toBeDefined();
    expect(() => targetGuard(true).assertAllowed('http://127.0.0.1/x')).not.toThrow();
  });

  it('R-RT-05 a webhook saved while private targets were allowed is not delivered once they are refused: the attempt is logged, not retried', async () => {
    const webhook = webhookDoc({ url: `${receiverUrl}/private`, events: ['message.created'], secret: 'segredo-privado-0001', enabled: true }, Date.now(), 'privado');
    // Switched off in the store, so this server's own feed leaves it alone; the handler below is the strict node's.
    await server.store.bulkWrite([{ ...webhook, enabled: false }]);
    const log = new DeliveryLog(server.store);
    const strict = deliveryHandler({ store: server.store, log, guard: targetGuard(false) });
    const job = deliveryJob(webhook, { id: 'message.created:message:privado', event: 'message.created', at: Date.now(), data: {} });
    await strict(job, { attempt: 1, signal: new AbortController().signal }); // off: nothing sent, nothing logged
    expect(await log.list(webhook._id)).toEqual([]);
    const stored = await server.store.get(webhook._id);
    await server.store.bulkWrite([{ ...stored, _id: webhook._id, enabled: true }]);
    await expect(strict(job, { attempt: 1, signal: new AbortController().signal })).rejects.toBeInstanceOf(PermanentFailure);
    expect(await log.list(webhook._id)).toMatchObject([{ status: null, ok: false, error: expect.stringMatching(/rede interna/) }]);
    expect(received.some((r) => r.path === '/private')).toBe(false);
    expect((await call(server, 'DELETE', `/api/admin/webhooks/${webhook._id}`, { token: admin })).status).toBe(204);
  });

  it('R-RT-05 a Reclame Aqui evaluation is evaluation.received (and a message); transcript lines and internal chat are no message.created', async () => {
    const base = {
      type: 'message', conversationId: 'conversation:ra1', teamId: 'team:suporte', formerTeamIds: [], authorId: 'contact:c1', authorName: 'Cliente',
      kind: 'text', text: 'Avaliação', attachments: [], visibility: 'public', status: 'sent', error: null, externalId: null, createdAt: 5, updatedAt: 5,
    };
    const evaluation = { rating: 8, resolved: true, backDoingBusiness: null, comment: 'Bom' };
    const context = { conversation: () => Promise.resolve(undefined) };
    const evaluated = await deriveEvents({ _id: 'message:ra1', ...base, direction: 'in', payload: raEvaluationPayload(evaluation) }, context);
    expect(evaluated.map((e) => e.id)).toEqual(['message.created:message:ra1', 'evaluation.received:message:ra1']);
    expect(evaluated[1]?.data.evaluation).toEqual({ source: 'reclameaqui', ratingMax: 10, ...evaluation });
    expect(await deriveEvents({ _id: 'message:chat1', ...base, direction: 'internal', payload: {} }, context)).toEqual([]);
    const line = { _id: 'message:ev.ra1.queued.0', ...base, direction: 'system', kind: 'event', payload: { event: 'queued', position: 1, waitMinutes: null } };
    expect(await deriveEvents(line, context)).toEqual([]);
  });

  it('R-RT-05 the signature is the HMAC-SHA256 of "<t>.<body>" in hex, as the README shows receivers', () => {
    const body = '{"id":"x"}';
    expect(signature('segredo-de-teste-123', body, 1700000000)).toBe(
      `t=1700000000,v1=${createHmac('sha256', 'segredo-de-teste-123').update(`1700000000.${body}`).digest('hex')}`,
    );
    expect(verify('segredo-de-teste-123', signature('segredo-de-teste-123', body, 1), body)).toBe(true);
    expect(verify('outro-segredo-000000', signature('segredo-de-teste-123', body, 1), body)).toBe(false);
  });
});
