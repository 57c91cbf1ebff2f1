import type { Page } from '@playwright/test';
import { expectNoAxeViolations } from './axe';
import { attachByChooser, PIXEL_PNG, useTempFiles } from './files';
import { card, customerWrites, expect, messageLog, openPhone, signIn, test } from './fixtures';

/**
 * issue 10 end to end through the WhatsApp simulator `npm start` runs (the demo account
 * "WhatsApp (simulador)"): its page is the customer's phone, its fake Graph endpoints the upstream.
 * The server process prints the simulator's address; `server.simulatorUrl` holds it.
 */
const tempFile = useTempFiles('atende-wa-');
const CUSTOMER = { phone: '5511998765432', name: 'Paula Costa' };


const phoneLog = (page: Page) => page.getByRole('log', { name: 'Conversa com a empresa' });

test('R-CH-03 R-WA-07 a customer writes on the WhatsApp simulator, Ana takes the conversation, types (the phone shows it) and replies with an image, the customer sees it with the read ticks', async ({ server, newContext }) => {
  const phone = await (await newContext()).newPage();
  const ana = await (await newContext()).newPage();
  await signIn(ana, server, 'ana@demo.local');

  await openPhone(phone, server, CUSTOMER);
  await expectNoAxeViolations(phone, 'the WhatsApp simulator page');
  await customerWrites(phone, 'Olá, meu pedido não chegou');
  const question = phoneLog(phone).locator('li', { hasText: 'Olá, meu pedido não chegou' }).locator('.ticks');
  await expect(question).toHaveAttribute('data-status', 'received');

  // The message arrived through the signed webhook as a waiting WhatsApp conversation of Suporte.
  await card(ana, 'Olá, meu pedido não chegou').click();
  await expect(ana.getByRole('tab', { name: /Em atendimento/ })).toHaveAttribute('aria-selected', 'true');
  await expect(messageLog(ana)).toContainText('Olá, meu pedido não chegou');
  await expect(ana.getByRole('textbox', { name: 'Mensagem' })).toBeEnabled();

  // The agent types: WhatsApp's typing indicator marks the customer's message read and shows on the phone.
  await ana.getByRole('textbox', { name: 'Mensagem' }).pressSequentially('Segue o comprovante');
  await expect(phone.getByText('Empresa digitando…')).toBeVisible();
  await expect(question).toHaveAttribute('data-status', 'seen');

  // Inside the 24-hour window the agent sends a file (R-WA-07): uploaded to the media endpoint, sent by id.
  await attachByChooser(ana, tempFile('comprovante.png', PIXEL_PNG));
  await expect(ana.getByTestId('attachment-chip').filter({ hasText: 'comprovante.png' })).toHaveAttribute('data-state', 'ready');
  await ana.getByRole('button', { name: 'Enviar' }).click();

  // The phone shows the picture with its caption (the bytes come from the simulator), then reports it read.
  const fromBusiness = phoneLog(phone).locator('li', { has: phone.getByRole('img', { name: 'Imagem da empresa: Segue o comprovante' }) });
  const picture = fromBusiness.getByRole('img');
  await expect(picture).toBeVisible();
  await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  const ticks = fromBusiness.locator('.ticks');
  await expect(ticks).toHaveAttribute('data-status', 'read');
  await expect(ticks).toHaveText('✓✓Lida');
  await expect(phone.getByText('Empresa digitando…')).toHaveCount(0);

  // The read report came back by webhook: the agent's message shows it too.
  const reply = messageLog(ana).locator('article', { has: ana.locator('img[alt="comprovante.png"]') });
  await expect(reply.locator('[data-status="read"]')).toBeVisible();

  // The customer answers: the same conversation goes on.
  await customerWrites(phone, 'Recebi, obrigada!');
  await expect(messageLog(ana)).toContainText('Recebi, obrigada!');
});
