import { expectNoAxeViolations } from './axe';
import { expect, openWidget, signIn, test, visitorSends } from './fixtures';

/**
 * Business hours (issue 15 point 4, R-RT-03): the admin sets Suporte's hours on "Horários" — the
 * form says what to fix — and closes it every day; the website chat then shows the team out of
 * hours with its week, still takes the visitor's message, and answers with the off-hours message.
 */
test('R-RT-03 the admin closes Suporte on "Horários"; the widget shows it out of hours, takes the message and answers with the off-hours message', async ({ server, newContext }) => {
  const admin = await (await newContext()).newPage();
  await signIn(admin, server, 'admin@demo.local');
  await admin.goto(`${server.url}/#/admin/hours`);
  await expect(admin.getByRole('heading', { name: 'Horários' })).toBeVisible();
  const list = admin.getByRole('table', { name: 'Horários das equipes' });
  await expect(list.getByRole('row', { name: /Suporte/ })).toContainText('Sem horário definido');
  await expectNoAxeViolations(admin, 'the hours screen');

  await admin.getByRole('button', { name: 'Editar horário de Suporte' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Horário de atendimento — Suporte' });
  await dialog.getByLabel('Definir horário de atendimento').check();
  await dialog.getByLabel('Fuso horário').selectOption('America/Sao_Paulo');
  // An interval that ends before it starts is pointed out next to its day.
  await dialog.getByLabel('Segunda-feira, intervalo 1: fim').fill('07:00');
  await dialog.getByRole('button', { name: 'Salvar' }).click();
  await expect(dialog.getByText('Cada intervalo termina depois de começar e não se sobrepõe a outro.')).toBeVisible();
  await expect(dialog.getByLabel('Segunda-feira, intervalo 1: fim')).toHaveAttribute('aria-invalid', 'true');
  await expectNoAxeViolations(admin, 'the hours form with a problem');
  // Closed every day: the weekdays' intervals removed.
  for (const day of ['Segunda-feira', 'Terça-feira', 'Quarta-feira', 'Quinta-feira', 'Sexta-feira']) {
    await dialog.getByRole('button', { name: `Remover intervalo 1 de ${day}` }).click();
  }
  await dialog.getByRole('button', { name: 'Adicionar feriado' }).click();
  await dialog.getByLabel('Feriado 1', { exact: true }).fill('2026-12-25');
  await dialog.getByLabel('Mensagem fora do horário').fill('Estamos fora do horário. Responderemos assim que abrirmos.');
  await dialog.getByRole('button', { name: 'Salvar' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(list.getByRole('row', { name: /Suporte/ })).toContainText('America/Sao_Paulo');
  await expect(list.getByRole('row', { name: /Suporte/ })).toContainText('Fechada');

  const visitor = await (await newContext()).newPage();
  await openWidget(visitor, server);
  await expect(visitor.getByText('Estamos fora do horário de atendimento')).toBeVisible();
  await visitor.getByText('Horário de atendimento (America/Sao_Paulo)').click();
  await expect(visitor.getByText('Seg: fechado')).toBeVisible();
  await expectNoAxeViolations(visitor, 'website chat out of hours');
  await visitorSends(visitor, 'Alguém pode me ajudar amanhã?');
  await expect(visitor.locator('#atende-widget .log').getByText('Estamos fora do horário. Responderemos assim que abrirmos.')).toBeVisible();
});
