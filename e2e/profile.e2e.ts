import type { Page } from '@playwright/test';
import { expectNoAxeViolations } from './axe';
import { expect, signIn, test } from './fixtures';
import { PIXEL_PNG } from './files';

/** R-WS-11 "Editar perfil", from the user menu of the top bar. */
async function openProfile(page: Page, menuItem: string) {
  await page.getByTestId('agent-name').click();
  await page.getByRole('menuitem', { name: menuItem }).click();
}

test('R-WS-11 Ana edits her profile: extension, language (the UI switches), a photo (her avatar shows it), and a new password she signs in with', async ({ server, newContext }) => {
  const ana = await (await newContext()).newPage();
  // A common laptop screen: every control of the dialog must fit it.
  await ana.setViewportSize({ width: 1280, height: 800 });
  await signIn(ana, server, 'ana@demo.local');
  await expect(ana.locator('header.top').getByTestId('profile-avatar')).toHaveCount(0);

  await openProfile(ana, 'Editar perfil');
  const dialog = ana.getByRole('dialog', { name: 'Editar perfil' });
  await expect(dialog.getByTestId('profile-dialog')).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Escolher foto' })).toBeFocused();
  // The demo gives Ana the extension 2001.
  await expect(dialog.getByLabel('Ramal')).toHaveValue('2001');
  await expectNoAxeViolations(ana, 'profile dialog');

  // A wrong extension is explained; a right one is saved.
  await dialog.getByLabel('Ramal').fill('21a');
  await dialog.getByRole('button', { name: 'Salvar ramal' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('O ramal deve ter de 1 a 15 dígitos (0–9, * ou #).');
  // Bruno's extension is his (R-WS-16: Ana's calls would ring his phone).
  await dialog.getByLabel('Ramal').fill('2002');
  await dialog.getByRole('button', { name: 'Salvar ramal' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('O ramal 2002 já é de outro agente.');
  await dialog.getByLabel('Ramal').fill('2101');
  await dialog.getByRole('button', { name: 'Salvar ramal' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Ramal salvo.');

  // The language applies at once.
  await dialog.getByLabel('Idioma').selectOption({ label: 'English' });
  const english = ana.getByRole('dialog', { name: 'Edit profile' });
  await expect(english.getByLabel('Language')).toHaveValue('en');
  // The refusal of a colleague's extension reads in the chosen language too.
  await english.getByLabel('Extension').fill('2003');
  await english.getByRole('button', { name: 'Save extension' }).click();
  await expect(english.getByRole('alert')).toHaveText('Extension 2003 already belongs to another agent.');
  // Behind the dialog too (hidden from the accessibility tree while it is open).
  await expect(ana.locator('header.top')).toContainText('Sign out');

  // A photo: chosen like any file, shown in the top bar once stored.
  const chooser = ana.waitForEvent('filechooser');
  await english.getByRole('button', { name: 'Choose photo' }).click();
  await (await chooser).setFiles({ name: 'ana.png', mimeType: 'image/png', buffer: PIXEL_PNG });
  await expect(english.getByTestId('profile-photo').getByRole('status')).toHaveText('Photo updated.');
  await expect(ana.locator('header.top').getByTestId('profile-avatar')).toBeVisible();

  // The password: the confirmation must match, the current one must be right.
  await english.getByLabel('Current password').fill('atende123');
  await english.getByLabel('New password', { exact: true }).fill('nova-senha-ana');
  await english.getByLabel('Confirm the new password').fill('nova-senha-xxx');
  await english.getByRole('button', { name: 'Change password' }).click();
  await expect(english.getByTestId('profile-password').getByRole('alert')).toHaveText('The confirmation does not match the new password.');
  // The error and the button are on screen at 1280×800, not below the fold: the dialog needs no scrolling.
  expect(await english.evaluate((dialog) => dialog.scrollHeight <= dialog.clientHeight)).toBe(true);
  for (const control of [english.getByTestId('profile-password').getByRole('alert'), english.getByRole('button', { name: 'Change password' })]) {
    const box = await control.boundingBox();
    expect(box && box.y + box.height).toBeLessThanOrEqual(800);
  }
  await english.getByLabel('Confirm the new password').fill('nova-senha-ana');
  await english.getByRole('button', { name: 'Change password' }).click();
  await expect(english.getByTestId('profile-password').getByRole('status')).toHaveText('Password changed. Your other sessions were signed out.');
  await ana.keyboard.press('Escape');
  await expect(english).toHaveCount(0);
  // Focus goes back to the user menu that opened the dialog, not to the page.
  await expect(ana.locator('header.top').getByRole('button', { name: /Ana Souza/ })).toBeFocused();
  // This session goes on.
  await expect(ana.getByTestId('agent-name')).toHaveText('Ana Souza');

  // On another machine: the old password no longer works, the new one does, and her language follows her.
  const elsewhere = await (await newContext()).newPage();
  await elsewhere.goto(`${server.url}/`);
  await elsewhere.getByLabel('E-mail').fill('ana@demo.local');
  await elsewhere.getByLabel('Senha').fill('atende123');
  await elsewhere.getByRole('button', { name: 'Entrar' }).click();
  await expect(elsewhere.getByRole('alert')).toContainText('incorretos');
  await elsewhere.getByLabel('Senha').fill('nova-senha-ana');
  await elsewhere.getByRole('button', { name: 'Entrar' }).click();
  await expect(elsewhere.getByRole('tab', { name: /Waiting/ })).toBeVisible();
  await expect(elsewhere.locator('header.top').getByTestId('profile-avatar')).toBeVisible();
});

test('R-WS-11 a photo whose bytes do not decode shows the initials, not a blank circle', async ({ server, newContext }) => {
  const bruno = await (await newContext()).newPage();
  // Whatever the server holds, this machine receives bytes no browser can draw.
  await bruno.route('**/api/media/**', (route) => route.fulfill({ status: 200, contentType: 'image/png', body: 'not a picture' }));
  await signIn(bruno, server, 'bruno@demo.local');
  await openProfile(bruno, 'Editar perfil');
  const dialog = bruno.getByRole('dialog', { name: 'Editar perfil' });
  const chooser = bruno.waitForEvent('filechooser');
  await dialog.getByRole('button', { name: 'Escolher foto' }).click();
  const fetched = bruno.waitForRequest('**/api/media/**');
  await (await chooser).setFiles({ name: 'bruno.png', mimeType: 'image/png', buffer: PIXEL_PNG });
  await expect(dialog.getByTestId('profile-photo').getByRole('status')).toHaveText('Foto atualizada.');
  await fetched;
  const bar = bruno.locator('header.top');
  await expect(bar.getByTestId('profile-initials')).toHaveText('BL');
  await expect(bar.getByTestId('profile-avatar')).toHaveCount(0);
});
