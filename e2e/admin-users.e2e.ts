import { expectNoAxeViolations, useTheme } from './axe';
import { expect, signIn, test } from './fixtures';

/**
 * R-AUTH-01 (issue 15): the admin adds a user on "Usuários" — the form says which field to fix —,
 * sees them listed with the invitation pending, and disables them.
 */
test('R-AUTH-01 the admin adds a user (a bad e-mail is pointed out), sees the invitation pending and disables the user', async ({ server, newContext }) => {
  const admin = await (await newContext()).newPage();
  await signIn(admin, server, 'admin@demo.local');
  await admin.goto(`${server.url}/#/admin/users`);
  await expect(admin.getByRole('heading', { name: 'Usuários' })).toBeVisible();
  const list = admin.getByRole('table', { name: 'Usuários' });
  await expect(list.getByRole('row', { name: /Ana Souza/ })).toContainText('Ativo');

  await admin.getByRole('button', { name: 'Adicionar usuário' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Adicionar usuário' });
  await dialog.getByLabel('Nome').fill('Marina Costa');
  await dialog.getByLabel('E-mail').fill('marina@exemplo');
  await dialog.getByRole('checkbox', { name: 'Suporte' }).check();
  await dialog.getByLabel('Máximo de atendimentos simultâneos').fill('3');
  await dialog.getByRole('checkbox', { name: 'Iniciar conversas' }).uncheck();
  await dialog.getByRole('button', { name: 'Salvar' }).click();
  // Refused in place: the message sits under the e-mail and names it.
  const email = dialog.getByLabel('E-mail');
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await expect(email).toHaveAccessibleDescription(/Informe um e-mail válido/);
  await expectNoAxeViolations(admin, 'the user form with a problem');

  await email.fill('marina@exemplo.com.br');
  await dialog.getByRole('button', { name: 'Salvar' }).click();
  await expect(dialog).toBeHidden();
  const row = list.getByRole('row', { name: /Marina Costa/ });
  await expect(row).toContainText('marina@exemplo.com.br');
  await expect(row).toContainText('Agente');
  await expect(row).toContainText('Suporte');
  await expect(row).toContainText('Convite pendente');
  await expectNoAxeViolations(admin, 'the users screen');
  await useTheme(admin, 'dark');
  await expectNoAxeViolations(admin, 'the users screen, dark theme');

  await row.getByRole('button', { name: 'Desativar Marina Costa' }).click();
  const confirm = admin.getByRole('dialog', { name: 'Desativar usuário' });
  await confirm.getByRole('button', { name: 'Desativar' }).click();
  await expect(row).toContainText('Desativado');
  await expect(row.getByRole('button', { name: 'Reativar Marina Costa' })).toBeVisible();
  // The last admin is protected: disabling oneself is refused with the server's sentence.
  await list.getByRole('row', { name: /Administrador/ }).getByRole('button', { name: /^Desativar/ }).click();
  await confirm.getByRole('button', { name: 'Desativar' }).click();
  await expect(admin.getByRole('alert')).toContainText('último administrador ativo');
});

test('R-AUTH-01 an edit reaches the open app: withholding "Iniciar conversas" takes "Nova conversa" from ana at once', async ({ server, newContext }) => {
  const ana = await (await newContext()).newPage();
  await signIn(ana, server, 'ana@demo.local');
  const start = ana.getByRole('button', { name: 'Nova conversa' });
  await expect(start).toBeVisible();

  const admin = await (await newContext()).newPage();
  await signIn(admin, server, 'admin@demo.local');
  await admin.goto(`${server.url}/#/admin/users`);
  await admin.getByRole('button', { name: 'Editar Ana Souza' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Editar usuário' });
  await expect(dialog.getByLabel('E-mail')).toHaveValue('ana@demo.local');
  await dialog.getByRole('checkbox', { name: 'Iniciar conversas' }).uncheck();
  await dialog.getByRole('button', { name: 'Salvar' }).click();
  await expect(dialog).toBeHidden();
  await expect(start).toHaveCount(0);
});
