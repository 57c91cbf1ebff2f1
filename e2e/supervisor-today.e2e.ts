import type { BrowserContext, Page } from '@playwright/test';
import { expectNoAxeViolations, useTheme } from './axe';
import { card, expect, messageLog, openWidget, signIn, test, visitorSends, type ServerProcess } from './fixtures';
import { finishOpenConversation } from './day-of-work';

/**
 * R-SV-06 "Hoje": carla watches today's counters move as a website visitor's conversation is
 * received, answered and finished by ana, and a second one is finished unanswered (abandoned);
 * the charts are drawn with an accessible name and their data as a table, in both themes.
 */

async function signedIn(newContext: () => Promise<BrowserContext>, server: ServerProcess, email: string): Promise<Page> {
  const page = await (await newContext()).newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, server, email);
  return page;
}

async function todayBoard(carla: Page): Promise<Page> {
  const [board] = await Promise.all([carla.waitForEvent('popup'), carla.getByRole('button', { name: 'Abrir painel de supervisão' }).click()]);
  await board.setViewportSize({ width: 1280, height: 900 });
  await board.getByRole('button', { name: 'Hoje', exact: true }).click();
  await expect(board).toHaveURL(/#\/supervisor\/today$/);
  await expect(board.locator('[data-sync-state="synced"]')).toBeVisible();
  return board;
}

/** The visitor's conversation taken by the agent, who may then answer. */
async function takes(agent: Page, text: string): Promise<void> {
  await agent.getByRole('tab', { name: /Em espera/ }).click();
  await card(agent, text).click();
  await expect(messageLog(agent)).toContainText(text);
  await expect(agent.getByRole('textbox', { name: 'Mensagem' })).toBeEnabled();
}

/** The current theme's value of a colour token (tokens.css), as #rrggbb. */
const colourOf = (page: Page, token: string) =>
  page.evaluate((name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim(), token);

/** Opaque canvas pixels painted exactly in `hex` (chart text, ticks, bars). */
async function pixelsIn(canvas: ReturnType<Page['locator']>, hex: string): Promise<number> {
  return canvas.evaluate((element, value) => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(value.slice(i, i + 2), 16));
    const c = element as HTMLCanvasElement;
    const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
    let found = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] === r && data[i + 1] === g && data[i + 2] === b && (data[i + 3] ?? 0) > 200) found += 1;
    return found;
  }, hex);
}

test('R-SV-06 today\'s counters move live as conversations are received, answered, finished and abandoned; the charts have names and data tables; axe clean in both themes', async ({ server, newContext }) => {
  test.setTimeout(180_000);
  const carla = await signedIn(newContext, server, 'carla@demo.local');
  const ana = await signedIn(newContext, server, 'ana@demo.local');
  const board = await todayBoard(carla);
  await useTheme(board, 'light');

  const counters = board.getByRole('table', { name: 'Contadores de hoje por equipe' });
  const cell = (team: string, figure: string) => counters.locator(`tr[data-team-id="${team}"]`).getByTestId(`today-${figure}`);
  const number = async (team: string, figure: string) => Number(await cell(team, figure).textContent());
  await expect(counters.getByRole('row', { name: /Suporte/ })).toBeVisible();
  await expect(board.getByTestId('today-day')).toContainText('fuso');
  const before = {
    received: await number('all', 'received'), answered: await number('all', 'answered'), abandoned: await number('all', 'abandoned'),
    suporte: await number('team:suporte', 'received'),
  };

  // Received: a visitor writes on the website chat; it waits in Suporte's queue.
  const visitor = await (await newContext()).newPage();
  await openWidget(visitor, server);
  await visitorSends(visitor, 'Quero saber do meu pedido');
  await expect(cell('all', 'received')).toHaveText(String(before.received + 1));
  await expect(cell('team:suporte', 'received')).toHaveText(String(before.suporte + 1));
  await expect(board.getByRole('img', { name: 'Fila de espera ao longo do dia. Na fila agora: 1.' })).toBeVisible();

  // Answered: ana takes it and replies; the first response is measured, as a duration.
  await takes(ana, 'Quero saber do meu pedido');
  const composer = ana.getByRole('textbox', { name: 'Mensagem' });
  await composer.fill('Olá! Vou verificar o pedido.');
  await composer.press('Enter');
  await expect(messageLog(ana).locator('[data-message-id]', { hasText: 'Olá! Vou verificar o pedido.' })).toBeVisible();
  await expect(visitor.locator('.msg.out', { hasText: 'Olá! Vou verificar o pedido.' })).toBeVisible();
  await expect(cell('all', 'answered')).toHaveText(String(before.answered + 1));
  await expect(cell('team:suporte', 'first-response-avg')).toHaveText(/\d+ s|\d+ min/);
  await expect(board.getByRole('img', { name: 'Fila de espera ao longo do dia. Na fila agora: 0.' })).toBeVisible();

  // Finished: the handle time appears; nothing is abandoned.
  await expect(cell('team:suporte', 'handle-avg')).toHaveText('—');
  await finishOpenConversation(ana);
  await expect(cell('team:suporte', 'handle-avg')).toHaveText(/\d+ s|\d+ min/);
  await expect(cell('all', 'abandoned')).toHaveText(String(before.abandoned));

  // Abandoned: another visitor's conversation finished without an agent's reply.
  const second = await (await newContext()).newPage();
  await openWidget(second, server, { name: 'Segunda Visitante', email: 'segunda@example.com' });
  await visitorSends(second, 'Alguém aí?');
  await expect(cell('all', 'received')).toHaveText(String(before.received + 2));
  await takes(ana, 'Alguém aí?');
  await finishOpenConversation(ana);
  await expect(cell('all', 'abandoned')).toHaveText(String(before.abandoned + 1));
  await expect(cell('all', 'answered')).toHaveText(String(before.answered + 1));

  // The charts: a canvas with an accessible name each, and the same figures as a table.
  for (const name of ['Fila de espera ao longo do dia', 'Conversas recebidas por hora', 'Distribuição da primeira resposta']) {
    await expect(board.getByRole('img', { name: new RegExp(`^${name}\\.`) })).toBeVisible();
  }
  await expect(board.getByRole('img', { name: `Conversas recebidas por hora. Recebidas hoje: ${before.received + 2}.` })).toBeVisible();
  const perHour = board.getByRole('figure', { name: 'Conversas recebidas por hora' });
  await perHour.getByText('Ver os dados em tabela').click();
  const hourTable = perHour.getByRole('table', { name: 'Conversas recebidas por hora' });
  await expect(hourTable.getByRole('row')).toHaveCount(1 + 24);
  const cells = await hourTable.locator('tbody td').allTextContents();
  expect(cells.reduce((sum, text) => sum + Number(text), 0)).toBe(before.received + 2);
  const responses = board.getByRole('figure', { name: 'Distribuição da primeira resposta' });
  await responses.getByText('Ver os dados em tabela').click();
  await expect(responses.getByRole('row', { name: /^até 30 s/ })).toBeVisible();
  await expectNoAxeViolations(board, 'supervisor: today (light)');

  // Dark theme: the charts are drawn again in the dark theme's colours (text and bars), none of the light ones left.
  const queueCanvas = board.getByRole('img', { name: /^Fila de espera ao longo do dia\./ });
  const hourCanvas = board.getByRole('img', { name: /^Conversas recebidas por hora\./ });
  const light = { muted: await colourOf(board, '--color-text-muted'), primary: await colourOf(board, '--color-primary') };
  await expect.poll(() => pixelsIn(queueCanvas, light.muted)).toBeGreaterThan(0);
  await expect.poll(() => pixelsIn(hourCanvas, light.primary)).toBeGreaterThan(0);
  await useTheme(board, 'dark');
  const dark = { muted: await colourOf(board, '--color-text-muted'), primary: await colourOf(board, '--color-primary') };
  expect(dark).not.toEqual(light);
  await expect.poll(() => pixelsIn(queueCanvas, dark.muted)).toBeGreaterThan(0);
  await expect.poll(() => pixelsIn(hourCanvas, dark.primary)).toBeGreaterThan(0);
  expect(await pixelsIn(hourCanvas, light.primary)).toBe(0);
  expect(await pixelsIn(queueCanvas, light.muted)).toBe(0);
  await expectNoAxeViolations(board, 'supervisor: today (dark)');
});
