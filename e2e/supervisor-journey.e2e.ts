import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { ServerProcess, expect, openWidget, signIn, test, visitorSends } from './fixtures';
import { aDayOfWork } from './day-of-work';

/**
 * Issue 16, the supervisor's journey end to end in Chromium: Carla spreads two boards over their
 * own windows (R-SV-05), watches a website visitor's conversation arrive live (R-SV-02/03), reads
 * it read-only and transfers it to another team (R-SV-04), then, after a small day of work whose
 * figures the test knows, reads them in the reports window and exports them as CSV (R-RT-06).
 */

/** The window `open` opens from `page` (the browser build opens boards with window.open). */
async function popUp(page: Page, open: () => Promise<void>): Promise<Page> {
  const [popup] = await Promise.all([page.waitForEvent('popup'), open()]);
  await popup.waitForLoadState();
  return popup;
}

/** A downloaded report CSV: its bytes, and its rows as {column header → cell} by the row's first cell. */
function readCsv(path: string, separator: string): { bytes: Buffer; rows: Map<string, Record<string, string>> } {
  const bytes = readFileSync(path);
  const [header = [], ...lines] = bytes.subarray(3).toString('utf8').trim().split(/\r?\n/).map((line) => line.split(separator));
  const rows = new Map(lines.map((cells) => [cells[0] ?? '', Object.fromEntries(header.map((name, i) => [name, cells[i] ?? '']))]));
  return { bytes, rows };
}

/** The columns the test knows the answer of, as the pt-BR CSV names them. */
const counted = (row: Record<string, string> | undefined) => row && {
  conversations: row.Conversas, received: row.Recebidas, answered: row.Atendidas, abandoned: row.Abandonadas, transferred: row.Transferidas,
};

/**
 * Exports the report shown until its total row has the figures of the day's work: the rollups follow
 * the change feed in batches, so a report read meanwhile may count a conversation before its finish.
 */
async function exportUntil(reports: Page, total: ReturnType<typeof counted>): Promise<{ bytes: Buffer; rows: Map<string, Record<string, string>>; name: string }> {
  let exported: { bytes: Buffer; rows: Map<string, Record<string, string>>; name: string } | undefined;
  await expect(async () => {
    await reports.getByRole('button', { name: 'Gerar relatório' }).click();
    const [download] = await Promise.all([reports.waitForEvent('download'), reports.getByRole('button', { name: 'Exportar CSV' }).click()]);
    exported = { ...readCsv(await download.path(), ';'), name: download.suggestedFilename() };
    expect(counted(exported.rows.get('Total'))).toEqual(total);
  }).toPass({ timeout: 45_000 });
  if (!exported) throw new Error('no CSV');
  return exported;
}

test('R-SV-05 R-SV-03 R-SV-04 R-RT-06 the supervisor pops two boards out, watches a conversation arrive, reads it read-only, transfers it, and exports the day’s report as CSV with the known figures', async ({ server, newContext }) => {
  test.setTimeout(240_000); // five browsers, three conversations, two windows, two downloads
  const context = await newContext();
  const carla = await context.newPage();
  await signIn(carla, server, 'carla@demo.local');

  // The supervision panel from the workstation, then two of its boards in their own windows.
  const panel = await popUp(carla, () => carla.getByRole('button', { name: 'Abrir painel de supervisão' }).click());
  await expect(panel.getByRole('heading', { name: 'Painel de supervisão' })).toBeVisible();
  const conversationsWindow = await popUp(panel, () => panel.getByRole('button', { name: 'Abrir Atendimentos em nova janela' }).click());
  const reportsWindow = await popUp(panel, () => panel.getByRole('button', { name: 'Abrir Relatórios em nova janela' }).click());
  await expect(conversationsWindow).toHaveURL(/#\/supervisor\/conversations$/);
  await expect(reportsWindow).toHaveURL(/#\/supervisor\/reports$/);
  await expect(conversationsWindow.getByRole('button', { name: 'Atendimentos', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect(reportsWindow.getByRole('heading', { name: 'Relatório de conversas' })).toBeVisible();
  const board = conversationsWindow.getByRole('table', { name: 'Atendimentos' });
  await expect(board).toBeVisible();

  // A website visitor writes; the conversation shows up on the board window by itself.
  const visitor = await (await newContext()).newPage();
  await openWidget(visitor, server, { name: 'Sara Cliente', email: 'sara@example.com' });
  await visitorSends(visitor, 'Quero mudar de plano');
  const row = board.getByRole('row', { name: /Sara Cliente/ });
  await expect(row).toContainText('Suporte');
  await expect(row).toContainText('Na fila');

  // Opened from the board: read-only beside it, live.
  await row.click();
  // The panel named after the customer: beside the board, or over it as a modal dialog when the window is narrow.
  const named = (role: 'region' | 'complementary' | 'dialog') => conversationsWindow.getByRole(role, { name: 'Sara Cliente' });
  const supervised = named('region').or(named('complementary')).or(named('dialog'));
  await expect(supervised).toContainText('Somente leitura: você acompanha a conversa sem escrever nela.');
  await expect(supervised.getByRole('textbox')).toHaveCount(0);
  const transcript = supervised.getByRole('log', { name: 'Histórico de mensagens' });
  await expect(transcript).toContainText('Quero mudar de plano');
  await visitorSends(visitor, 'É para a minha empresa.');
  await expect(transcript).toContainText('É para a minha empresa.');

  // Transferred to Comercial with the agents' own dialog; the history and the board say so.
  await supervised.getByRole('group', { name: 'Ações do supervisor' }).getByRole('button', { name: 'Transferir' }).click();
  const transfer = conversationsWindow.getByRole('dialog', { name: 'Transferir' });
  await transfer.getByRole('combobox', { name: 'Transferir' }).selectOption({ label: 'Comercial' });
  await transfer.getByRole('button', { name: 'Transferir', exact: true }).click();
  await expect(transfer).toHaveCount(0);
  await expect(transcript).toContainText('Transferida de Suporte para Comercial por Carla Mendes');
  await expect(row).toContainText('Comercial');

  // A day the test knows: Ana answers one conversation and finishes another unanswered.
  await aDayOfWork(server, async () => (await newContext()).newPage(), 'Jornada');

  // The reports window, by team (the default period, the last 7 days, holds today): the CSV's rows.
  const filters = reportsWindow.getByRole('form', { name: 'Filtros do relatório' });
  await filters.getByLabel('Agrupar por', { exact: true }).selectOption({ label: 'Equipe' });
  await expect(reportsWindow.getByLabel('Separador do CSV')).toHaveValue('semicolon');
  const dayTotal = { conversations: '3', received: '3', answered: '1', abandoned: '1', transferred: '1' };
  const byTeam = await exportUntil(reportsWindow, dayTotal);
  expect([...byTeam.bytes.subarray(0, 3)], 'UTF-8 BOM').toEqual([0xef, 0xbb, 0xbf]);
  expect(byTeam.name).toMatch(/^atende-conversas-team-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
  expect([...byTeam.rows.keys()]).toEqual(['Suporte', 'Comercial', 'Total']);
  expect(counted(byTeam.rows.get('Suporte'))).toEqual({ conversations: '2', received: '2', answered: '1', abandoned: '1', transferred: '0' });
  // Sara's conversation counts where it is now, waiting in Comercial: received, transferred, not (yet) abandoned.
  expect(counted(byTeam.rows.get('Comercial'))).toEqual({ conversations: '1', received: '1', answered: '0', abandoned: '0', transferred: '1' });
  expect(counted(byTeam.rows.get('Total'))).toEqual(dayTotal);

  // By agent: Ana's two, and Sara's, which nobody holds.
  await filters.getByLabel('Agrupar por', { exact: true }).selectOption({ label: 'Agente' });
  const byAgent = await exportUntil(reportsWindow, dayTotal);
  expect(byAgent.name).toMatch(/^atende-conversas-agent-/);
  expect([...byAgent.rows.keys()]).toEqual(['Ana Souza', 'Sem agente', 'Total']);
  expect(counted(byAgent.rows.get('Ana Souza'))).toEqual({ conversations: '2', received: '2', answered: '1', abandoned: '1', transferred: '0' });
  expect(counted(byAgent.rows.get('Sem agente'))).toEqual({ conversations: '1', received: '1', answered: '0', abandoned: '0', transferred: '1' });

  // The table on screen says the same as the file.
  await expect(reportsWindow.getByRole('table', { name: 'Números do relatório' }).getByRole('row', { name: /Ana Souza/ })).toBeVisible();
  // The board windows stayed live all along: the conversation is still listed, in Comercial's queue.
  await expect(row).toContainText('Na fila');
});

test('R-RT-06 R-SV-06 with the demo history `npm start` writes, the supervisor’s reports have two weeks of data at once, and the live boards stay empty', async ({ newContext }) => {
  test.setTimeout(180_000); // a server of its own, seeded with 196 conversations
  const server = await ServerProcess.launch({ ATENDE_DEMO_HISTORY: '1' });
  try {
    const carla = await (await newContext()).newPage();
    await signIn(carla, server, 'carla@demo.local');
    await carla.goto(`${server.url}/#/supervisor/reports`);
    const filters = carla.getByRole('form', { name: 'Filtros do relatório' });
    await expect(filters.getByLabel('Período', { exact: true })).toHaveValue('last7');
    await filters.getByLabel('Agrupar por', { exact: true }).selectOption({ label: 'Agente' });
    // Six whole past days of 14 conversations each at least (today's share depends on the hour).
    const total = carla.locator('[data-report-key="total"] [data-figure="conversations"]');
    await expect(async () => {
      await carla.getByRole('button', { name: 'Gerar relatório' }).click();
      expect(Number(await total.textContent())).toBeGreaterThanOrEqual(6 * 14);
    }).toPass({ timeout: 60_000 });
    const table = carla.getByRole('table', { name: 'Números do relatório' });
    for (const name of ['Ana Souza', 'Bruno Lima', 'Carla Mendes']) await expect(table.getByRole('row', { name: new RegExp(name) })).toBeVisible();

    // History is finished work: nothing of it is open on the live boards.
    await carla.getByRole('button', { name: 'Atendimentos', exact: true }).click();
    await expect(carla.getByRole('table', { name: 'Atendimentos' })).toContainText('Nada por aqui.');
  } finally {
    await server.dispose();
  }
});
