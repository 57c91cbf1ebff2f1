import type { Page } from '@playwright/test';
import { expectNoAxeViolations } from './axe';
import { PIXEL_PNG, useTempFiles } from './files';
import { expect, signIn, test } from './fixtures';

/**
 * issue 10 points 2 and 5 (manual 003): a WhatsApp conversation outside the 24-hour window. The
 * header and card show the origin number and the closed window; the composer is replaced by the
 * warning and "+ Selecionar template"; an image template is previewed and sent; the warning stays
 * until the customer replies (R-WA-06). Uses the demo's simulated number and its approved templates.
 */
const tempFile = useTempFiles('atende-wa-window-');

async function startConversation(page: Page, to: string): Promise<void> {
  await page.getByRole('banner').getByRole('button', { name: 'Nova conversa' }).click();
  const dialog = page.getByRole('dialog', { name: 'Nova conversa' });
  await dialog.getByLabel('Número de destino').fill(to);
  await dialog.getByRole('button', { name: 'Criar conversa' }).click();
  await expect(dialog).toHaveCount(0);
}

test('R-WA-05 R-WA-06 R-WA-10 outside the window: origin number and closed window in header and card, the warning instead of the composer, an image template previewed and sent, the warning stays', async ({ server, newContext }) => {
  const context = await newContext();
  const ana = await context.newPage();
  await ana.setViewportSize({ width: 1366, height: 768 });
  await signIn(ana, server, 'ana@demo.local');
  await startConversation(ana, '11976543210');

  // R-WA-10: a new contact is named by its number; the origin number shows on the card and the header.
  const conversation = ana.getByRole('region', { name: '+55 11 97654-3210' });
  await expect(conversation).toBeVisible();
  const card = ana.locator('[data-conversation-id]', { hasText: '+55 11 97654-3210' });
  await expect(card.getByTestId('card-origin')).toHaveText('Número de origem: +55 11 91234-5678');
  await expect(conversation.getByTestId('origin-number')).toHaveText('Número de origem: +55 11 91234-5678');
  await expect(conversation.getByTestId('service-window')).toHaveText('Janela de 24 h fechada');

  // R-WA-05: no customer message yet, so no text field: the warning and "+ Selecionar template".
  const closed = conversation.getByTestId('window-closed');
  await expect(closed).toContainText('O cliente ainda não respondeu nesta conversa.');
  await expect(conversation.getByRole('textbox', { name: 'Mensagem' })).toHaveCount(0);
  await expectNoAxeViolations(ana, 'WhatsApp conversation outside the window');

  await closed.getByRole('button', { name: 'Selecionar template' }).click();
  const dialog = ana.getByRole('dialog', { name: 'Selecionar template' });
  const choose = dialog.getByLabel('Escolher modelo');
  // Only approved templates are offered (the demo's PENDING "lembrete_pagamento" is not).
  await expect(choose.locator('option:not([disabled])')).toHaveText(['boas_vindas (pt_BR)', 'oferta_do_mes (pt_BR)']);
  await choose.selectOption({ label: 'oferta_do_mes (pt_BR)' });
  await dialog.getByLabel('Variável 1').fill('Marina');
  await dialog.getByLabel('Variável 2').fill('frete grátis');
  await expect(dialog.getByTestId('template-preview')).toHaveValue(/Olá Marina! A oferta do mês chegou: frete grátis\./);
  const send = dialog.getByRole('button', { name: 'Enviar' });
  // The image header needs a picture first.
  await expect(send).toBeDisabled();
  const [chooser] = await Promise.all([ana.waitForEvent('filechooser'), dialog.getByRole('button', { name: 'Escolher imagem' }).click()]);
  await chooser.setFiles(tempFile('oferta.png', PIXEL_PNG));
  await expect(dialog.getByRole('img', { name: 'oferta.png' })).toBeVisible();
  await expect(send).toBeEnabled();
  await expectNoAxeViolations(ana, 'Selecionar template with an image header');
  await send.click();
  await expect(dialog).toHaveCount(0);
  await expect(conversation.getByRole('log', { name: 'Histórico de mensagens' })).toContainText('A oferta do mês chegou: frete grátis');

  // R-WA-06: the template does not open the window; the warning is back to send another one.
  await expect(closed).toBeVisible();
  await expect(closed.getByRole('button', { name: 'Selecionar template' })).toBeEnabled();
  await expect(conversation.getByTestId('service-window')).toHaveText('Janela de 24 h fechada');

  // Offline, a template cannot go (REST only): the button says why.
  await context.setOffline(true);
  await expect(closed.getByRole('button', { name: 'Selecionar template' })).toBeDisabled();
  await expect(closed.getByRole('button', { name: 'Selecionar template' }))
    .toHaveAccessibleDescription('Sem conexão: o modelo só pode ser enviado com conexão ao servidor.');
});

/** Where the demo's WhatsApp simulator listens: the demo account points at it (read as the admin). */
async function simulatorOrigin(serverUrl: string): Promise<string> {
  const login = await fetch(`${serverUrl}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@demo.local', password: 'atende123' }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const answer = await fetch(`${serverUrl}/api/admin/channels`, { headers: { authorization: `Bearer ${accessToken}` } });
  const { channels } = (await answer.json()) as { channels: Array<{ kind: string; settings: Record<string, unknown> }> };
  const whatsapp = channels.find((c) => c.kind === 'whatsapp');
  return new URL(String(whatsapp?.settings.baseUrl)).origin;
}

test('R-WA-06 R-WA-07 the customer\'s reply opens the window: the warning gives way to the composer, the time left shows, and two files go as two WhatsApp messages', async ({ server, newContext }) => {
  const context = await newContext();
  const ana = await context.newPage();
  await ana.setViewportSize({ width: 1366, height: 768 });
  await signIn(ana, server, 'ana@demo.local');
  await startConversation(ana, '11976540000');
  // Named by its number until the customer's WhatsApp profile name arrives with the reply (R-WA-10).
  const conversation = ana.getByRole('region', { name: /^(\+55 11 97654-0000|Marina Dias)$/ });
  await expect(conversation.getByTestId('window-closed')).toBeVisible();

  // The customer writes from the simulator's phone: the reply lands in this conversation and opens the window.
  const simulator = await simulatorOrigin(server.url);
  const wrote = await fetch(`${simulator}/phone/api/messages`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone: '5511976540000', name: 'Marina Dias', text: 'Oi! Quero saber da oferta.' }),
  });
  expect(wrote.status).toBe(200);
  const log = conversation.getByRole('log', { name: 'Histórico de mensagens' });
  await expect(log).toContainText('Oi! Quero saber da oferta.');
  await expect(ana.getByRole('heading', { level: 2, name: 'Marina Dias' })).toBeVisible();
  await expect(conversation.getByTestId('window-closed')).toHaveCount(0);
  await expect(conversation.getByTestId('service-window')).toHaveText(/Janela de 24 h: 23 h 5\d min/);
  const field = conversation.getByRole('textbox', { name: 'Mensagem' });
  await expect(field).toBeEnabled();

  // R-WA-07: files within WhatsApp's limits; two of them go as two messages (the text with the first).
  const [chooser] = await Promise.all([ana.waitForEvent('filechooser'), conversation.getByRole('button', { name: 'Anexar arquivo' }).click()]);
  await chooser.setFiles([tempFile('primeira.png', PIXEL_PNG), tempFile('segunda.png', PIXEL_PNG)]);
  await field.fill('Seguem as fotos');
  await expect(conversation.getByRole('button', { name: 'Enviar' })).toBeEnabled();
  await field.press('Enter');
  const sent = log.locator('article.message.out');
  await expect(sent).toHaveCount(2);
  await expect(sent.first()).toContainText('Seguem as fotos');
  // Accepted upstream one by one: none fails with "one file per message".
  for (const i of [0, 1]) await expect(sent.nth(i).locator('[data-status]')).toHaveAttribute('data-status', /delivered|read/);
});

test('R-WS-02 R-WA-10 a photo without caption: the waiting card says "Foto" and shows the whole wait time beside the origin number at 1280 px; the contact panel shows the number formatted', async ({ server, newContext }) => {
  const ana = await (await newContext()).newPage();
  await ana.setViewportSize({ width: 1280, height: 720 });
  await signIn(ana, server, 'ana@demo.local');

  const simulator = await simulatorOrigin(server.url);
  const sent = await fetch(`${simulator}/phone/api/images?phone=5511998761234&name=${encodeURIComponent('Foto Só')}`, {
    method: 'POST', headers: { 'content-type': 'image/png' }, body: PIXEL_PNG,
  });
  expect(sent.status).toBe(200);

  await ana.getByRole('tab', { name: /Em espera/ }).click();
  const card = ana.locator('.card', { has: ana.locator('[data-conversation-id]', { hasText: 'Foto Só' }) });
  await expect(card.getByTestId('card-preview')).toHaveText('Foto');
  const origin = card.getByTestId('card-origin');
  await expect(origin).toHaveAttribute('title', '+55 11 91234-5678');
  const wait = card.getByText(/^esperando há \d\d:\d\d$/);
  await expect(wait).toBeVisible();
  // Not cut: the wait time ends inside the card's button (the origin number gives way first).
  const fits = await wait.evaluate((el) => {
    const box = el.getBoundingClientRect();
    const button = (el.closest('button') as HTMLElement).getBoundingClientRect();
    return el.scrollWidth <= el.clientWidth + 1 && box.right <= button.right + 0.5;
  });
  expect(fits).toBe(true);
  await ana.screenshot({ path: test.info().outputPath('waiting-photo-card-1280.png') });

  await card.locator('[data-conversation-id]').click();
  const panel = ana.getByRole('complementary', { name: 'Contato' });
  await expect(panel.getByText('+55 11 99876-1234', { exact: true })).toBeVisible();
  await expect(panel).not.toContainText('5511998761234');
});
