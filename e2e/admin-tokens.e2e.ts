import { expectNoAxeViolations, useTheme } from './axe';
import { expect, signIn, test } from './fixtures';

/**
 * R-RT-05 (issue 15 point 7): the admin creates an API token on "Tokens de API" — the form says
 * what to fix, the secret is shown once with a copy button — an integration calls the public API
 * with it, the list shows its last use, and "Revogar" refuses it at once.
 */
test('R-RT-05 an admin creates an API token, copies its secret once, an integration uses it on /api/v1, and revoking it refuses it', async ({ server, newContext }) => {
  const context = await newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const admin = await context.newPage();
  await signIn(admin, server, 'admin@demo.local');
  await admin.goto(`${server.url}/#/admin/tokens`);
  await expect(admin.getByRole('heading', { level: 1, name: 'Tokens de API' })).toBeVisible();
  await expectNoAxeViolations(admin, 'Administração › Tokens de API');

  // Nothing filled: each problem under its field.
  await admin.getByRole('button', { name: 'Novo token' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Novo token' });
  await dialog.getByRole('button', { name: 'Criar token' }).click();
  await expect(dialog.getByLabel('Nome')).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByText('Escolha ao menos um escopo.')).toBeVisible();
  await expectNoAxeViolations(admin, 'the token form with problems');

  await dialog.getByLabel('Nome').fill('Chatbot do site');
  await dialog.getByLabel(/Ler contatos/).check();
  await dialog.getByRole('button', { name: 'Criar token' }).click();
  const created = admin.getByRole('dialog', { name: 'Token criado' });
  await expect(created.getByText('não será exibido novamente')).toBeVisible();
  const secretField = created.getByLabel('Token', { exact: true });
  await expect(secretField).toHaveValue(/^atk_[A-Za-z0-9_-]{43}$/);
  await created.getByRole('button', { name: /^Copiar\s+Token/ }).click();
  await expect(created.getByText('Copiado')).toBeVisible();
  const secret = await admin.evaluate(() => navigator.clipboard.readText());
  expect(secret).toBe(await secretField.inputValue());
  await expectNoAxeViolations(admin, 'the token shown once');
  await created.getByRole('button', { name: 'Concluir' }).click();

  const row = admin.getByRole('table', { name: 'Tokens de API' }).getByRole('row', { name: /Chatbot do site/ });
  await expect(row).toContainText('contacts:read');
  await expect(row).toContainText('Nunca usado');
  // The secret is nowhere on the screen any more.
  await expect(admin.getByText(secret)).toHaveCount(0);

  // The integration's call, as a bot would make it.
  const found = await fetch(`${server.url}/api/v1/contacts?q=maria`, { headers: { authorization: `Bearer ${secret}` } });
  expect(found.status).toBe(200);
  expect(((await found.json()) as { contacts: Array<{ name: string }> }).contacts.map((c) => c.name)).toContain('Maria Oliveira');
  const outOfScope = await fetch(`${server.url}/api/v1/conversations`, { headers: { authorization: `Bearer ${secret}` } });
  expect(outOfScope.status).toBe(403);
  await admin.reload();
  await expect(row).not.toContainText('Nunca usado');

  await row.getByRole('button', { name: 'Revogar o token Chatbot do site' }).click();
  const confirm = admin.getByRole('dialog', { name: 'Revogar token' });
  await expect(confirm).toContainText('Chatbot do site');
  await confirm.getByRole('button', { name: 'Revogar' }).click();
  await expect(row).toContainText('Revogado em');
  await expect(row.getByRole('button', { name: /Revogar/ })).toHaveCount(0);
  const refused = await fetch(`${server.url}/api/v1/contacts?q=maria`, { headers: { authorization: `Bearer ${secret}` } });
  expect(refused.status).toBe(401);
  await expectNoAxeViolations(admin, 'the token list after revoking');
  await useTheme(admin, 'dark');
  await expectNoAxeViolations(admin, 'the token list after revoking, dark theme');
});
