import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeHugMe, SERVER_ERROR, tooManyRequests } from '../src/channels/reclameaqui/simulator/fakeHugMe.js';
import type { HugMeTicket } from '../src/channels/reclameaqui/simulator/fakeHugMe.js';

/**
 * The fake HugMe API itself (the contract the Reclame Aqui adapter and simulator rely on): OAuth
 * client credentials, the listing's filters, paging, sort and rate limit, the company's actions
 * and their rules, the consumer's side, the reputation.
 */
const CLIENT = { clientId: 'atende-client', clientSecret: 's3cret-value', companyId: '4242' };
let clock = Date.parse('2026-06-01T12:00:00.000Z');
let hugme: FakeHugMe;

beforeAll(async () => {
  hugme = await new FakeHugMe({ ...CLIENT, tokenTtlSeconds: 600, rateLimitPerMinute: 0, minEvaluations: 1, now: () => clock }).start();
});
afterAll(() => hugme.stop());
beforeEach(() => {
  hugme.reset();
  hugme.options.rateLimitPerMinute = 0;
  clock = Date.parse('2026-06-01T12:00:00.000Z');
});

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function token(id = CLIENT.clientId, secret = CLIENT.clientSecret) {
  const res = await fetch(`${hugme.baseUrl}/auth/oauth/token?grant_type=client_credentials`, { method: 'POST', headers: { authorization: basic(id, secret) } });
  return { status: res.status, body: (await res.json()) as { access_token?: string; token_type?: string; expires_in?: number; error?: string } };
}

async function bearer(): Promise<string> {
  return `Bearer ${(await token()).body.access_token ?? ''}`;
}

async function get(path: string, auth: string) {
  const res = await fetch(`${hugme.baseUrl}${path}`, { headers: { authorization: auth } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

async function postJson(path: string, auth: string, body: unknown) {
  const res = await fetch(`${hugme.baseUrl}${path}`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function postForm(path: string, auth: string, fields: Record<string, string>, file?: { bytes: Buffer; type: string; name: string }) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  if (file) form.set('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  const res = await fetch(`${hugme.baseUrl}${path}`, { method: 'POST', headers: { authorization: auth }, body: form });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const complaint = (n: number) => hugme.fileComplaint({
  customer: { name: `Cliente ${n}`, email: `cliente${n}@example.com`, phone: '5511998765432' },
  title: `Produto ${n} não chegou`, content: `Comprei o produto ${n} e não recebi.`, city: 'São Paulo', state: 'SP',
});

const ids = (body: Record<string, unknown>) => (body.data as HugMeTicket[]).map((t) => t.id);

describe('R-CH-06 fake HugMe: OAuth client credentials', () => {
  it('R-CH-06 good credentials get a Bearer token; wrong ones, a missing grant or a bad token are refused', async () => {
    const good = await token();
    expect(good).toMatchObject({ status: 200, body: { token_type: 'Bearer', expires_in: 600 } });
    expect(good.body.access_token).toMatch(/^[0-9a-f]{48}$/);
    expect(await token(CLIENT.clientId, 'wrong')).toEqual({ status: 401, body: { error: 'invalid_client', message: 'Bad client credentials' } });
    const noGrant = await fetch(`${hugme.baseUrl}/auth/oauth/token`, { method: 'POST', headers: { authorization: basic(CLIENT.clientId, CLIENT.clientSecret) } });
    expect(noGrant.status).toBe(400);
    expect((await get('/ticket/v1/tickets', 'Bearer nope')).status).toBe(401);
    expect((await get('/ticket/v1/tickets', `Bearer ${good.body.access_token ?? ''}`)).status).toBe(200);
  });

  it('R-CH-06 a token stops working when it expires (by time or expireTokens), and a new one works', async () => {
    const auth = await bearer();
    clock += 600_000;
    expect(await get('/ticket/v1/tickets', auth)).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
    const fresh = await bearer();
    expect((await get('/ticket/v1/tickets', fresh)).status).toBe(200);
    hugme.expireTokens();
    expect((await get('/ticket/v1/tickets', fresh)).status).toBe(401);
  });
});

describe('R-CH-06 fake HugMe: listing complaints', () => {
  it('R-CH-06 a filed complaint has the modelled shape: customer, location, status 5, the complaint as interaction 1, a public URL', async () => {
    const filed = complaint(1);
    const { body } = await get('/ticket/v1/tickets', await bearer());
    expect(body.meta).toEqual({ page: { number: 1, size: 10 }, total: 1 });
    const [ticket] = body.data as HugMeTicket[];
    expect(ticket).toMatchObject({
      id: filed.id, complaint_title: 'Produto 1 não chegou', complaint_content: 'Comprei o produto 1 e não recebi.',
      customer: { name: 'Cliente 1', email: ['cliente1@example.com'], phone_numbers: ['5511998765432'] },
      location: { city: 'São Paulo', state: 'SP' }, creation_date: '2026-06-01T12:00:00.000Z', last_modification_date: '2026-06-01T12:00:00.000Z',
      ra_status: { id: 5, name: 'Não respondida' }, rating: null, resolved_issue: null, back_doing_business: null, moderation: null,
      interactions: [{ ticket_interaction_type_id: 1, message: 'Comprei o produto 1 e não recebi.', privacy: false }],
    });
    expect(ticket?.public_url).toBe(`${hugme.baseUrl}/empresa/4242/produto-1-nao-chegou_${filed.id}/`);
  });

  it('R-CH-06 filters by last_modification_date, id, ra_status.id and creation_date with every operator', async () => {
    const [a, b, c] = [complaint(1), complaint(2), complaint(3)];
    hugme.consumerReplies(a.id, 'Alguma novidade?');
    const auth = await bearer();
    const q = async (query: string) => ids((await get(`/ticket/v1/tickets?${query}`, auth)).body);
    expect(await q(`last_modification_date[gt]=${encodeURIComponent(c.creation_date)}`)).toEqual([a.id]);
    expect(await q(`last_modification_date[gte]=${encodeURIComponent(c.creation_date)}`)).toEqual([a.id, c.id]);
    expect(await q(`creation_date[lt]=${encodeURIComponent(b.creation_date)}`)).toEqual([a.id]);
    expect(await q(`creation_date[lte]=${encodeURIComponent(b.creation_date)}`)).toEqual([a.id, b.id]);
    expect(await q(`id[eq]=${b.id}`)).toEqual([b.id]);
    expect(await q(`id=${b.id}`)).toEqual([b.id]);
    expect(await q(`id[ne]=${b.id}`)).toEqual([a.id, c.id]);
    expect(await q(`id[in]=${a.id},${c.id}`)).toEqual([a.id, c.id]);
    expect(await q(`id[nin]=${a.id},${c.id}`)).toEqual([b.id]);
    expect(await q('ra_status.id[eq]=5')).toEqual([a.id, b.id, c.id]);
    expect((await get('/ticket/v1/tickets?id[like]=1', auth)).status).toBe(400);
    expect((await get('/ticket/v1/tickets?creation_date[gte]=yesterday', auth)).status).toBe(400);
    expect((await get('/ticket/v1/tickets?color[eq]=blue', auth)).status).toBe(400);
  });

  it('R-CH-06 consumer changes move last_modification_date strictly forward, even within the same millisecond', async () => {
    const t = complaint(1);
    const stamps = [t.last_modification_date];
    stamps.push(hugme.consumerReplies(t.id, 'Oi?').last_modification_date);
    stamps.push(hugme.consumerReplies(t.id, 'Oi de novo?').last_modification_date);
    const [first = 0] = stamps.map(Date.parse);
    expect(first).toBeGreaterThanOrEqual(clock);
    expect(stamps.map(Date.parse)).toEqual([first, first + 1, first + 2]);
    expect(t.interactions.at(-1)).toMatchObject({ ticket_interaction_type_id: 6, privacy: true, message: 'Oi de novo?' });
  });

  it('R-CH-06 pages of page[size] with page[number], sorted; page[size] over 50 or under 1 is refused', async () => {
    const filed = Array.from({ length: 7 }, (_, i) => complaint(i));
    const auth = await bearer();
    const page2 = await get('/ticket/v1/tickets?page[size]=3&page[number]=2&sort[creation_date]=asc', auth);
    expect(page2.body.meta).toEqual({ page: { number: 2, size: 3 }, total: 7 });
    expect(ids(page2.body)).toEqual(filed.slice(3, 6).map((t) => t.id));
    const desc = await get('/ticket/v1/tickets?page[size]=2&sort[id]=desc', auth);
    expect(ids(desc.body)).toEqual([filed[6]?.id, filed[5]?.id]);
    expect(ids((await get('/ticket/v1/tickets?page[size]=3&page[number]=4', auth)).body)).toEqual([]);
    for (const bad of ['page[size]=51', 'page[size]=0', 'page[number]=0', 'sort[id]=up', 'sort[complaint_title]=asc']) {
      expect((await get(`/ticket/v1/tickets?${bad}`, auth)).status, bad).toBe(400);
    }
    expect((await get('/ticket/v1/tickets?page[size]=50', auth)).status).toBe(200);
  });

  it('R-CH-06 past the calls per minute a token gets 429 with Retry-After and a JSON body, again after the minute', async () => {
    hugme.options.rateLimitPerMinute = 3;
    const auth = await bearer();
    for (let i = 0; i < 3; i++) expect((await get('/ticket/v1/tickets', auth)).status).toBe(200);
    clock += 20_000;
    const limited = await get('/ticket/v1/tickets', auth);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('40');
    expect(limited.body).toMatchObject({ error: 'too_many_requests' });
    clock += 40_000;
    expect((await get('/ticket/v1/tickets', auth)).status).toBe(200);
  });

  it('R-CH-06 failNext scripts upstream errors for the next calls, then calls succeed', async () => {
    const auth = await bearer();
    hugme.failNext(SERVER_ERROR, null, tooManyRequests(7));
    expect((await get('/ticket/v1/tickets', auth)).status).toBe(500);
    expect((await get('/ticket/v1/tickets', auth)).status).toBe(200);
    const scripted = await get('/ticket/v1/tickets', auth);
    expect([scripted.status, scripted.headers.get('retry-after')]).toEqual([429, '7']);
    expect((await get('/ticket/v1/tickets', auth)).status).toBe(200);
    expect(hugme.calls.map((c) => c.status)).toEqual([200, 500, 200, 429, 200]);
  });

  it('R-CH-06 a body past the 10 MB file and its framing is 413; a path outside the API is 404', async () => {
    const auth = await bearer();
    const res = await fetch(`${hugme.baseUrl}/ticket/v1/tickets/message/public`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: Buffer.alloc(12 * 1024 * 1024, 32) });
    expect([res.status, await res.json()]).toEqual([413, { error: 'payload_too_large', message: 'Request body too large' }]);
    expect((await get('/somewhere', auth)).status).toBe(404);
  });
});

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

describe('R-CH-07 fake HugMe: public and private answers', () => {
  it('R-CH-07 a public answer (JSON {id, message}) adds a public type-2 interaction and marks the complaint answered', async () => {
    const t = complaint(1);
    const auth = await bearer();
    const res = await postJson('/ticket/v1/tickets/message/public', auth, { id: t.id, message: 'Olá, vamos resolver.' });
    expect(res).toMatchObject({ status: 200, body: { id: t.id } });
    expect(t.ra_status).toEqual({ id: 6, name: 'Respondida' });
    expect(t.interactions.at(-1)).toMatchObject({ ticket_interaction_type_id: 2, privacy: false, message: 'Olá, vamos resolver.' });
    expect(Date.parse(t.last_modification_date)).toBeGreaterThan(Date.parse(t.creation_date));
    expect((await postJson('/ticket/v1/tickets/message/public', auth, { id: t.id, message: '  ' })).status).toBe(400);
    expect((await postJson('/ticket/v1/tickets/message/public', auth, { id: 999, message: 'x' })).status).toBe(404);
    expect((await postForm('/ticket/v1/tickets/message/public', auth, { id: String(t.id), message: 'x' })).status).toBe(415);
  });

  it('R-CH-07 a private message is multipart {id, message, email, file?} to the consumer\'s e-mail, type 3, with JPEG/PNG/PDF up to 10 MB', async () => {
    const t = complaint(1);
    const auth = await bearer();
    const fields = { id: String(t.id), message: 'Enviei o boleto.', email: 'cliente1@example.com' };
    const res = await postForm('/ticket/v1/tickets/message/private', auth, fields, { bytes: PNG, type: 'image/png', name: 'nota.png' });
    expect(res.status).toBe(200);
    const sent = t.interactions.at(-1);
    expect(sent).toMatchObject({ ticket_interaction_type_id: 3, privacy: true, message: 'Enviei o boleto.', attachments: [{ name: 'nota.png', mime_type: 'image/png', size: PNG.length }] });
    expect(hugme.files.get(sent?.attachments[0]?.id ?? '')?.bytes).toEqual(PNG);
    expect(t.ra_status.id).toBe(5);
    expect(hugme.calls.at(-1)?.body).toEqual({ ...fields, file: { name: 'nota.png', type: 'image/png', size: PNG.length } });
    expect((await postForm('/ticket/v1/tickets/message/private', auth, { ...fields, email: 'other@example.com' })).status).toBe(400);
    expect((await postForm('/ticket/v1/tickets/message/private', auth, { id: String(t.id), message: 'x' })).status).toBe(400);
    const gif = await postForm('/ticket/v1/tickets/message/private', auth, fields, { bytes: Buffer.from('GIF89a'), type: 'image/gif', name: 'a.gif' });
    expect(gif.status).toBe(400);
    const big = await postForm('/ticket/v1/tickets/message/private', auth, fields, { bytes: Buffer.alloc(10 * 1024 * 1024 + 1), type: 'application/pdf', name: 'big.pdf' });
    expect(big.status).toBe(400);
    expect((await postJson('/ticket/v1/tickets/message/private', auth, fields)).status).toBe(415);
  });
});

describe('R-CH-09 fake HugMe: moderation', () => {
  it('R-CH-09 a moderation request takes the modelled reasons (1 needs migrateTO) and leaves the complaint pending until decided', async () => {
    const t = complaint(1);
    const auth = await bearer();
    const ask = (fields: Record<string, string>, file?: { bytes: Buffer; type: string; name: string }) =>
      postForm('/ticket/v1/tickets/moderation', auth, { id: String(t.id), message: 'Reclamação duplicada.', ...fields }, file);
    expect((await ask({ reason: '2' })).body).toMatchObject({ error: 'bad_request', message: 'unknown moderation reason 2' });
    expect((await ask({ reason: '1' })).status).toBe(400);
    expect(t.moderation).toBeNull();
    const before = t.last_modification_date;
    expect(await ask({ reason: '4' }, { bytes: Buffer.from('%PDF-1.4'), type: 'application/pdf', name: 'prova.pdf' })).toMatchObject({
      status: 200, body: { id: t.id, moderation: { status: 'pending', reason: 4 } },
    });
    expect(t.last_modification_date > before).toBe(true);
    expect((await ask({ reason: '5' })).status).toBe(400);
    hugme.decideModeration(t.id, false);
    expect(t.moderation).toEqual({ status: 'refused', reason: 4 });
    expect((await ask({ reason: '1', migrateTO: 'Outra Empresa Ltda' })).status).toBe(200);
    hugme.decideModeration(t.id, true);
    expect(t.moderation).toEqual({ status: 'accepted', reason: 1 });
    for (const reason of ['15', '16', '17', '19']) expect((await postForm('/ticket/v1/tickets/moderation', auth, { id: String(complaint(2).id), reason, message: 'm' })).status).toBe(200);
  });
});

describe('R-CH-10 fake HugMe: evaluation', () => {
  it('R-CH-10 an evaluation request is refused until the company answered publicly last, and once evaluated', async () => {
    const t = complaint(1);
    const auth = await bearer();
    const request = () => postJson('/ticket/v1/tickets/evaluation', auth, { id: t.id });
    expect(await request()).toMatchObject({ status: 400, body: { message: 'the last public interaction must be the company\'s answer' } });
    await postForm('/ticket/v1/tickets/message/private', auth, { id: String(t.id), message: 'Privada', email: 'cliente1@example.com' });
    expect((await request()).status).toBe(400);
    await postJson('/ticket/v1/tickets/message/public', auth, { id: t.id, message: 'Resolvido, confira.' });
    // A private reply of the consumer is not public: the company's answer is still the last public one.
    hugme.consumerReplies(t.id, 'Vou conferir.');
    expect(await request()).toEqual({ status: 200, body: { id: t.id } });
    hugme.consumerEvaluates(t.id, { rating: 9, resolved: true, backDoingBusiness: true, comment: 'Obrigado!' });
    expect(t).toMatchObject({ rating: 9, resolved_issue: true, back_doing_business: true, ra_status: { id: 18 } });
    expect(t.interactions.at(-1)).toMatchObject({ ticket_interaction_type_id: 11, message: expect.stringContaining('Obrigado!') as string });
    expect(await request()).toMatchObject({ status: 400, body: { message: 'complaint already evaluated' } });
    // A public answer after the evaluation is still taken, and does not change it.
    expect((await postJson('/ticket/v1/tickets/message/public', auth, { id: t.id, message: 'Ficamos felizes.' })).status).toBe(200);
    expect(t.ra_status.id).toBe(18);
    expect(() => hugme.consumerEvaluates(t.id, { rating: 5, resolved: false, backDoingBusiness: false })).toThrow(/already evaluated/);
    const other = complaint(2);
    expect(() => hugme.consumerEvaluates(other.id, { rating: 11, resolved: false, backDoingBusiness: false })).toThrow(/0 to 10/);
    expect(hugme.consumerEvaluates(other.id, { rating: 2, resolved: false, backDoingBusiness: false }).ra_status.id).toBe(19);
  });
});

describe('R-CH-08 fake HugMe: reputation', () => {
  it('R-CH-08 the reputation per period is computed from the complaints, can be set, and is 404 for another company', async () => {
    const [a, b] = [complaint(1), complaint(2)];
    complaint(3);
    const auth = await bearer();
    for (const t of [a, b]) await postJson('/ticket/v1/tickets/message/public', auth, { id: t.id, message: 'Resposta' });
    hugme.consumerEvaluates(a.id, { rating: 10, resolved: true, backDoingBusiness: true });
    hugme.consumerEvaluates(b.id, { rating: 6, resolved: false, backDoingBusiness: true });
    const res = await get('/companies/v1/companies/4242/reputation', auth);
    const periods = res.body.periods as Record<string, unknown>;
    expect(Object.keys(periods)).toEqual(['six_months', 'twelve_months', 'last_year', 'two_years_ago', 'overall']);
    expect(periods.six_months).toEqual({
      responseIndex: 66.7, solutionsPercentage: 50, finalGrade: 7.2, avgGrade: 8, complaintsCount: 3, answeredCount: 2,
      unansweredCount: 1, notEvaluatedCount: 1, backDoingBusinessPercentage: 100, reputation: { code: 'GOOD', name: 'Bom' },
    });
    expect(periods.last_year).toMatchObject({ complaintsCount: 0, reputation: { code: 'NO_INDEX' } });
    const set = { ...(periods.overall as object), finalGrade: 9.1, reputation: { code: 'RA1000', name: 'RA1000' } } as Parameters<FakeHugMe['setReputation']>[1];
    hugme.setReputation('overall', set);
    expect(((await get('/companies/v1/companies/4242/reputation', auth)).body.periods as Record<string, unknown>).overall).toEqual(set);
    expect((await get('/companies/v1/companies/9999/reputation', auth)).status).toBe(404);
  });
});
