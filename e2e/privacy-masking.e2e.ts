import { expectNoAxeViolations, useTheme } from './axe';
import { card, expect, signIn, test } from './fixtures';
import { api } from './api';
import { replicaText } from './replicaText';

/**
 * R-PRIV-04 (issue 19 point 4) in Chromium: a website visitor writes a CPF and a card number; Ana
 * (agent, no "Ver dados pessoais") sees them masked on her desk and her browser replica holds no
 * byte of the originals. The admin grants the permission on the user form (axe, light and dark):
 * Ana's open desk resyncs and shows the text as written; withdrawn, the originals leave her replica.
 */
const CPF = '529.982.247-25';
const CARD = '4111 1111 1111 1111';
const TEXT = `Meu CPF é ${CPF} e o cartão ${CARD}`;
const MASKED = 'Meu CPF é ***.***.***-25 e o cartão **** **** **** 1111';

test('R-PRIV-04 an agent without "Ver dados pessoais" sees CPF and card masked and her replica never holds them; granted on the user form, she reads them; withdrawn, they leave her replica', async ({ server, newContext }) => {
  test.setTimeout(120_000);
  const ana = await (await newContext()).newPage();
  await signIn(ana, server, 'ana@demo.local');

  const visitor = await api<{ token: string }>(server, 'POST', '/api/webchat/demo-site/visitors', undefined, { name: 'Maria Titular' });
  await api(server, 'POST', '/api/webchat/messages', visitor.token, { id: 'maskingE2eMessage1', text: TEXT });
  await expect(card(ana, MASKED)).toBeVisible({ timeout: 30_000 });
  const replica = await replicaText(ana, 'ana');
  expect(replica).toContain('***.***.***-25');
  expect(replica).not.toContain(CPF);
  expect(replica).not.toContain(CARD);
  expect(replica).not.toContain('52998224725');

  const admin = await (await newContext()).newPage();
  await signIn(admin, server, 'admin@demo.local');
  await admin.goto(`${server.url}/#/admin/users`);
  await admin.getByRole('button', { name: 'Editar Ana Souza' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Editar usuário' });
  const permission = dialog.getByRole('checkbox', { name: 'Ver dados pessoais' });
  await expect(permission).not.toBeChecked();
  await expect(permission).toHaveAccessibleDescription(/CPF, números de cartão, e-mails e telefones/);
  await expectNoAxeViolations(admin, 'the user form with "Ver dados pessoais"');
  await useTheme(admin, 'dark');
  await expectNoAxeViolations(admin, 'the user form with "Ver dados pessoais", dark theme');
  await permission.check();
  await dialog.getByRole('button', { name: 'Salvar' }).click();
  await expect(dialog).toBeHidden();

  // Ana's open desk hears the change, restarts her replica and shows the text as written.
  await expect(card(ana, TEXT)).toBeVisible({ timeout: 30_000 });

  // Withdrawn: the replica restarts again and the originals leave it.
  await admin.getByRole('button', { name: 'Editar Ana Souza' }).click();
  await dialog.getByRole('checkbox', { name: 'Ver dados pessoais' }).uncheck();
  await dialog.getByRole('button', { name: 'Salvar' }).click();
  await expect(dialog).toBeHidden();
  await expect(card(ana, MASKED)).toBeVisible({ timeout: 30_000 });
  await expect.poll(async () => {
    const text = await replicaText(ana, 'ana');
    return [CPF, CARD].filter((original) => text.includes(original));
  }, { timeout: 30_000 }).toEqual([]);
});
