import type { Page } from '@playwright/test';
import { expectNoAxeViolations, useTheme } from './axe';
import { expect, openWidget, signIn, test, visitorSends, type ServerProcess } from './fixtures';

/**
 * Issue 16, the live boards (R-SV-01..03, R-SV-05) in Chromium against the real server: carla
 * watches conversations arrive, reads their times as durations, sorts and filters, opens one
 * beside the board, pops a board into its own window; she ends ana's pause and signs her out.
 */
const CLOCK_TIME = /\b\d{1,2}:\d{2}\b/;
const DURATION = /^\d+ (s|min)( \d+ s)?$/;

async function openBoard(server: ServerProcess, page: Page, board: string): Promise<void> {
  await signIn(page, server, 'carla@demo.local');
  await page.goto(`${server.url}/#/supervisor/${board}`);
  await expect(page.getByRole('heading', { name: 'Painel de supervisão' })).toBeVisible();
}

test('R-SV-03 R-SV-02 R-SV-05 conversations arrive live with durations, a visible channel icon, sorting, filters and the read-only view; queues show the trend; a board pops out', async ({ server, newContext }) => {
  // Several browsers and a long journey: more time than one screen's test.
  test.setTimeout(180_000);
  const carla = await (await newContext()).newPage();
  await carla.setViewportSize({ width: 1366, height: 800 });
  await openBoard(server, carla, 'conversations');
  const table = carla.getByRole('table', { name: 'Atendimentos' });

  // A conversation arriving appears without a reload.
  const visitor = await (await newContext()).newPage();
  await openWidget(visitor, server, { name: 'Zeca Pagodinho', email: 'zeca@example.com' });
  await visitorSends(visitor, 'Preciso de ajuda');
  const zeca = table.getByRole('row', { name: /Zeca Pagodinho/ });
  await expect(zeca).toContainText('Em espera');
  await expect(zeca).toContainText('Suporte');

  // Durations read as durations ("12 s", "há 12 s"), never as a clock time ("00:12").
  const cells = zeca.getByRole('cell');
  await expect(cells.nth(3)).toHaveText(DURATION);
  await expect(zeca.getByTestId('board-since-customer')).toHaveText(/^há \d+ (s|min)( \d+ s)?$/);
  await expect(zeca).not.toContainText(CLOCK_TIME);

  // The channel icon is drawn (an SVG with a size), not an empty box.
  const icon = zeca.getByTestId('board-channel').locator('svg');
  await expect(icon).toBeVisible();
  const box = await icon.boundingBox();
  expect(box?.width ?? 0).toBeGreaterThan(8);
  expect(await icon.locator('path, circle, line, polyline').count()).toBeGreaterThan(0);
  await expect(zeca.getByTestId('board-channel')).toHaveText('Chat do site');

  // A second visitor; sorting by contact, announced with aria-sort.
  const other = await (await newContext()).newPage();
  await openWidget(other, server, { name: 'Ana Visitante', email: 'anav@example.com' });
  await visitorSends(other, 'Olá');
  await expect(table.getByRole('row', { name: /Ana Visitante/ })).toBeVisible();
  const contactHeader = table.getByRole('columnheader', { name: 'Contato' });
  await expect(contactHeader).toHaveAttribute('aria-sort', 'none');
  await contactHeader.getByRole('button').click();
  await expect(contactHeader).toHaveAttribute('aria-sort', 'ascending');
  const contacts = table.locator('tbody th');
  await expect(contacts).toHaveText(['Ana Visitante', 'Zeca Pagodinho']);
  await contactHeader.getByRole('button').click();
  await expect(contactHeader).toHaveAttribute('aria-sort', 'descending');
  await expect(contacts).toHaveText(['Zeca Pagodinho', 'Ana Visitante']);

  // Arrivals are not announced one by one; what the filters leave is, when the reader filters.
  const rowCount = carla.getByRole('status').filter({ hasText: /^\d+ de \d+$/ });
  await expect(rowCount).toHaveCount(0);
  // Filters: text (case and accents ignored) and status.
  await carla.getByRole('searchbox', { name: 'Filtrar' }).fill('ZECA');
  await expect(contacts).toHaveText(['Zeca Pagodinho']);
  await expect(rowCount).toHaveText('1 de 2');
  await carla.getByRole('searchbox', { name: 'Filtrar' }).fill('');
  await carla.getByLabel('Status').selectOption({ label: 'Em atendimento' });
  await expect(table.getByText('Nenhuma linha corresponde aos filtros.')).toBeVisible();
  await carla.getByLabel('Status').selectOption({ label: 'Em espera' });
  await expect(contacts).toHaveCount(2);

  await useTheme(carla, 'dark');
  await expectNoAxeViolations(carla, 'conversations board (dark)');

  // A click on the row (or Enter on it) opens it read-only beside the board.
  await zeca.click();
  const supervised = carla.getByTestId('supervised-conversation');
  await expect(supervised.getByRole('heading', { name: 'Zeca Pagodinho' })).toBeVisible();
  await supervised.getByTestId('supervised-close').click();
  await expect(supervised).toHaveCount(0);
  await table.getByRole('row', { name: /Ana Visitante/ }).focus();
  await carla.keyboard.press('Enter');
  await expect(supervised.getByRole('heading', { name: 'Ana Visitante' })).toBeVisible();
  await supervised.getByTestId('supervised-close').focus();
  await carla.keyboard.press('Enter');
  // Closed, the panel hands the keyboard back to the row that opened it.
  await expect(supervised).toHaveCount(0);
  await expect(table.getByRole('row', { name: /Ana Visitante/ })).toBeFocused();

  // Queues: two waiting now, none 15 minutes ago — rising, said in words beside the icon.
  await carla.getByRole('button', { name: 'Filas', exact: true }).click();
  const suporte = carla.getByRole('table', { name: 'Filas' }).getByRole('row', { name: /Suporte/ });
  await expect(suporte.getByTestId('queue-waiting')).toHaveText('2');
  await expect(suporte.getByTestId('queue-longest')).toHaveText(DURATION);
  await expect(suporte.getByTestId('queue-trend')).toHaveText('Subindo: 2 agora, 0 há 15 min');
  await expect(suporte.getByTestId('queue-trend').locator('svg')).toBeVisible();
  await expectNoAxeViolations(carla, 'queues board (dark)');

  // The agents board pops into its own window, live from the same replica.
  const [popped] = await Promise.all([
    carla.waitForEvent('popup'),
    carla.getByRole('button', { name: 'Abrir Agentes em nova janela' }).click(),
  ]);
  await expect(popped).toHaveURL(/#\/supervisor\/agents$/);
  await expect(popped.getByRole('table', { name: 'Agentes' }).getByRole('row', { name: /Carla Mendes/ })).toContainText('Disponível');
  await expect(carla).toHaveURL(/#\/supervisor\/queues$/);
});

test('R-SV-01 R-SV-04 the agents board shows the pause and time in status; carla ends ana’s pause and signs her out, ana lands on the login screen', async ({ server, newContext }) => {
  // Several browsers and a long journey: more time than one screen's test.
  test.setTimeout(180_000);
  const carla = await (await newContext()).newPage();
  await openBoard(server, carla, 'agents');
  const agents = carla.getByRole('table', { name: 'Agentes' });
  const anaRow = agents.getByRole('row', { name: /Ana Souza/ });

  const ana = await (await newContext()).newPage();
  await signIn(ana, server, 'ana@demo.local');
  await expect(anaRow).toContainText('Disponível');
  await expect(anaRow.getByTestId('agent-in-status')).toHaveText(DURATION);
  // Sorting and filters work here too: by status, only the paused.
  await ana.getByTestId('pause-menu').selectOption({ label: 'Café' });
  await expect(anaRow).toContainText('Em pausa');
  await expect(anaRow.getByTestId('agent-pause')).toContainText(/Café · \d+ s/);
  await carla.getByLabel('Status').selectOption({ label: 'Em pausa' });
  await expect(agents.locator('tbody th')).toHaveText(['Ana Souza']);
  await carla.getByLabel('Status').selectOption({ label: 'Todos' });

  // Actions only for agents of carla's teams; none on herself.
  await expect(agents.getByRole('row', { name: /Carla Mendes/ }).getByRole('button', { name: 'Desconectar Carla Mendes' })).toBeDisabled();

  // End the pause: a confirmation dialog, then feedback; ana is available again.
  await anaRow.getByRole('button', { name: 'Encerrar a pausa de Ana Souza' }).click();
  const dialog = carla.getByRole('dialog', { name: 'Encerrar a pausa de Ana Souza?' });
  await expect(dialog).toBeVisible();
  await expectNoAxeViolations(carla, 'end-pause confirmation');
  await dialog.getByRole('button', { name: 'Encerrar pausa' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(carla.getByRole('status').filter({ hasText: 'Pausa de Ana Souza encerrada.' })).toBeVisible();
  await expect(anaRow).toContainText('Disponível');
  // The button that opened the dialog is gone with the pause: the keyboard stays on ana's row.
  await expect(anaRow.getByRole('button', { name: 'Desconectar Ana Souza' })).toBeFocused();
  await expect(ana.getByTestId('pause-menu').locator('option:checked')).toHaveText('Disponível');

  // Sign out, confirmed with the keyboard only; Esc first closes without doing anything.
  await anaRow.getByRole('button', { name: 'Desconectar Ana Souza' }).focus();
  await carla.keyboard.press('Enter');
  const signOut = carla.getByRole('dialog', { name: 'Desconectar Ana Souza?' });
  await expect(signOut).toBeVisible();
  await carla.keyboard.press('Escape');
  await expect(signOut).toHaveCount(0);
  await expect(anaRow.getByRole('button', { name: 'Desconectar Ana Souza' })).toBeFocused();
  await carla.keyboard.press('Enter');
  await expect(signOut).toBeVisible();
  await signOut.getByRole('button', { name: 'Desconectar', exact: true }).focus();
  await carla.keyboard.press('Enter');
  await expect(carla.getByRole('status').filter({ hasText: /Ana Souza desconectado\(a\): [1-9]\d* sessão/ })).toBeVisible();
  await expect(ana.getByRole('button', { name: 'Entrar' })).toBeVisible();
  await expect(anaRow).toContainText('Offline');

  await useTheme(carla, 'dark');
  await expectNoAxeViolations(carla, 'agents board (dark)');
});
