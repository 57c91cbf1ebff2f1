import type { Page } from '@playwright/test';
import { expectNoAxeViolations } from './axe';
import { card, customerWrites, expect, messageLog, openPhone, openWidget, signIn, test, visitorSends, type ServerProcess } from './fixtures';

/**
 * Tickets (R-WS-14) and click-to-call (R-WS-16) end to end. The demo server (`npm start`) points
 * ATENDE_TICKET_URL at its fake ticket system on loopback, which numbers tickets TK-1001, TK-1002…;
 * the telephony setting is the default `tel:` handler.
 */

async function anaTakesWebchat(server: ServerProcess, ana: Page, visitor: Page, texts: string[]): Promise<void> {
  await signIn(ana, server, 'ana@demo.local');
  await openWidget(visitor, server);
  for (const text of texts) await visitorSends(visitor, text);
  // The card previews the latest message.
  await card(ana, texts.at(-1) ?? '').click();
  await expect(ana.getByRole('tab', { name: /Em atendimento/ })).toHaveAttribute('aria-selected', 'true');
  for (const text of texts) await expect(messageLog(ana)).toContainText(text);
}

async function startSelection(ana: Page): Promise<void> {
  await ana.getByRole('button', { name: 'Opções', exact: true }).click();
  await ana.getByTestId('ticket-start').click();
  await expect(ana.getByTestId('ticket-bar')).toBeVisible();
}

const messageRow = (ana: Page, text: string) => messageLog(ana).locator('article', { hasText: text });

test('R-WS-14 the agent selects two messages, creates a ticket and sees it linked with the number the ticket system gave', async ({ server, newContext }) => {
  const ana = await (await newContext()).newPage();
  const visitor = await (await newContext()).newPage();
  await anaTakesWebchat(server, ana, visitor, ['Meu pedido 555 não chegou', 'Já faz duas semanas', 'Obrigado']);

  await startSelection(ana);
  await expect(ana.getByTestId('ticket-count')).toHaveText('Nenhuma mensagem selecionada');
  // With nothing selected, "Criar ticket" first asks whether the whole conversation goes.
  await ana.getByTestId('ticket-create-button').click();
  await expect(ana.getByTestId('ticket-confirm-whole')).toHaveText('Nenhuma mensagem selecionada. Criar o ticket com a conversa inteira?');
  await ana.getByRole('button', { name: 'Cancelar' }).first().click();
  await expect(ana.getByTestId('ticket-confirm-whole')).toBeHidden();

  await messageRow(ana, 'Meu pedido 555 não chegou').getByTestId('ticket-select').check();
  await messageRow(ana, 'Já faz duas semanas').getByTestId('ticket-select').check();
  await expect(ana.getByTestId('ticket-count')).toHaveText('2 mensagens selecionadas');
  await expectNoAxeViolations(ana, 'the ticket selection mode');
  await ana.getByTestId('ticket-create-button').click();

  // The job asked the fake ticket system; the chip turns from "Criando ticket…" to the number.
  const chip = ana.getByTestId('ticket-chip');
  await expect(chip).toHaveAttribute('data-status', 'linked');
  await expect(chip).toHaveText(/Ticket TK-\d+/);
  await expect(ana.getByTestId('ticket-bar')).toBeHidden();
  await expect(messageLog(ana).getByTestId('trace-line').filter({ hasText: /Conversa vinculada ao ticket TK-\d+ por Ana Souza/ })).toBeVisible();
  // The ticket's page is where the chip leads.
  await expect(chip.getByRole('link')).toHaveAttribute('href', /\/tickets\/TK-\d+$/);

  // Linking to an existing ticket by its number.
  await startSelection(ana);
  await messageRow(ana, 'Obrigado').getByTestId('ticket-select').check();
  await ana.getByTestId('ticket-link-button').click();
  await ana.getByTestId('ticket-number').fill('4521');
  await expectNoAxeViolations(ana, 'the ticket number dialog');
  await ana.getByTestId('ticket-number-confirm').click();
  await expect(ana.getByTestId('ticket-chip').filter({ hasText: 'Ticket 4521' })).toHaveAttribute('data-status', 'linked');
});

test('R-WS-16 in a WhatsApp conversation the call button dials the contact’s number through the tel: handler', async ({ server, newContext }) => {
  const phone = await (await newContext()).newPage();
  const ana = await (await newContext()).newPage();
  await signIn(ana, server, 'ana@demo.local');
  await openPhone(phone, server, { phone: '5511998765432', name: 'Paula Costa' });
  await customerWrites(phone, 'Podem me ligar?');

  await card(ana, 'Podem me ligar?').click();
  const header = ana.locator('header.head');
  const button = header.getByTestId('call-button');
  await expect(button).toHaveAttribute('href', 'tel:+5511998765432');
  await expect(button).toHaveAccessibleName('Ligar para +55 11 99876-5432');
  // Beside the number in the contact's details too.
  await expect(ana.locator('#contact-panel-body').getByTestId('call-button')).toHaveAttribute('href', 'tel:+5511998765432');
});
