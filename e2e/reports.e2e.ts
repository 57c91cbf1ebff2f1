import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expectNoAxeViolations, useTheme } from './axe';
import { expect, signIn, test } from './fixtures';
import { aDayOfWork } from './day-of-work';

/**
 * R-RT-06, the reports board: a small day of work made through the real app (website chat,
 * taken, answered or not, finished by Ana), then read by the supervisor from the server's
 * rollups: the table's figures, the CSV download's bytes and the printed page.
 */

/** The figures of the row `key` (or the total), by column. */
function figure(page: Page, key: string, column: string) {
  return page.locator(`[data-report-key="${key}"] [data-figure="${column}"]`);
}

/**
 * Generates until the rollups have read the day's changes (they follow the change feed in batches):
 * the row has its conversations and the report no longer says it is still being computed.
 */
async function generateUntil(page: Page, key: string, conversations: string): Promise<void> {
  await expect(async () => {
    await page.getByRole('button', { name: 'Gerar relatório' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Gerando relatório…' })).toHaveCount(0);
    await expect(figure(page, key, 'conversations')).toHaveText(conversations, { timeout: 1_000 });
    await expect(page.getByTestId('report-not-up-to-date')).toHaveCount(0, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
}

test('R-RT-06 the supervisor reads the day’s figures from the server, by team and by agent, sorts them, checks the period, downloads the CSV (BOM, ";", rows) and prints only the report', async ({ server, newContext }) => {
  test.setTimeout(150_000); // four browsers, two conversations, axe in two themes, two downloads
  await aDayOfWork(server, async () => (await newContext()).newPage(), 'Relatório');

  const carla = await (await newContext()).newPage();
  await carla.setViewportSize({ width: 1440, height: 900 });
  await signIn(carla, server, 'carla@demo.local');
  await carla.goto(`${server.url}/#/supervisor/reports`);
  const filters = carla.getByRole('form', { name: 'Filtros do relatório' });
  await expect(filters.getByLabel('Período', { exact: true })).toHaveValue('last7');
  await expect(carla.getByRole('heading', { name: 'Relatório de conversas' })).toBeVisible();

  // By team: Suporte holds both; the total is the same two.
  await generateUntil(carla, 'team:suporte', '2');
  for (const key of ['team:suporte', 'total']) {
    await expect(figure(carla, key, 'received')).toHaveText('2');
    await expect(figure(carla, key, 'answered')).toHaveText('1');
    await expect(figure(carla, key, 'abandoned')).toHaveText('1');
    await expect(figure(carla, key, 'transferred')).toHaveText('0');
    // One first response measured, read as a duration; nobody rated.
    await expect(figure(carla, key, 'firstResponseAvgMs')).toHaveText(/^(\d+ (min|s) ?)+$/);
    await expect(figure(carla, key, 'ratingAvg')).toHaveText('—');
  }
  await expect(carla.getByTestId('report-not-up-to-date')).toHaveCount(0);

  // The team filter: only Carla's teams (both demo teams); Comercial had nothing.
  const team = filters.getByLabel('Equipe', { exact: true });
  await expect(team.locator('option')).toHaveText(['Todas as equipes', 'Comercial', 'Suporte']);
  await team.selectOption({ label: 'Comercial' });
  await carla.getByRole('button', { name: 'Gerar relatório' }).click();
  await expect(carla.locator('[data-meta="team"] dd')).toHaveText('Comercial');
  await expect(carla.getByText('Nenhuma conversa no período.')).toBeVisible();
  await expect(figure(carla, 'total', 'conversations')).toHaveText('0');
  await team.selectOption({ label: 'Todas as equipes' });

  // By agent: one row, Ana's; the headers sort and say so.
  await filters.getByLabel('Agrupar por', { exact: true }).selectOption({ label: 'Agente' });
  await generateUntil(carla, 'user:ana', '2');
  await expect(carla.locator('[data-report-key="user:ana"] th')).toHaveText('Ana Souza');
  const header = carla.getByRole('columnheader', { name: 'Conversas' });
  await expect(header).toHaveAttribute('aria-sort', 'none');
  await header.getByRole('button').click();
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  await header.getByRole('button').press('Enter');
  await expect(header).toHaveAttribute('aria-sort', 'ascending');

  for (const theme of ['light', 'dark'] as const) {
    await useTheme(carla, theme);
    await expectNoAxeViolations(carla, `reports board (${theme})`);
  }

  // The period's checks beside the fields: an end before the start, then more than 366 days.
  const from = filters.getByLabel('De', { exact: true });
  const to = filters.getByLabel('Até', { exact: true });
  const range = { from: await from.inputValue(), to: await to.inputValue() };
  await to.fill('2020-01-01');
  await expect(filters.getByLabel('Período', { exact: true })).toHaveValue('custom');
  await expect(to).toHaveAttribute('aria-invalid', 'true');
  await expect(to).toHaveAccessibleDescription('A data final é anterior à inicial.');
  await from.fill('2018-12-31');
  await expect(to).toHaveAccessibleDescription('O período pode ter no máximo 366 dias.');
  await expectNoAxeViolations(carla, 'reports filters with a problem');
  await from.fill(range.from);
  await to.fill(range.to);
  await expect(to).not.toHaveAttribute('aria-invalid');

  // The CSV: the report on screen, pt-BR's ";" by default, UTF-8 with a BOM, the server's file name.
  await expect(carla.getByLabel('Separador do CSV')).toHaveValue('semicolon');
  const [download] = await Promise.all([carla.waitForEvent('download'), carla.getByRole('button', { name: 'Exportar CSV' }).click()]);
  expect(download.suggestedFilename()).toBe(`atende-conversas-agent-${range.from}-${range.to}.csv`);
  const bytes = readFileSync(await download.path());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = bytes.subarray(3).toString('utf8').trim().split(/\r?\n/);
  expect(lines).toHaveLength(3);
  expect(lines[0]).toMatch(/^Agente;Conversas;Recebidas;/);
  expect(lines[1]).toMatch(/^Ana Souza;2;2;/);
  expect(lines[2]).toMatch(/^Total;2;2;/);
  await expect(carla.getByRole('status').filter({ hasText: 'baixado' })).toHaveText(`Arquivo ${download.suggestedFilename()} baixado.`);

  // The other separator: commas.
  await carla.getByLabel('Separador do CSV').selectOption({ label: 'Vírgula' });
  const [commas] = await Promise.all([carla.waitForEvent('download'), carla.getByRole('button', { name: 'Exportar CSV' }).click()]);
  expect(readFileSync(await commas.path()).toString('utf8')).toMatch(/^\uFEFFAgente,Conversas,Recebidas,/);

  // Printing: the button asks the browser to print; the printed page is the sheet alone.
  await carla.evaluate(() => {
    window.print = () => document.body.setAttribute('data-printed', 'yes');
  });
  await carla.getByRole('button', { name: 'Imprimir' }).click();
  await expect(carla.locator('body')).toHaveAttribute('data-printed', 'yes');
  await useTheme(carla, 'light');
  await carla.emulateMedia({ media: 'print' });
  await expect(carla.getByRole('heading', { name: 'Relatório de conversas' })).toBeVisible();
  await expect(carla.locator('[data-meta="period"]')).toContainText('Período');
  await expect(carla.locator('[data-meta="groupBy"]')).toHaveText(/Agrupado por.*Agente/);
  await expect(carla.locator('[data-meta="team"]')).toHaveText(/Equipe.*Todas as equipes/);
  await expect(carla.locator('[data-meta="generatedAt"]')).toHaveText(/Gerado em.*\d{2}\/\d{2}\/\d{4}/);
  await expect(carla.getByRole('table', { name: 'Números do relatório' })).toBeVisible();
  await expect(figure(carla, 'user:ana', 'conversations')).toBeVisible();
  for (const name of ['Gerar relatório', 'Exportar CSV', 'Imprimir', 'Agentes']) {
    await expect(carla.getByRole('button', { name, exact: true })).toBeHidden();
  }
  await expect(filters).toBeHidden();
  await expect(carla.getByRole('navigation')).toBeHidden();
  // Black on white in both themes: the sheet's text is black on paper even when the screen is dark.
  await useTheme(carla, 'dark');
  await expect(carla.locator('.report-sheet')).toHaveCSS('color', 'rgb(0, 0, 0)');
  await carla.emulateMedia({ media: 'screen' });
  await expect(carla.getByRole('button', { name: 'Imprimir' })).toBeVisible();
});

test('R-RT-06 an admin reports on every team after the server could not be reached; figures still being computed are announced; a request the server refuses shows the server’s message', async ({ server, newContext }) => {
  test.setTimeout(120_000); // a shared CI machine: sign-in, five reports, axe
  const admin = await (await newContext()).newPage();
  await signIn(admin, server, 'admin@demo.local');
  // The server out of reach when the board opens: said, and "Tentar de novo" asks again.
  await admin.route('**/api/reports/context', (route) => route.abort('connectionrefused'));
  await admin.goto(`${server.url}/#/supervisor/reports`);
  await expect(admin.getByRole('alert')).toHaveText('Sem conexão com o servidor. Tente de novo em instantes.');
  await admin.unrouteAll();
  await admin.getByRole('button', { name: 'Tentar de novo' }).click();
  const filters = admin.getByRole('form', { name: 'Filtros do relatório' });
  await expect(filters).toBeVisible();
  await expect(admin.getByRole('alert')).toHaveCount(0);
  await expect(filters.getByLabel('Equipe', { exact: true }).locator('option')).toHaveText(['Todas as equipes', 'Comercial', 'Suporte']);
  await expect(figure(admin, 'total', 'conversations')).toHaveText('0');
  await expect(admin.getByText('Nenhuma conversa no período.')).toBeVisible();

  // While the rollups catch up the server says so (upToDate: false) and the screen warns that figures may be missing.
  // Here they catch up at once, so the lag is arranged by rewriting that one flag of the real answer.
  await admin.route('**/api/reports/conversations?*', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, json: { ...((await response.json()) as object), upToDate: false } });
  });
  await admin.getByRole('button', { name: 'Gerar relatório' }).click();
  await expect(admin.getByTestId('report-not-up-to-date')).toHaveText(/ainda estão sendo calculados/);
  await admin.unrouteAll();
  await admin.getByRole('button', { name: 'Gerar relatório' }).click();
  await expect(admin.getByTestId('report-not-up-to-date')).toHaveCount(0);

  // A request the server refuses (here an end before the start, past the screen's own check): its message, as sent.
  let said = '';
  await admin.route('**/api/reports/conversations?*', async (route) => {
    const url = new URL(route.request().url());
    url.searchParams.set('to', '2000-01-01');
    const response = await route.fetch({ url: url.toString() });
    expect(response.status()).toBe(400);
    said = ((await response.json()) as { message: string }).message;
    await route.fulfill({ response });
  });
  await admin.getByRole('button', { name: 'Gerar relatório' }).click();
  await expect.poll(() => said).not.toBe('');
  await expect(admin.getByRole('alert')).toHaveText(said);
  await expectNoAxeViolations(admin, 'reports board with the server’s refusal');
});
