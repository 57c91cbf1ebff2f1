import { expectNoAxeViolations, useTheme } from './axe';
import { expect, signIn, test } from './fixtures';

/**
 * R-PRIV-01 (issue 19 point 1) on the admin's screens: "Retenção de dados" in a team's form —
 * off by default, a number of months below 1 refused in the field with the server's rule — and
 * read by a supervisor of the team, not changed; in Privacidade (LGPD) the runs with "Executar agora", its progress and its result. Axe, light and dark.
 */
test('R-PRIV-01 the admin sets a team\'s data retention (0 months refused in the field, 6 reads back), runs the retention now and reads its result', async ({ server, newContext }) => {
  test.setTimeout(120_000);
  const admin = await (await newContext()).newPage();
  await signIn(admin, server, 'admin@demo.local');
  await admin.goto(`${server.url}/#/admin/teams`);
  const list = admin.getByRole('table', { name: 'Equipes' });
  await list.getByRole('button', { name: 'Editar Comercial' }).click();
  const edit = admin.getByRole('dialog', { name: 'Editar equipe' });
  const retention = edit.getByRole('group', { name: 'Retenção de dados' });
  await expect(retention.getByLabel('Manter sempre (desligada)')).toBeChecked();
  await expect(retention).toHaveAccessibleDescription(/excluídas de vez/);
  await retention.getByLabel('Manter por um prazo').check();
  const months = retention.getByLabel('Prazo (meses)');
  for (const typed of ['0', '1,5']) {
    await months.fill(typed);
    await edit.getByRole('button', { name: 'Salvar' }).click();
    await expect(months).toHaveAttribute('aria-invalid', 'true');
    await expect(months).toHaveAccessibleDescription(/A retenção deve ser de pelo menos 1 mês/);
  }
  await expectNoAxeViolations(admin, 'team form with the retention refused');
  await months.fill('6');
  await edit.getByRole('button', { name: 'Salvar' }).click();
  await expect(edit).toBeHidden();
  await list.getByRole('button', { name: 'Editar Comercial' }).click();
  await expect(retention.getByLabel('Manter por um prazo')).toBeChecked();
  await expect(months).toHaveValue('6');
  await edit.getByRole('button', { name: 'Cancelar' }).click();

  // Carla supervises Comercial: she reads the setting, an admin's, and cannot change it.
  const carla = await (await newContext()).newPage();
  await signIn(carla, server, 'carla@demo.local');
  await carla.goto(`${server.url}/#/admin/teams`);
  await carla.getByRole('table', { name: 'Equipes' }).getByRole('button', { name: 'Editar Comercial' }).click();
  const hers = carla.getByRole('dialog', { name: 'Editar equipe' });
  await expect(hers.getByTestId('team-retention')).toHaveText(/Retenção de dados:\s*mantidos por 6 meses/);
  await expect(hers.getByLabel('Prazo (meses)')).toHaveCount(0);

  await admin.goto(`${server.url}/#/admin/privacy`);
  const runs = admin.getByRole('region', { name: 'Retenção de dados' });
  await expect(runs.getByText('Nenhuma execução ainda.')).toBeVisible();
  await runs.getByRole('button', { name: 'Executar agora' }).click();
  await expect(runs.getByRole('status').filter({ hasText: 'Execução concluída' })).toContainText('0 conversas');
  const table = runs.getByRole('table', { name: 'Últimas execuções da retenção' });
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table.getByRole('row').nth(1)).toContainText('Concluída');
  await expect(table.getByRole('row').nth(1)).toContainText('Comercial: 6 meses');
  for (const theme of ['light', 'dark'] as const) {
    await useTheme(admin, theme);
    await expectNoAxeViolations(admin, `retention runs (${theme})`);
  }
});
