import type { Browser } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RA_META, type ConversationDoc } from '@atende/protocol';
import type { ChannelAccountDoc } from '../src/channelAccounts/service.js';
import { ReclameAquiPoller } from '../src/channels/reclameaqui/poller.js';
import { DEMO_RECLAME_AQUI_ID, startDemoReclameAqui } from '../src/channels/reclameaqui/simulator/demo.js';
import type { ComplaintView, HugMeSimulator } from '../src/channels/reclameaqui/simulator/hugmeSimulator.js';
import { ContactDirectory } from '../src/contacts/directory.js';
import { InboundService } from '../src/conversations/inbound.js';
import { ProtocolNumbers } from '../src/conversations/protocolNumbers.js';
import { toWire } from '../src/store/wire.js';
import { axeViolations, launchChromium, openTab } from './browser.js';
import { foreignAttempts, REFUSED } from './foreignRequests.js';
import { startTestServer, type TestServer } from './helpers.js';
import { until } from './until.js';

/**
 * The Reclame Aqui simulator `npm start` runs (issue 12): the demo account polls the fake HugMe,
 * and the page beside it is the consumer's side — file a complaint, read the company's public and
 * private answers, write back, evaluate — and Reclame Aqui's, deciding a moderation.
 */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

let server: TestServer;
let simulator: HugMeSimulator;
const logged: string[] = [];

const start = async () => {
  const started = await startDemoReclameAqui({ store: server.store, log: (m) => logged.push(m) });
  if (!started) throw new Error(`Reclame Aqui simulator not started: ${logged.join('; ')}`);
  return started;
};
const account = async () => (await server.store.get(DEMO_RECLAME_AQUI_ID)) as ChannelAccountDoc;

/** The page's own API, as its script calls it. */
async function page<T>(method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(simulator.url + route, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  return { status: res.status, body: (await res.json()) as T };
}
const file = (title: string, extra: Record<string, unknown> = {}) => page<{ complaint: ComplaintView; error?: string }>('POST', '/hugme/api/complaints', {
  name: 'Paula Reis', email: 'paula@example.com', title, content: `Relato: ${title}`, city: 'Recife', state: 'pe', ...extra,
});
const complaint = async (id: number) => (await page<{ complaints: ComplaintView[] }>('GET', '/hugme/api/complaints')).body.complaints.find((c) => c.id === id);

/** What the demo account's adapter does, with the demo account's stored credentials. */
async function company(route: string, init: { json?: unknown; form?: Record<string, string>; pdf?: boolean }): Promise<number> {
  const { clientId, clientSecret } = (await account()).settings ?? {};
  const basic = Buffer.from(`${clientId ?? ''}:${clientSecret ?? ''}`).toString('base64');
  const issued = await fetch(`${simulator.baseUrl}/auth/oauth/token?grant_type=client_credentials`, { method: 'POST', headers: { authorization: `Basic ${basic}` } });
  const { access_token: token } = (await issued.json()) as { access_token: string };
  let body: string | FormData;
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (init.form) {
    body = new FormData();
    for (const [k, v] of Object.entries(init.form)) body.append(k, v);
    if (init.pdf) body.append('file', new Blob([PDF], { type: 'application/pdf' }), 'nota.pdf');
  } else {
    body = JSON.stringify(init.json);
    headers['content-type'] = 'application/json';
  }
  return (await fetch(simulator.baseUrl + route, { method: 'POST', headers, body })).status;
}

beforeAll(async () => {
  server = await startTestServer();
  simulator = await start();
});
afterAll(async () => {
  await simulator.stop();
  await server.close();
});

describe('R-CH-06 the Reclame Aqui simulator of the demo', () => {
  it('R-CH-06 the demo account "Reclame Aqui (demo)" in Suporte polls the simulator every 10 s with credentials the fake accepts', async () => {
    const demo = await account();
    expect(demo).toMatchObject({
      kind: 'reclameaqui', name: 'Reclame Aqui (demo)', entryTeamId: 'team:suporte', enabled: true,
      settings: { apiBaseUrl: simulator.baseUrl, pollSeconds: '10', companyId: simulator.hugme.options.companyId, clientId: simulator.hugme.options.clientId },
    });
    expect(demo.settings?.clientSecret).toBe(simulator.hugme.options.clientSecret);
    expect(await company('/ticket/v1/tickets/evaluation', { json: { id: 1 } })).toBe(404);
  });

  it('R-CH-06 the page is served with its CSP, also at a complaint\'s public address; unknown routes stay the fake\'s 404', async () => {
    const res = await fetch(`${simulator.url}/`);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await res.text();
    expect(html).toContain('<form id="complaint"');
    expect(html).toContain('data-current="reclameaqui"');
    const { body } = await file('Página pública');
    expect(body.complaint.publicPath).toMatch(new RegExp(`^/empresa/${simulator.hugme.options.companyId}/pagina-publica_${body.complaint.id}/$`));
    expect(await (await fetch(simulator.url + body.complaint.publicPath)).text()).toBe(html);
    expect((await fetch(`${simulator.url}/nada`)).status).toBe(404);
  });

  it('R-CH-06 a complaint filed on the page is polled into a waiting conversation of the account\'s team', async () => {
    const filed = await file('Cobrança em dobro');
    expect(filed.status).toBe(201);
    expect(filed.body.complaint).toMatchObject({
      title: 'Cobrança em dobro', consumer: { name: 'Paula Reis', email: 'paula@example.com' }, city: 'Recife', state: 'PE',
      status: { id: 5, name: 'Não respondida' }, interactions: [{ type: 1, by: 'consumer', public: true, message: 'Relato: Cobrança em dobro' }],
      evaluation: null, evaluationRequestedAt: null, moderation: null,
    });
    const poller = new ReclameAquiPoller({
      store: server.store, accounts: server.accounts, registry: server.registry,
      contacts: new ContactDirectory(server.store), inbound: new InboundService(server.store, new ProtocolNumbers(server.store, 'America/Sao_Paulo')),
    });
    await poller.poll(DEMO_RECLAME_AQUI_ID);
    const docs = await server.store.find({ selector: { type: 'conversation', channelAccountId: DEMO_RECLAME_AQUI_ID }, limit: 100 });
    const found = docs.map((d) => toWire<ConversationDoc>(d)).find((c) => c.channelMeta[RA_META.complaintId] === String(filed.body.complaint.id));
    expect(found).toMatchObject({ status: 'waiting', teamId: 'team:suporte' });
  });

  it('R-CH-07 the page shows the company\'s public answer and private message (with its file) apart; the consumer replies privately', async () => {
    const { id } = (await file('Entrega atrasada')).body.complaint;
    expect(await company('/ticket/v1/tickets/message/public', { json: { id, message: 'Resposta pública da empresa' } })).toBe(200);
    expect(await company('/ticket/v1/tickets/message/private', { form: { id: String(id), message: 'Segue a nota', email: 'paula@example.com' }, pdf: true })).toBe(200);
    const replied = await page<{ complaint: ComplaintView }>('POST', `/hugme/api/complaints/${id}/replies`, { message: 'Ainda não chegou' });
    expect(replied.status).toBe(200);
    const shown = await complaint(id);
    expect(shown?.status.name).toBe('Respondida');
    expect(shown?.interactions.map((i) => [i.by, i.public, i.message])).toEqual([
      ['consumer', true, 'Relato: Entrega atrasada'], ['company', true, 'Resposta pública da empresa'],
      ['company', false, 'Segue a nota'], ['consumer', false, 'Ainda não chegou'],
    ]);
    const [attachment] = shown?.interactions[2]?.attachments ?? [];
    expect(attachment?.name).toBe('nota.pdf');
    const download = await fetch(simulator.url + (attachment?.url ?? ''));
    expect([download.status, download.headers.get('content-type'), Buffer.from(await download.arrayBuffer()).equals(PDF)]).toEqual([200, 'application/pdf', true]);
  });

  it('R-CH-10 the page shows the company\'s evaluation request; the consumer evaluates once (rating, resolved, would return, comment)', async () => {
    const { id } = (await file('Produto trocado')).body.complaint;
    await company('/ticket/v1/tickets/message/public', { json: { id, message: 'Trocamos o produto.' } });
    expect(await company('/ticket/v1/tickets/evaluation', { json: { id } })).toBe(200);
    expect((await complaint(id))?.evaluationRequestedAt).toEqual(expect.any(String));
    const evaluation = { rating: 9, resolved: true, backDoingBusiness: true, comment: 'Resolveram rápido' };
    const evaluated = await page<{ complaint: ComplaintView }>('POST', `/hugme/api/complaints/${id}/evaluation`, evaluation);
    expect(evaluated.status).toBe(200);
    expect(evaluated.body.complaint).toMatchObject({ status: { id: 18 }, evaluation: { rating: 9, resolved: true, backDoingBusiness: true } });
    expect(evaluated.body.complaint.interactions.at(-1)).toMatchObject({ type: 11, public: true, message: expect.stringContaining('Resolveram rápido') });
    const again = await page<{ error: string }>('POST', `/hugme/api/complaints/${id}/evaluation`, evaluation);
    expect([again.status, again.body.error]).toEqual([409, `complaint ${id} is already evaluated`]);
  });

  it('R-CH-09 Reclame Aqui accepts or refuses a pending moderation on the page; without one it is refused', async () => {
    const [a, b] = [(await file('Duplicada A')).body.complaint.id, (await file('Duplicada B')).body.complaint.id];
    const none = await page<{ error: string }>('POST', `/hugme/api/complaints/${a}/moderation`, { accepted: true });
    expect([none.status, none.body.error]).toEqual([409, `complaint ${a} has no pending moderation`]);
    for (const id of [a, b]) expect(await company('/ticket/v1/tickets/moderation', { form: { id: String(id), reason: '4', message: 'Reclamação duplicada.' } })).toBe(200);
    expect((await complaint(a))?.moderation).toEqual({ status: 'pending', reason: 4, reasonName: 'Reclamação duplicada' });
    expect((await page<{ complaint: ComplaintView }>('POST', `/hugme/api/complaints/${a}/moderation`, { accepted: true })).body.complaint.moderation?.status).toBe('accepted');
    expect((await page<{ complaint: ComplaintView }>('POST', `/hugme/api/complaints/${b}/moderation`, { accepted: false })).body.complaint.moderation?.status).toBe('refused');
  });

  it('R-CH-06 the page API refuses bad input (400 naming the field), an unknown complaint (404)', async () => {
    const bad = await file('Estado errado', { state: 'São Paulo' });
    expect([bad.status, bad.body.error]).toEqual([400, expect.stringContaining('state')]);
    expect((await file('E-mail errado', { email: 'paula' })).body.error).toContain('email');
    expect((await file('Campo a mais', { phone: '119' })).status).toBe(400);
    const rating = await page<{ error: string }>('POST', '/hugme/api/complaints/1/evaluation', { rating: 11, resolved: true, backDoingBusiness: false });
    expect([rating.status, rating.body.error]).toEqual([400, expect.stringContaining('rating')]);
    expect((await page('POST', '/hugme/api/complaints/1/replies', { message: 'Oi' })).status).toBe(404);
  });

  it('R-CH-06 the page API refuses a text/plain body, a foreign Origin and a foreign Host (no cross-site writes, no DNS rebinding)', async () => {
    const before = simulator.complaints().length;
    const write = { name: 'Evil', email: 'evil@example.com', title: 'Phishing', content: 'http://phish.example', city: 'X', state: 'SP' };
    const upload = { route: '/hugme/api/complaints', type: 'text/plain', bytes: Buffer.from(JSON.stringify(write)) };
    expect(await foreignAttempts(simulator.url, { route: '/hugme/api/complaints', body: write }, upload, '/hugme/api/complaints')).toEqual(REFUSED);
    expect(simulator.complaints().length).toBe(before);
  });

  it('R-CH-06 a restarted demo keeps the account\'s credentials, points it at the new port and never reuses a complaint id', async () => {
    const last = (await file('Antes de reiniciar')).body.complaint.id;
    const secret = (await account()).settings?.clientSecret;
    await simulator.stop();
    simulator = await start();
    expect((await account()).settings).toMatchObject({ apiBaseUrl: simulator.baseUrl, clientSecret: secret });
    expect((await file('Depois de reiniciar')).body.complaint.id).toBeGreaterThan(last);
  });
});

/** The consumer's page in Chromium, as the e2e suite runs it (browser.ts). */
describe('R-CH-06 the Reclame Aqui simulator\'s page in a browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser.close();
  });

  it('R-CH-06 a person files a complaint whose text is markup, sees it as text, replies and evaluates; axe passes, light and dark, with no console error', async () => {
    const { tab, problems } = await openTab(browser);
    await tab.goto(`${simulator.url}/`);
    const title = '<img src=x onerror="document.title=1">Cobrança indevida';
    await tab.getByLabel('Título').fill(title);
    await tab.getByLabel('Relato').fill('<b>Cobrado</b> duas vezes');
    await tab.getByRole('button', { name: 'Registrar reclamação' }).click();
    const filed = await until(() => simulator.complaints().find((c) => c.title === title), Boolean);
    expect(filed).toBeDefined();
    const id = filed?.id ?? 0;
    const card = tab.locator('article', { has: tab.getByRole('heading', { name: `#${id}` }) });
    await expect.poll(() => card.getByRole('heading').textContent()).toBe(`#${id} — ${title}`);
    expect(await card.locator('img').count()).toBe(0);
    await expect.poll(() => card.getByRole('list', { name: 'Interações' }).textContent()).toContain('<b>Cobrado</b> duas vezes');

    await card.getByLabel('Responder à empresa (mensagem privada)').fill('Alguém me responde?');
    await tab.getByTestId(`reply-${id}`).click();
    await expect.poll(() => card.getByRole('list', { name: 'Interações' }).textContent()).toContain('Alguém me responde?');
    await card.getByLabel('Nota (0 a 10)').selectOption('3');
    await card.getByLabel('Voltaria a fazer negócio').check();
    await tab.getByTestId(`evaluate-${id}`).click();
    await expect.poll(() => card.textContent()).toContain('Sua avaliação: nota 3; problema resolvido: Não; voltaria a fazer negócio: Sim.');
    expect(simulator.complaint(id)?.evaluation).toEqual({ rating: 3, resolved: false, backDoingBusiness: true });
    expect(await tab.title()).not.toBe('1');
    expect(await axeViolations(tab)).toEqual([]);
    // The page follows a dark system theme, still passing axe (contrast included).
    await tab.emulateMedia({ colorScheme: 'dark' });
    expect(await axeViolations(tab)).toEqual([]);
    expect(problems).toEqual([]);
    await tab.context().close();
  });
});
