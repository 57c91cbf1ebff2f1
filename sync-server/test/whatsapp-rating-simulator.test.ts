import type { Browser } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATING_LABELS, RATING_QUESTION } from '@atende/protocol';
import { startDemoSimulator } from '../src/channels/whatsapp/simulator/demo.js';
import type { PhoneThread } from '../src/channels/whatsapp/simulator/phones.js';
import type { WhatsAppSimulator } from '../src/channels/whatsapp/simulator/simulator.js';
import { axeViolations, launchChromium, openTab } from './browser.js';
import { login, messagesWith, startTestServer, type TestServer } from './helpers.js';
import { claimAndFinish, ratedOf, teamAsks } from './rating-channel-flow.js';
import { until } from './until.js';

/**
 * R-RT-06 / issue 18 in the demo's WhatsApp simulator: the rating list shows on the customer's
 * phone page as buttons (the list's rows), and picking one sends Meta's `list_reply` webhook,
 * which rates the finished conversation — what a person does in the demo.
 */
let server: TestServer;
let simulator: WhatsAppSimulator;
let ana: string;

beforeAll(async () => {
  server = await startTestServer();
  const started = await startDemoSimulator({ store: server.store, registry: server.registry, serverUrl: server.url, log: () => undefined, backoffMs: [50, 100, 200] });
  if (!started) throw new Error('simulator not started');
  simulator = started;
  await teamAsks(server);
  ana = (await login(server, 'ana@demo.local')).accessToken;
});
afterAll(async () => {
  await simulator.stop();
  await server.close();
});

async function page<T>(method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(simulator.url + route, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  return { status: res.status, body: (await res.json()) as T };
}

/** The customer writes from the page, Ana finishes; answers the question as the phone shows it. */
async function finishedWithQuestion(phone: string, name: string) {
  const wrote = await page<{ message: { id: string } }>('POST', '/phone/api/messages', { phone, name, text: 'Oi, preciso de ajuda' });
  expect(wrote.status).toBe(200);
  const [stored] = await until(() => messagesWith(server, wrote.body.message.id), (m) => m.length > 0);
  if (!stored) throw new Error('not stored');
  await claimAndFinish(server, ana, stored.conversationId);
  const thread = await until(async () => (await page<PhoneThread>('GET', `/phone/api/thread?phone=${phone}`)).body, (t) => t.messages.some((m) => m.choices));
  const question = thread.messages.find((m) => m.choices);
  if (!question) throw new Error('no question on the phone');
  return { conversationId: stored.conversationId, question };
}

describe('R-RT-06 issue 18 WhatsApp simulator: the rating list on the customer\'s phone', () => {
  it('R-RT-06 the phone shows the question with the 5 rows; picking one through the page\'s API rates the conversation; an unknown row is 404', async () => {
    const phone = '5511955551801';
    const { conversationId, question } = await finishedWithQuestion(phone, 'Gil Souza');
    expect(question).toMatchObject({ from: 'business', text: RATING_QUESTION, label: 'Lista: Avaliar' });
    expect(question.choices?.map((c) => c.title)).toEqual([1, 2, 3, 4, 5].map((n) => RATING_LABELS[n]));
    const missing = await page<{ error: string }>('POST', '/phone/api/pick', { phone, name: 'Gil Souza', messageId: question.id, choiceId: 'rate:5:nothere123' });
    expect(missing.status).toBe(404);
    const picked = await page<{ message: { status: string; text: string } }>('POST', '/phone/api/pick', { phone, name: 'Gil Souza', messageId: question.id, choiceId: question.choices![3]!.id });
    expect([picked.status, picked.body.message.status, picked.body.message.text]).toEqual([200, 'received', RATING_LABELS[4]]);
    expect((await ratedOf(server, conversationId)).rating).toMatchObject({ score: 4, channel: 'whatsapp' });
  });

  it('R-RT-06 in Chromium the rows are buttons; clicking "5 - Excelente" rates the conversation; axe finds nothing, light and dark', async () => {
    const phone = '5511955551802';
    const { conversationId } = await finishedWithQuestion(phone, 'Ivo Lima');
    const browser: Browser = await launchChromium();
    try {
      const { tab, problems } = await openTab(browser, `${simulator.url}/?phone=${phone}`);
      await tab.getByLabel('Número do cliente').fill(phone);
      await tab.getByLabel('Nome do cliente').fill('Ivo Lima');
      const group = tab.getByRole('group', { name: 'Respostas' });
      await expect.poll(() => group.getByRole('button').count()).toBe(5);
      expect(await axeViolations(tab)).toEqual([]);
      await tab.emulateMedia({ colorScheme: 'dark' });
      expect(await axeViolations(tab)).toEqual([]);
      await group.getByRole('button', { name: RATING_LABELS[5] }).click();
      await expect.poll(() => tab.getByRole('status').textContent()).toBe('Resposta entregue ao Atende.');
      expect((await ratedOf(server, conversationId)).rating).toMatchObject({ score: 5, channel: 'whatsapp' });
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
