import { card, expect, messageLog, signIn, test } from './fixtures';

/**
 * The workstation keeps working around its side tools (issue 13 QA): a call through the system's
 * `tel:` handler must not leave the page half-unloaded.
 */

test('R-WS-16 after the call button dials through tel:, the conversation still opens its options and sends a reply', async ({ server, newContext }) => {
  if (!server.simulatorUrl) throw new Error('the server printed no WhatsApp simulator address');
  const phone = await (await newContext()).newPage();
  const ana = await (await newContext()).newPage();
  await signIn(ana, server, 'ana@demo.local');
  await phone.goto(`${server.simulatorUrl}/`);
  await phone.getByLabel('Número do cliente').fill('5511998765432');
  await phone.getByLabel('Nome do cliente').fill('Paula Costa');
  await phone.getByRole('textbox', { name: 'Mensagem' }).fill('Podem me ligar?');
  await phone.getByRole('button', { name: 'Enviar', exact: true }).click();
  await card(ana, 'Podem me ligar?').click();
  const button = ana.locator('header.head').getByTestId('call-button');
  await expect(button).toHaveAttribute('href', 'tel:+5511998765432');
  await button.click();

  await ana.getByRole('button', { name: 'Opções', exact: true }).click();
  await expect(ana.getByRole('menu')).toBeVisible();
  await ana.keyboard.press('Escape');
  await expect(ana.getByRole('menu')).toBeHidden();

  const composer = ana.getByRole('textbox', { name: 'Mensagem' });
  await composer.fill('Liguei, mas não atendeu');
  await composer.press('Enter');
  await expect(composer).toHaveValue('');
  await expect(messageLog(ana)).toContainText('Liguei, mas não atendeu');
  await expect(phone.getByText('Liguei, mas não atendeu')).toBeVisible();
});
