import { expectNoAxeViolations, useTheme } from './axe';
import { expect, signIn, test } from './fixtures';

/**
 * R-WS-11 / issue 18 "Codinome" in Editar perfil: the agent sets the alias customers see, from the
 * keyboard; it is kept trimmed, a too long one is explained, an empty one clears it, and the
 * desk keeps showing the real name. (What the visitor reads: widget-rating.e2e.ts.)
 */
test('R-WS-11 Ana sets her Codinome in the profile dialog with the keyboard; too long is explained, empty clears it; the desk keeps her name', async ({ server, newContext }) => {
  const ana = await (await newContext()).newPage();
  await ana.setViewportSize({ width: 1280, height: 800 });
  await signIn(ana, server, 'ana@demo.local');
  await ana.getByTestId('agent-name').click();
  await ana.getByRole('menuitem', { name: 'Editar perfil' }).click();
  const dialog = ana.getByRole('dialog', { name: 'Editar perfil' });
  const alias = dialog.getByLabel('Codinome');
  await expect(alias).toHaveValue('');
  await expect(alias).toHaveAccessibleDescription(/Mostrado aos clientes no lugar do seu nome/);

  await alias.focus();
  await ana.keyboard.type('A'.repeat(61));
  await ana.keyboard.press('Enter');
  await expect(dialog.getByRole('alert')).toHaveText('O codinome pode ter no máximo 60 caracteres.');
  await expect(alias).toHaveAttribute('aria-invalid', 'true');

  await alias.fill('  Aninha  ');
  await alias.press('Enter');
  await expect(dialog.getByRole('status')).toHaveText('Codinome salvo.');
  await expect(alias).toHaveValue('Aninha');
  await expect(dialog.getByRole('alert')).toHaveCount(0);
  await expectNoAxeViolations(ana, 'profile dialog with the alias saved');
  await useTheme(ana, 'dark');
  await expectNoAxeViolations(ana, 'profile dialog with the alias saved, dark theme');
  await useTheme(ana, 'light');

  // Closed and opened again: the field shows the kept alias; the top bar still her name.
  await ana.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(ana.getByTestId('agent-name')).toHaveText('Ana Souza');
  await ana.getByTestId('agent-name').click();
  await ana.getByRole('menuitem', { name: 'Editar perfil' }).click();
  await expect(alias).toHaveValue('Aninha');

  await alias.fill('');
  await alias.press('Enter');
  await expect(dialog.getByRole('status')).toHaveText('Codinome removido: os clientes verão seu nome.');
  await expect(alias).toHaveValue('');
});
