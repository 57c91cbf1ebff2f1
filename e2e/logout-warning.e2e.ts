import { expectNoAxeViolations, useTheme } from './axe';
import { card, expect, signIn, takeNewConversation, test } from './fixtures';

test('R-AUTH-05 "Sair" with conversations in progress warns with their count; cancel keeps the session; "return to queue and sign out" puts them back in the waiting list', async ({ server, newContext }) => {
  const ana = await (await newContext()).newPage();
  const bruno = await (await newContext()).newPage();
  await Promise.all([signIn(ana, server, 'ana@demo.local'), signIn(bruno, server, 'bruno@demo.local')]);
  await takeNewConversation(ana, await (await newContext()).newPage(), server, 'Conversa A');
  await ana.getByRole('tab', { name: /Em espera/ }).click();
  await takeNewConversation(ana, await (await newContext()).newPage(), server, 'Conversa B');
  await expect(ana.getByRole('tab', { name: /Em atendimento/ })).toContainText('2');

  const leave = ana.getByRole('button', { name: 'Sair', exact: true });
  const warning = ana.getByRole('dialog', { name: 'Sair do Atende?' });
  await leave.click();
  await expect(warning).toBeVisible();
  await expect(warning).toContainText('Você tem 2 atendimentos em andamento.');
  await expectNoAxeViolations(ana, '"Sair" warning');

  // Esc and "Cancelar" both keep the session; focus goes back to "Sair".
  await ana.keyboard.press('Escape');
  await expect(warning).toHaveCount(0);
  await expect(leave).toBeFocused();
  await leave.click();
  await warning.getByRole('button', { name: 'Cancelar' }).click();
  await expect(warning).toHaveCount(0);
  await expect(leave).toBeFocused();
  await expect(ana.getByTestId('agent-name')).toHaveText('Ana Souza');
  await expect(ana.getByRole('tab', { name: /Em atendimento/ })).toContainText('2');
  await expect(bruno.getByRole('tab', { name: /Em espera/ })).toContainText('0');

  // Handing them back: Ana is signed out, and a colleague of the team finds both waiting.
  await leave.click();
  await warning.getByRole('button', { name: 'Devolver à fila e sair' }).click();
  await expect(ana.getByLabel('E-mail')).toBeVisible();
  await expect(card(bruno, 'Conversa A')).toBeVisible();
  await expect(card(bruno, 'Conversa B')).toBeVisible();
  await expect(bruno.getByRole('tab', { name: /Em espera/ })).toContainText('2');
});

test('R-AUTH-05 "Sair" without conversations in progress signs out at once; "Sair mesmo assim" keeps them with the agent', async ({ server, newContext }) => {
  const ana = await (await newContext()).newPage();
  const bruno = await (await newContext()).newPage();
  await Promise.all([signIn(ana, server, 'ana@demo.local'), signIn(bruno, server, 'bruno@demo.local')]);
  await takeNewConversation(ana, await (await newContext()).newPage(), server, 'Fica comigo');

  await ana.getByRole('button', { name: 'Sair', exact: true }).click();
  const warning = ana.getByRole('dialog', { name: 'Sair do Atende?' });
  await expect(warning).toContainText('Você tem 1 atendimento em andamento.');
  await warning.getByRole('button', { name: 'Sair mesmo assim' }).click();
  await expect(ana.getByLabel('E-mail')).toBeVisible();
  // Still Ana's: not in the team's waiting list.
  await expect(bruno.getByRole('tab', { name: /Em espera/ })).toContainText('0');

  await signIn(ana, server, 'ana@demo.local');
  await ana.getByRole('tab', { name: /Em atendimento/ }).click();
  await expect(card(ana, 'Fica comigo')).toBeVisible();
  await ana.getByTestId('agent-name').click();
  await expect(ana.getByRole('menu')).toBeVisible();
  await expectNoAxeViolations(ana, 'profile menu');
  await ana.keyboard.press('Escape');
  await card(ana, 'Fica comigo').click();
  await ana.getByRole('button', { name: 'Finalizar atendimento' }).click();
  await ana.getByRole('dialog', { name: 'Finalizar atendimento' }).getByRole('button', { name: 'Finalizar', exact: true }).click();
  await ana.getByRole('button', { name: 'Sair', exact: true }).click();
  await expect(ana.getByLabel('E-mail')).toBeVisible();
});

test('R-WS-04 R-WS-05 R-WS-06 finish, transfer and predefined dialogs: no axe violations, Esc closes, focus returns to the opener', async ({ server, newContext }) => {
  const ana = await (await newContext()).newPage();
  await signIn(ana, server, 'ana@demo.local');
  await takeNewConversation(ana, await (await newContext()).newPage(), server, 'Preciso de ajuda');

  const finish = ana.getByRole('button', { name: 'Finalizar atendimento' });
  await finish.click();
  const finishDialog = ana.getByRole('dialog', { name: 'Finalizar atendimento' });
  await expect(finishDialog).toBeVisible();
  // Focus moved into the dialog, on its first field, and stays there when tabbing past the end.
  await expect(finishDialog.getByLabel('Motivo de contato')).toBeFocused();
  for (let i = 0; i < 6; i += 1) await ana.keyboard.press('Tab');
  expect(await finishDialog.evaluate((dialog) => dialog.contains(document.activeElement))).toBe(true);
  await expectNoAxeViolations(ana, 'finish dialog, light theme');
  await useTheme(ana, 'dark');
  await expectNoAxeViolations(ana, 'finish dialog, dark theme');
  await useTheme(ana, 'light');
  await ana.keyboard.press('Escape');
  await expect(finishDialog).toHaveCount(0);
  await expect(finish).toBeFocused();
  // The close button closes it too.
  await finish.click();
  await finishDialog.getByRole('button', { name: 'Fechar' }).click();
  await expect(finishDialog).toHaveCount(0);
  await expect(finish).toBeFocused();

  const transfer = ana.getByRole('button', { name: 'Transferir' });
  await transfer.click();
  const transferDialog = ana.getByRole('dialog', { name: 'Transferir' });
  await expect(transferDialog).toBeVisible();
  await expectNoAxeViolations(ana, 'transfer dialog');
  await ana.keyboard.press('Escape');
  await expect(transferDialog).toHaveCount(0);
  await expect(transfer).toBeFocused();

  // Predefined messages: arrows move through the list, Enter picks into the composer.
  const picker = ana.getByRole('button', { name: 'Mensagens predefinidas' });
  await picker.click();
  const popover = ana.getByRole('dialog', { name: 'Mensagens predefinidas' });
  await expect(popover.getByRole('searchbox')).toBeFocused();
  await expectNoAxeViolations(ana, 'predefined messages');
  await ana.keyboard.press('Escape');
  await expect(popover).toHaveCount(0);
  await expect(picker).toBeFocused();
  await picker.click();
  await popover.getByRole('searchbox').fill('verificando');
  await ana.keyboard.press('ArrowDown');
  await ana.keyboard.press('Enter');
  await expect(popover).toHaveCount(0);
  const composer = ana.getByRole('textbox', { name: 'Mensagem' });
  await expect(composer).toHaveValue('Um momento, por favor, estou verificando.');
  await expect(composer).toBeFocused();
});
