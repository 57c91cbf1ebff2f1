import type { Page } from '@playwright/test';
import { expectNoAxeViolations } from './axe';
import { card, expect, messageLog, signIn, test } from './fixtures';

/**
 * issue 11 end to end through the simulators `npm start` runs: a Telegram user writes to the demo
 * bot and an Instagram customer to the demo account, Ana answers from the workstation, and each
 * customer's page shows the typing and the reply. The server prints the simulators' addresses
 * (`server.telegramSimulatorUrl`, `server.metaSimulatorUrl`).
 */
async function takeAndType(ana: Page, text: string, typed: string): Promise<void> {
  await card(ana, text).click();
  await expect(ana.getByRole('tab', { name: /Em atendimento/ })).toHaveAttribute('aria-selected', 'true');
  await expect(messageLog(ana)).toContainText(text);
  await expect(ana.getByRole('textbox', { name: 'Mensagem' })).toBeEnabled();
  await ana.getByRole('textbox', { name: 'Mensagem' }).pressSequentially(typed);
}

test('R-CH-04 a Telegram user writes to the bot on the simulator, Ana takes it and types (the chat shows it), replies, and sees the customer\'s edit', async ({ server, newContext }) => {
  if (!server.telegramSimulatorUrl) throw new Error('the server printed no Telegram simulator address');
  const chat = await (await newContext()).newPage();
  const ana = await (await newContext()).newPage();
  await signIn(ana, server, 'ana@demo.local');

  await chat.goto(`${server.telegramSimulatorUrl}/`);
  await chat.getByLabel('ID do usuário no Telegram').fill('100200300');
  await chat.getByLabel('Nome do cliente').fill('Rafael Gomes');
  await expectNoAxeViolations(chat, 'the Telegram simulator page');
  await chat.getByRole('textbox', { name: 'Mensagem' }).fill('Oi, meu pedido 12 atrasou');
  await chat.getByRole('button', { name: 'Enviar', exact: true }).click();
  await expect(chat.getByRole('status')).toHaveText('Mensagem entregue ao Atende.');

  await takeAndType(ana, 'Oi, meu pedido 12 atrasou', 'Vou verificar');
  await expect(chat.getByText('Bot digitando…')).toBeVisible();
  await ana.getByRole('button', { name: 'Enviar' }).click();
  const chatLog = chat.getByRole('log', { name: 'Conversa com o bot' });
  await expect(chatLog.locator('li.business', { hasText: 'Vou verificar' })).toBeVisible();

  // The customer corrects their message: the agent sees the new text.
  await chat.getByRole('textbox', { name: 'Mensagem' }).fill('Oi, meu pedido 1234 atrasou');
  await chat.getByRole('button', { name: 'Editar a última' }).click();
  await expect(chat.getByRole('status')).toHaveText('Edição entregue ao Atende.');
  await expect(messageLog(ana)).toContainText('Oi, meu pedido 1234 atrasou');

  // A document shows its name beside an icon drawn as SVG (an emoji shows as a box where no emoji font is installed).
  await chat.locator('#document').setInputFiles({ name: 'boleto.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
  await expect(chat.getByRole('status')).toHaveText('Documento entregue ao Atende.');
  const document = chatLog.locator('li.customer a.document');
  await expect(document).toHaveText('boleto.pdf');
  await expect(document.locator('svg.icon')).toBeVisible();
  // The page follows a dark system theme, still passing axe (contrast included).
  await chat.emulateMedia({ colorScheme: 'dark' });
  expect(await chat.evaluate(() => getComputedStyle(window.document.documentElement).backgroundColor)).toBe('rgb(17, 27, 33)');
  await expectNoAxeViolations(chat, 'the Telegram simulator page in the dark theme');
  // Another id, typed wrong: the field says why, and the notice about the last user's send is gone.
  await chat.getByLabel('ID do usuário no Telegram').fill('abc');
  await expect(chat.locator('#user-error')).toBeVisible();
  await expect(chat.getByRole('status')).toHaveText('');
});

test('R-CH-05 an Instagram customer writes on the simulator\'s Instagram tab, Ana takes it and types (the page shows it), replies, and the page\'s read comes back', async ({ server, newContext }) => {
  if (!server.metaSimulatorUrl) throw new Error('the server printed no Meta simulator address');
  const customer = await (await newContext()).newPage();
  const ana = await (await newContext()).newPage();
  await signIn(ana, server, 'ana@demo.local');

  await customer.goto(`${server.metaSimulatorUrl}/#instagram`);
  const panel = customer.getByRole('tabpanel');
  await panel.getByLabel('ID do cliente no Instagram (IGSID)').fill('5512345678901234');
  await panel.getByLabel('Nome do cliente').fill('Tiago Martins');
  await expectNoAxeViolations(customer, 'the Meta simulator page');
  await panel.getByRole('textbox', { name: 'Mensagem' }).fill('Vocês têm o tênis azul no 42?');
  await panel.getByRole('button', { name: 'Enviar', exact: true }).click();
  await expect(panel.getByRole('status')).toHaveText('Mensagem entregue ao Atende.');

  await takeAndType(ana, 'Vocês têm o tênis azul no 42?', 'Temos sim');
  await expect(panel.getByText('Empresa digitando…')).toBeVisible();
  await ana.getByRole('button', { name: 'Enviar' }).click();
  const reply = panel.getByRole('log').locator('li.business', { hasText: 'Temos sim' });
  await expect(reply).toBeVisible();
  // The page showed it: Instagram's read event reaches the server and the agent's message.
  await expect(reply.locator('.status')).toHaveAttribute('data-status', 'read');
  await expect(messageLog(ana).locator('article', { hasText: 'Temos sim' }).locator('[data-status="read"]')).toBeVisible();
  await customer.emulateMedia({ colorScheme: 'dark' });
  await expectNoAxeViolations(customer, 'the Meta simulator page in the dark theme');
});
