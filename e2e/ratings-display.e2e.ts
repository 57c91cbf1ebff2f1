import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expectNoAxeViolations, useTheme } from './axe';
import { expect, root, ServerProcess, signIn, test } from './fixtures';

/**
 * Where ratings show (issue 18 point 2, seed 002 "Nome e média das avaliações (⭐)"): rated
 * conversations written into the server's store before it starts (seed-ratings.ts: Ana 5 and 4
 * and one unanswered, Bruno 1), then read in Chromium — Ana's own average in her profile menu,
 * and her own conversations' ratings in the contact's history and transcript (not Bruno's),
 * and the supervisor's Today counters and report (average, distribution 1–5, response rate).
 */
const withRatings = test.extend<{ server: ServerProcess }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form
  server: async ({}, use) => {
    const server = await ServerProcess.launch({}, async (dataDir) => {
      const seeded = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'e2e/seed-ratings.ts'), dataDir], { cwd: root, encoding: 'utf8' });
      if (seeded.status !== 0) throw new Error(`seeding failed: ${seeded.stderr}`);
    });
    await use(server);
    await server.dispose();
  },
});

async function openMenu(page: Page): Promise<void> {
  await page.getByTestId('agent-name').click();
  await expect(page.getByRole('menu')).toBeVisible();
}

withRatings('issue 18 seed 002 "Nome e média das avaliações": the agent sees their own average with the Star in the profile menu, not the team’s, and their own conversations’ ratings (not a colleague’s) in the contact history and transcript; nobody rated reads "Ainda sem avaliações"', async ({ server, newContext }) => {
  test.setTimeout(90_000);
  const ana = await (await newContext()).newPage();
  await signIn(ana, server, 'ana@demo.local');
  // The rollups read the seeded conversations in batches: the menu asks again each time it opens.
  await expect(async () => {
    await openMenu(ana);
    await expect(ana.getByTestId('my-rating')).toHaveText('Sua média: 4,5 · 2 avaliações', { timeout: 1_000 });
    await ana.keyboard.press('Escape');
  }).toPass({ timeout: 30_000 });
  await openMenu(ana);
  await expect(ana.getByTestId('my-rating').locator('svg')).toHaveCount(1);
  await ana.keyboard.press('Escape');
  for (const theme of ['light', 'dark'] as const) {
    await useTheme(ana, theme);
    await openMenu(ana);
    await expectNoAxeViolations(ana, `profile menu with the rating (${theme})`);
    await ana.keyboard.press('Escape');
  }

  // The contact's history: her own conversation's rating (stars, comment, channel); a colleague's is not hers to see.
  await ana.getByRole('navigation', { name: 'Canais' }).getByRole('button', { name: 'WhatsApp' }).click();
  await ana.locator('[data-contact-id]', { hasText: 'Maria Oliveira' }).getByRole('button', { name: /Histórico/ }).click();
  const history = ana.getByRole('dialog', { name: 'Histórico de Maria Oliveira' });
  const entry = (n: number) => history.locator(`[data-protocol="20261129-97000${n}"]`);
  await expect(entry(1).getByTestId('conversation-rating')).toContainText('Avaliação do cliente: 5 de 5 · por Chat do site');
  await expect(entry(1).getByTestId('conversation-rating')).toContainText('Atendimento excelente');
  await expect(entry(2).getByTestId('conversation-rating')).toHaveAttribute('data-score', '4');
  await expect(entry(4)).toContainText('Bruno Lima');
  await expect(entry(4).getByTestId('conversation-rating')).toHaveCount(0);
  await expectNoAxeViolations(ana, 'history with ratings');
  // The transcript of the one asked and not answered says so.
  await entry(3).getByRole('button').click();
  const transcript = ana.getByRole('dialog', { name: 'Protocolo 20261129-970003' });
  await expect(transcript.getByTestId('conversation-rating-requested')).toHaveText('Avaliação pedida, sem resposta ainda');
  await expect(transcript.getByRole('list', { name: 'Conversa' })).toContainText('Como você avalia este atendimento?');
  await expectNoAxeViolations(ana, 'transcript asked for a rating');
  await ana.keyboard.press('Escape');

  const carla = await (await newContext()).newPage();
  await signIn(carla, server, 'carla@demo.local');
  await openMenu(carla);
  await expect(carla.getByTestId('my-rating')).toHaveText('Ainda sem avaliações');
});

withRatings('issue 18 R-SV-06 R-RT-06: the supervisor reads the average, the distribution 1–5 and the response rate in Today and in the report', async ({ server, newContext }) => {
  test.setTimeout(150_000);
  const carla = await (await newContext()).newPage();
  await carla.setViewportSize({ width: 1440, height: 900 });
  await signIn(carla, server, 'carla@demo.local');

  // Today, from the replica: three ratings (5, 4, 1) of four asked.
  await carla.goto(`${server.url}/#/supervisor/today`);
  const counters = carla.getByRole('table', { name: 'Contadores de hoje por equipe' });
  const overall = counters.locator('tr[data-team-id="all"]');
  await expect(overall.getByTestId('today-rating')).toHaveText('3,3 (3)');
  await expect(overall.getByTestId('today-rating-response-rate')).toHaveText(/^75\s?%$/);
  const today = carla.getByTestId('rating-figures');
  await expect(today.getByTestId('rating-average')).toContainText('3,3 de 5');
  await expect(today.getByTestId('rating-response-rate')).toContainText(/75\s?% \(3 de 4\)/);
  const chart = today.getByRole('img', { name: /Avaliações por nota/ });
  await expect(chart).toBeVisible();
  await today.getByText('Ver os dados em tabela').click();
  await expect(today.locator('tbody tr')).toHaveText([/^1\s*1$/, /^2\s*0$/, /^3\s*0$/, /^4\s*1$/, /^5\s*1$/]);
  for (const theme of ['light', 'dark'] as const) {
    await useTheme(carla, theme);
    await expectNoAxeViolations(carla, `today with ratings (${theme})`);
  }

  // The report, from the server's rollups: the same figures, and per agent Ana's alone.
  await carla.goto(`${server.url}/#/supervisor/reports`);
  const filters = carla.getByRole('form', { name: 'Filtros do relatório' });
  await filters.getByLabel('Agrupar por', { exact: true }).selectOption({ label: 'Agente' });
  const figure = (key: string, column: string) => carla.locator(`[data-report-key="${key}"] [data-figure="${column}"]`);
  await expect(async () => {
    await carla.getByRole('button', { name: 'Gerar relatório' }).click();
    await expect(figure('user:ana', 'ratingAvg')).toHaveText('4,5 (2)', { timeout: 1_000 });
    await expect(carla.getByTestId('report-not-up-to-date')).toHaveCount(0, { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(figure('user:ana', 'ratingResponseRate')).toHaveText(/^67\s?%$/);
  await expect(figure('user:bruno', 'ratingAvg')).toHaveText('1,0 (1)');
  await expect(figure('total', 'ratingResponseRate')).toHaveText(/^75\s?%$/);
  await expect(carla.getByRole('columnheader', { name: 'Taxa de resposta' })).toBeVisible();
  const report = carla.locator('.report-sheet').getByTestId('rating-figures');
  await expect(report.getByTestId('rating-average')).toContainText('3,3 de 5');
  await expect(report.getByRole('img', { name: /Avaliações por nota/ })).toBeVisible();
  for (const theme of ['light', 'dark'] as const) {
    await useTheme(carla, theme);
    await expectNoAxeViolations(carla, `report with ratings (${theme})`);
  }
});

test('issue 18 "Pedir avaliação ao finalizar": the admin sets the rating and its time to answer on a team; 0 or 1,5 hours are refused in the field; the setting reads back', async ({ server, newContext }) => {
  test.setTimeout(90_000);
  const admin = await (await newContext()).newPage();
  await signIn(admin, server, 'admin@demo.local');
  await admin.goto(`${server.url}/#/admin/teams`);
  const list = admin.getByRole('table', { name: 'Equipes' });
  await list.getByRole('button', { name: 'Editar Comercial' }).click();
  const edit = admin.getByRole('dialog', { name: 'Editar equipe' });
  const ratings = edit.getByRole('group', { name: 'Avaliação do atendimento' });
  const hours = ratings.getByLabel('Prazo para responder (horas)');
  await ratings.getByLabel('Pedir avaliação ao finalizar').setChecked(true);
  for (const typed of ['0', '1,5']) {
    await hours.fill(typed);
    await edit.getByRole('button', { name: 'Salvar' }).click();
    await expect(hours).toHaveAttribute('aria-invalid', 'true');
    await expect(hours).toHaveAccessibleDescription(/Use um número inteiro de horas, de 1 a 720/);
  }
  await expectNoAxeViolations(admin, 'team form with the rating setting refused');
  await hours.fill('48');
  await edit.getByRole('button', { name: 'Salvar' }).click();
  await expect(edit).toBeHidden();

  await list.getByRole('button', { name: 'Editar Comercial' }).click();
  await expect(ratings.getByLabel('Pedir avaliação ao finalizar')).toBeChecked();
  await expect(hours).toHaveValue('48');
});
