import type { Page } from '@playwright/test';
import { expectNoAxeViolations, useTheme } from './axe';
import { expect, openWidget, signIn, test, visitorSends } from './fixtures';

/**
 * R-RT-04 (issue 15 point 5): the admin builds the entry team's flow on "Fluxos (chatbot)" — the
 * form says the first trigger needs "> 1 h" —, tries it in "Testar" (nothing sent), and a website
 * visitor is then answered by the bot and routed by their reply; the supervisor's board shows the
 * conversation "No bot" and releases another one to the queue.
 */
const widgetLog = (page: Page) => page.locator('#atende-widget .log');

test('R-RT-04 the admin builds a flow with the > 1 h rule, tests it, and a visitor is routed by it; the supervisor releases another from the bot', async ({ server, newContext }) => {
  const admin = await (await newContext()).newPage();
  await signIn(admin, server, 'admin@demo.local');
  await admin.goto(`${server.url}/#/admin/flows`);
  await expect(admin.getByRole('heading', { name: 'Fluxos (chatbot)' })).toBeVisible();
  await expect(admin.getByLabel('Equipe', { exact: true })).toHaveValue('team:suporte');
  await expect(admin.getByText('Equipe de entrada', { exact: true })).toBeVisible();

  await admin.getByRole('button', { name: 'Novo gatilho' }).click();
  const form = admin.getByRole('dialog', { name: 'Novo gatilho' });
  await form.getByLabel('Descrição').fill('Boas-vindas');
  await form.getByLabel('Tempo sem interação').selectOption({ label: 'Menor que' });
  await form.getByLabel('Horas').fill('23');
  // The seed's rule, said next to the hours before anything is sent.
  await expect(form.getByText('O primeiro gatilho da equipe de entrada precisa da condição "Tempo sem interação maior que 1 hora".')).toBeVisible();
  await form.getByLabel('Tempo sem interação').selectOption({ label: 'Maior que' });
  await form.getByLabel('Horas').fill('1');
  await expect(form.getByText(/precisa da condição/)).toHaveCount(0);
  await form.getByLabel('Mensagem', { exact: true }).fill('Olá! Escolha uma opção:');
  await form.getByRole('button', { name: 'Adicionar opção' }).click();
  await form.getByLabel('Opção 1', { exact: true }).fill('Suporte');
  await form.getByLabel('Equipe da opção 1').selectOption({ label: 'Suporte' });
  await form.getByRole('button', { name: 'Adicionar opção' }).click();
  await form.getByLabel('Opção 2', { exact: true }).fill('Comercial');
  await form.getByLabel('Equipe da opção 2').selectOption({ label: 'Comercial' });
  await expectNoAxeViolations(admin, 'the trigger form');
  await form.getByRole('button', { name: 'Salvar' }).click();
  await expect(form).toHaveCount(0);

  const list = admin.getByRole('list', { name: 'Gatilhos da equipe Suporte' });
  const trigger = list.locator('[data-trigger-id]').first();
  await expect(trigger).toContainText('Boas-vindas');
  await expect(trigger).toContainText('Tempo sem interação > 1 h');
  await expect(trigger).toContainText('2 - Comercial');
  await expect(admin.getByLabel('Fluxo ativo')).toBeChecked();

  // "Testar": nothing is sent, the answer and the destination are shown.
  await admin.getByLabel('Mensagem do cliente').fill('oi');
  await admin.getByRole('button', { name: 'Testar', exact: true }).click();
  const result = admin.getByTestId('flow-test-result');
  await expect(result).toContainText('Gatilho "Boas-vindas" (Suporte)');
  await expect(result).toContainText('2 - Comercial');
  await expect(result).toContainText('Continua no bot (Suporte). Nada foi enviado.');
  await admin.getByLabel('Mensagem do cliente').fill('2');
  await admin.getByLabel('Horas sem interação').fill('0');
  await admin.getByLabel('Depois do menu de').selectOption({ label: 'Boas-vindas' });
  await admin.getByRole('button', { name: 'Testar', exact: true }).click();
  await expect(result).toContainText('Vai para a fila da equipe Comercial. Nada foi enviado.');
  await expectNoAxeViolations(admin, 'the flows screen');
  await useTheme(admin, 'dark');
  await expectNoAxeViolations(admin, 'the flows screen, dark');

  // The supervisor's board, before any visitor writes.
  const carla = await (await newContext()).newPage();
  await signIn(carla, server, 'carla@demo.local');
  const [board] = await Promise.all([carla.waitForEvent('popup'), carla.getByRole('button', { name: 'Abrir painel de supervisão' }).click()]);
  await board.getByRole('button', { name: 'Atendimentos', exact: true }).click();
  const rows = board.getByRole('table', { name: 'Atendimentos' });

  // A visitor is greeted by the bot, chooses "2" and lands in Comercial's queue.
  const visitor = await (await newContext()).newPage();
  await openWidget(visitor, server, { name: 'Vera Visitante', email: 'vera@example.com' });
  await visitorSends(visitor, 'oi');
  await expect(widgetLog(visitor).getByText(/Olá! Escolha uma opção:\s+1 - Suporte\s+2 - Comercial/)).toBeVisible();
  const vera = rows.getByRole('row', { name: /Vera Visitante/ });
  await expect(vera).toContainText('No bot');
  await visitorSends(visitor, '2');
  await expect(vera).toContainText('Comercial');
  await expect(vera).toContainText('Em espera');
  await expect(widgetLog(visitor).getByText(/^Você está na fila de atendimento/)).toBeVisible();

  // Another visitor stays with the bot until the supervisor releases them to the queue.
  const other = await (await newContext()).newPage();
  await openWidget(other, server, { name: 'Otto Outro', email: 'otto@example.com' });
  await visitorSends(other, 'olá');
  const otto = rows.getByRole('row', { name: /Otto Outro/ });
  await expect(otto).toContainText('No bot');
  await expectNoAxeViolations(board, 'the conversations board with the bot');
  await otto.getByRole('button', { name: 'Liberar Otto Outro do bot' }).click();
  await expect(otto).toContainText('Em espera');
  await expect(otto.getByRole('button', { name: /Liberar/ })).toHaveCount(0);
});
