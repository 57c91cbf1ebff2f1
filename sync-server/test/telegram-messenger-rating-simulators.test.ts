import type { Browser } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATING_LABELS, RATING_QUESTION } from '@atende/protocol';
import type { MetaSimulator } from '../src/channels/meta/simulator/simulator.js';
import { startDemoSimulators, type DemoSimulators } from '../src/channels/simulators/demo.js';
import type { ThreadView } from '../src/channels/simulators/threads.js';
import type { TelegramSimulator } from '../src/channels/telegram/simulator/simulator.js';
import { axeViolations, launchChromium, openTab } from './browser.js';
import { login, messagesWith, startTestServer, type TestServer } from './helpers.js';
import { claimAndFinish, ratedOf, teamAsks } from './rating-channel-flow.js';
import { until } from './until.js';

/**
 * R-RT-06 / issue 18 in the demo's Telegram and Messenger/Instagram simulators: the rating
 * question shows its inline buttons / quick replies on the customer's page, and pressing one sends
 * the upstream's own webhook (callback_query; message.quick_reply), which rates the conversation.
 */
let server: TestServer;
let simulators: DemoSimulators;
let telegram: TelegramSimulator;
let meta: MetaSimulator;
let ana: string;

beforeAll(async () => {
  server = await startTestServer();
  const logged: string[] = [];
  simulators = await startDemoSimulators({
    store: server.store, registry: server.registry, serverUrl: server.url, log: (m) => logged.push(m), whatsapp: false, others: true, backoffMs: [50, 100, 200],
  });
  if (!simulators.telegram || !simulators.meta) throw new Error(`simulators not started: ${logged.join('; ')}`);
  telegram = simulators.telegram;
  meta = simulators.meta;
  await teamAsks(server);
  ana = (await login(server, 'ana@demo.local')).accessToken;
});
afterAll(async () => {
  await simulators.stop();
  await server.close();
});

async function page<T>(base: string, method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(base + route, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  return { status: res.status, body: (await res.json()) as T };
}

/** Ana finishes the conversation of the stored message `externalId`; answers it once the question shows on the page. */
async function finishAndShow(externalId: string, threadRoute: string, base: string) {
  const [stored] = await until(() => messagesWith(server, externalId), (m) => m.length > 0);
  if (!stored) throw new Error('not stored');
  await claimAndFinish(server, ana, stored.conversationId);
  const thread = await until(async () => (await page<ThreadView>(base, 'GET', threadRoute)).body, (t) => t.messages.some((m) => m.choices));
  const question = thread.messages.find((m) => m.choices);
  if (!question) throw new Error('no question on the page');
  return { conversationId: stored.conversationId, question };
}

describe('R-RT-06 issue 18 Telegram simulator: the inline keyboard on the customer\'s page', () => {
  it('R-RT-06 the chat shows the 5 buttons; a press through the page\'s API is a callback_query that rates the conversation and is answered; an unknown button is 404', async () => {
    const user = '100200318';
    const wrote = await page<{ message: { id: string } }>(telegram.url, 'POST', '/chat/api/messages', { user, name: 'Lu Prado', text: 'Oi bot' });
    const { conversationId, question } = await finishAndShow(`${user}:${wrote.body.message.id}`, `/chat/api/thread?user=${user}`, telegram.url);
    expect(question).toMatchObject({ from: 'business', text: RATING_QUESTION });
    expect(question.choices?.map((c) => c.title)).toEqual([1, 2, 3, 4, 5].map((n) => RATING_LABELS[n]));
    expect((await page(telegram.url, 'POST', '/chat/api/press', { user, name: 'Lu Prado', messageId: question.id, data: 'rate:1:unknownkey1' })).status).toBe(404);
    const pressed = await page<{ message: { status: string } }>(telegram.url, 'POST', '/chat/api/press', { user, name: 'Lu Prado', messageId: question.id, data: question.choices![1]!.id });
    expect([pressed.status, pressed.body.message.status]).toEqual([200, 'received']);
    expect((await ratedOf(server, conversationId)).rating).toMatchObject({ score: 2, channel: 'telegram' });
    expect(await until(() => telegram.bot.callbackAnswers.length, (n) => n > 0)).toBe(1);
  });
});

describe('R-RT-06 issue 18 Messenger/Instagram simulator: quick replies on the customer\'s page', () => {
  it('R-RT-06 Instagram: the 5 quick replies show; a tap through the page\'s API rates the conversation', async () => {
    const id = '5512345678901818';
    const wrote = await page<{ message: { id: string } }>(meta.url, 'POST', '/customer/api/messages', { platform: 'instagram', id, name: 'Mia Rocha', text: 'Oi' });
    const { conversationId, question } = await finishAndShow(wrote.body.message.id, `/customer/api/thread?platform=instagram&id=${id}`, meta.url);
    expect(question.choices?.map((c) => c.title)).toEqual([1, 2, 3, 4, 5].map((n) => RATING_LABELS[n]));
    const tapped = await page<{ message: { status: string; text: string } }>(meta.url, 'POST', '/customer/api/quick-reply', {
      platform: 'instagram', id, name: 'Mia Rocha', messageId: question.id, payload: question.choices![4]!.id,
    });
    expect([tapped.status, tapped.body.message.status, tapped.body.message.text]).toEqual([200, 'received', RATING_LABELS[5]]);
    expect((await ratedOf(server, conversationId)).rating).toMatchObject({ score: 5, channel: 'instagram' });
  });

  it('R-RT-06 Messenger in Chromium: the quick replies are buttons; a click rates the conversation; axe finds nothing', async () => {
    const id = '7012345678901818';
    const wrote = await page<{ message: { id: string } }>(meta.url, 'POST', '/customer/api/messages', { platform: 'messenger', id, name: 'Noa Dias', text: 'Olá' });
    const { conversationId } = await finishAndShow(wrote.body.message.id, `/customer/api/thread?platform=messenger&id=${id}`, meta.url);
    const browser: Browser = await launchChromium();
    try {
      const { tab, problems } = await openTab(browser, `${meta.url}/#messenger`);
      await tab.locator('#messenger-id').fill(id);
      await tab.locator('#messenger-name').fill('Noa Dias');
      const group = tab.locator('#messenger-messages').getByRole('group', { name: 'Respostas' });
      await expect.poll(() => group.getByRole('button').count()).toBe(5);
      expect(await axeViolations(tab)).toEqual([]);
      await group.getByRole('button', { name: RATING_LABELS[3] }).click();
      expect((await ratedOf(server, conversationId)).rating).toMatchObject({ score: 3, channel: 'messenger' });
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
