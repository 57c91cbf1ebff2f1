import { expectNoAxeViolations } from './axe';
import { card, expect, openWidget, signIn, test, visitorSends } from './fixtures';

/**
 * R-RT-01/02 (issue 15 point 3): the admin creates a team on "Equipes" with a member and a channel
 * (the form says what to fix first), sees it listed, then edits its session timeout.
 */
test('R-RT-01 the admin creates "Financeiro" with Bruno and the Instagram channel, then gives it a 30-minute timeout', async ({ server, newContext }) => {
  const admin = await (await newContext()).newPage();
  await signIn(admin, server, 'admin@demo.local');
  await admin.goto(`${server.url}/#/admin/teams`);
  await expect(admin.getByRole('heading', { name: 'Equipes' })).toBeVisible();
  const list = admin.getByRole('table', { name: 'Equipes' });
  await expect(list.getByRole('row', { name: /Suporte/ })).toContainText('Instagram (simulador)');
  await expectNoAxeViolations(admin, 'the teams list');

  await admin.getByRole('button', { name: '+ Nova Equipe' }).click();
  const form = admin.getByRole('dialog', { name: 'Nova equipe' });
  // Nothing typed, and a queue for selected agents with nobody selected: both are said next to their fields.
  await form.getByLabel('Visível só para agentes selecionados').check();
  await form.getByRole('button', { name: 'Salvar' }).click();
  await expect(form.getByText('Informe um nome de até 100 caracteres.')).toBeVisible();
  await expect(form.getByText('Selecione ao menos um integrante para ver a fila')).toBeVisible();
  await expect(form.getByLabel('Nome')).toHaveAttribute('aria-invalid', 'true');
  await expectNoAxeViolations(admin, 'the team form with its messages');

  await form.getByLabel('Nome').fill('Financeiro');
  await form.getByLabel('Visível para toda a equipe').check();
  await form.getByRole('group', { name: 'Integrantes' }).getByLabel('Bruno Lima').check();
  await form.getByRole('group', { name: 'Canais' }).getByLabel(/Instagram \(simulador\)/).check();
  await form.getByRole('button', { name: 'Salvar' }).click();
  await expect(form).toBeHidden();
  const row = list.getByRole('row', { name: /Financeiro/ });
  await expect(row).toContainText('1 integrante');
  await expect(row).toContainText('Instagram (simulador)');
  await expect(row).toContainText('Nunca');
  await expect(row).toContainText('Desligada');
  // The channel entered the new team: it left Suporte's row.
  await expect(list.getByRole('row', { name: /Suporte/ })).not.toContainText('Instagram (simulador)');

  await row.getByRole('button', { name: 'Editar Financeiro' }).click();
  const edit = admin.getByRole('dialog', { name: 'Editar equipe' });
  await expect(edit.getByLabel('Nome')).toHaveValue('Financeiro');
  await expect(edit.getByRole('group', { name: 'Integrantes' }).getByLabel('Bruno Lima')).toBeChecked();
  await edit.getByLabel('Minutos sem mensagens').fill('abc');
  await edit.getByRole('button', { name: 'Salvar' }).click();
  await expect(edit.getByText(/Informe um número inteiro de minutos/)).toBeVisible();
  await edit.getByLabel('Minutos sem mensagens').fill('30');
  await edit.getByLabel('Mensagem ao cliente (opcional)').fill('Encerramos por falta de resposta. Volte quando quiser!');
  await edit.getByRole('button', { name: 'Salvar' }).click();
  await expect(edit).toBeHidden();
  await expect(row).toContainText('Após 30 min');
});

test('R-RT-02 with Suporte\'s queue shown only to Bruno, Ana\'s waiting list leaves its conversations out until the whole team sees it again', async ({ server, newContext }) => {
  const admin = await (await newContext()).newPage();
  await signIn(admin, server, 'admin@demo.local');
  await admin.goto(`${server.url}/#/admin/teams`);
  const suporte = admin.getByRole('table', { name: 'Equipes' }).getByRole('row', { name: /Suporte/ });
  await suporte.getByRole('button', { name: 'Editar Suporte' }).click();
  const form = admin.getByRole('dialog', { name: 'Editar equipe' });
  await form.getByLabel('Visível só para agentes selecionados').check();
  await form.getByRole('group', { name: 'Fila de espera' }).getByLabel('Bruno Lima').check();
  await form.getByRole('button', { name: 'Salvar' }).click();
  await expect(form).toBeHidden();

  const ana = await (await newContext()).newPage();
  await signIn(ana, server, 'ana@demo.local');
  const bruno = await (await newContext()).newPage();
  await signIn(bruno, server, 'bruno@demo.local');
  const visitor = await (await newContext()).newPage();
  await openWidget(visitor, server);
  await visitorSends(visitor, 'Só o Bruno vê esta fila');
  await expect(card(bruno, 'Só o Bruno vê esta fila')).toBeVisible();
  await expect(card(ana, 'Só o Bruno vê esta fila')).toHaveCount(0);
  await expect(ana.getByRole('tab', { name: /Em espera/ })).toContainText('0');

  // Back to the whole team: the same conversation (already in Ana's replica) shows for her too.
  await suporte.getByRole('button', { name: 'Editar Suporte' }).click();
  await form.getByLabel('Visível para toda a equipe').check();
  await form.getByRole('button', { name: 'Salvar' }).click();
  await expect(form).toBeHidden();
  await expect(card(ana, 'Só o Bruno vê esta fila')).toBeVisible();
});
