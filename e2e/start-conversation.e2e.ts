import type { BrowserContext, Page } from '@playwright/test';
import { expectNoAxeViolations, useTheme } from './axe';
import { expect, signIn, test, type ServerProcess } from './fixtures';

/**
 * issue 10 point 4, "Nova conversa" (manual 003, R-WA-01…04, R-WA-09/10): an agent starts a
 * WhatsApp conversation with a number typed in Brazilian form, from the demo's simulated number,
 * and opens it with an approved template (R-WA-05).
 */

async function signedIn(newContext: () => Promise<BrowserContext>, server: ServerProcess, email: string): Promise<{ page: Page; context: BrowserContext }> {
  const context = await newContext();
  const page = await context.newPage();
  await page.setViewportSize({ width: 1366, height: 768 });
  await signIn(page, server, email);
  return { page, context };
}

const startDialog = (page: Page) => page.getByRole('dialog', { name: 'Nova conversa' });

test('R-WA-01 R-WA-02 R-WA-03 R-WA-04 R-WA-09 R-WA-10 "Nova conversa": team and origin pre-filled, an invalid mobile is named under the field, a short landline keeps "Criar conversa" disabled, a valid mobile creates the conversation and it opens; "+ Iniciar nova conversa" from History pre-fills the number; then the approved template "boas_vindas" is sent', async ({ server, newContext }) => {
  const { page: ana } = await signedIn(newContext, server, 'ana@demo.local');
  await ana.getByRole('banner').getByRole('button', { name: 'Nova conversa' }).click();
  const dialog = startDialog(ana);

  // R-WA-01: Ana is only in Suporte, which has one WhatsApp number: both come pre-filled.
  const team = dialog.getByLabel('Equipe');
  const origin = dialog.getByLabel('Número de origem');
  await expect(team.locator('option:checked')).toHaveText('Suporte');
  await expect(origin.locator('option:checked')).toHaveText('WhatsApp (simulador) · +55 11 91234-5678');
  const to = dialog.getByLabel('Número de destino');
  const create = dialog.getByRole('button', { name: 'Criar conversa' });
  await expect(to).toBeFocused();
  await expect(create).toBeDisabled();

  // R-WA-03: a mobile (9 after the area code) with 10 digits; the message shows once the field is left.
  await to.fill('1198765432');
  await to.press('Tab');
  await expect(to).toHaveAttribute('aria-invalid', 'true');
  await expect(to).toHaveAccessibleDescription(/Número inválido, corrija e tente novamente/);
  await expect(create).toBeDisabled();
  for (const theme of ['light', 'dark'] as const) {
    await useTheme(ana, theme);
    await expectNoAxeViolations(ana, `Nova conversa with an invalid number (${theme})`);
  }

  // R-WA-04: a landline with 9 digits is not wrong yet, only incomplete: no message, still disabled.
  await to.fill('113123456');
  await expect(dialog.getByText('Número inválido, corrija e tente novamente')).toHaveCount(0);
  await expect(to).not.toHaveAttribute('aria-invalid', 'true');
  await expect(create).toBeDisabled();
  await to.fill('1131234567');
  await expect(create).toBeEnabled();

  // R-WA-02: area code + number, no 55; the dialog says the number it will use.
  await to.fill('21976543210');
  await expect(dialog.getByTestId('start-destination-hint')).toHaveText('Será enviada para +55 21 97654-3210');
  await to.press('Enter');
  await expect(dialog).toHaveCount(0);

  // It opens in the workstation as Ana's, under "Em atendimento"; the unknown contact shows as its number (R-WA-10).
  await expect(ana.getByRole('tab', { name: /Em atendimento/ })).toHaveAttribute('aria-selected', 'true');
  const conversation = ana.getByRole('region', { name: /97654.?3210/ });
  await expect(conversation).toBeVisible();
  await expect(ana.locator('[data-conversation-id]', { hasText: /97654.?3210/ })).toHaveCount(1);

  // R-WA-09: "+ Iniciar nova conversa" in the contact's History brings the number back in typed form;
  // starting again answers the same conversation (Ana already serves this contact on this number).
  await ana.getByRole('complementary', { name: 'Contato' }).getByRole('tab', { name: 'Histórico' }).click();
  await ana.getByRole('button', { name: '+ Iniciar nova conversa' }).click();
  await expect(startDialog(ana).getByLabel('Número de destino')).toHaveValue('21976543210');
  await startDialog(ana).getByRole('button', { name: 'Criar conversa' }).click();
  await expect(startDialog(ana)).toHaveCount(0);
  await expect(ana.locator('[data-conversation-id]', { hasText: /97654.?3210/ })).toHaveCount(1);

  // R-WA-05: no customer message yet, so the composer is replaced by the template step.
  await conversation.getByRole('button', { name: /Selecionar template/ }).click();
  const templates = ana.getByRole('dialog', { name: 'Selecionar template' });
  await templates.getByLabel('Escolher modelo').selectOption({ label: 'boas_vindas (pt_BR)' });
  await templates.getByLabel('Variável 1').fill('Marina');
  await templates.getByLabel('Variável 2').fill('Loja Atende');
  await expect(templates.getByTestId('template-preview')).toHaveValue(/Olá Marina, aqui é a Loja Atende\./);
  await templates.getByRole('button', { name: 'Enviar' }).click();
  await expect(templates).toHaveCount(0);
  await expect(conversation.getByRole('log', { name: 'Histórico de mensagens' })).toContainText('Olá Marina, aqui é a Loja Atende.');

  // R-WA-10: a customer the demo already knows (Maria, 11 98765-4321) shows by name.
  await ana.getByRole('banner').getByRole('button', { name: 'Nova conversa' }).click();
  await startDialog(ana).getByLabel('Número de destino').fill('11987654321');
  await startDialog(ana).getByRole('button', { name: 'Criar conversa' }).click();
  await expect(ana.getByRole('region', { name: 'Maria Oliveira' })).toBeVisible();
  await expect(ana.locator('[data-conversation-id]', { hasText: 'Maria Oliveira' })).toHaveCount(1);
});

test('R-WA-01 R-NET-01 "Nova conversa" offline: the origin numbers last loaded still show, "Criar conversa" is disabled with "Sem conexão"', async ({ server, newContext }) => {
  const { page: ana, context } = await signedIn(newContext, server, 'ana@demo.local');
  await context.setOffline(true);
  await expect(ana.getByRole('alert').filter({ hasText: /Perda de conexão/ })).toBeVisible();
  await ana.getByRole('banner').getByRole('button', { name: 'Nova conversa' }).click();
  const dialog = startDialog(ana);
  await expect(dialog.getByLabel('Número de origem').locator('option:checked')).toHaveText('WhatsApp (simulador) · +55 11 91234-5678');
  await dialog.getByLabel('Número de destino').fill('11987654321');
  const create = dialog.getByRole('button', { name: 'Criar conversa' });
  await expect(create).toBeDisabled();
  await expect(create).toHaveAccessibleDescription('Sem conexão');
});

test('R-WS-08 "Nova conversa" to a customer another agent is serving shows the server’s refusal in the dialog, word for word', async ({ server, newContext }) => {
  const { page: ana } = await signedIn(newContext, server, 'ana@demo.local');
  const { page: bruno } = await signedIn(newContext, server, 'bruno@demo.local');
  for (const [agent, done] of [[ana, true], [bruno, false]] as const) {
    await agent.getByRole('banner').getByRole('button', { name: 'Nova conversa' }).click();
    await startDialog(agent).getByLabel('Número de destino').fill('21976543210');
    await startDialog(agent).getByRole('button', { name: 'Criar conversa' }).click();
    if (done) await expect(startDialog(agent)).toHaveCount(0);
  }
  await expect(startDialog(bruno).getByRole('alert')).toHaveText('Não foi possível iniciar a conversa. O cliente está sendo atendido por outro agente.');
  await expect(bruno.locator('[data-conversation-id]', { hasText: /97654.?3210/ })).toHaveCount(0);
});
