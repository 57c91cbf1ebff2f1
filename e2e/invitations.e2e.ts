import type { BrowserContext } from '@playwright/test';
import { expectNoAxeViolations } from './axe';
import {
  card, expect, messageLog, openWidget, recordNotifications, shownNotifications as shownTo, signIn, takeNewConversation, test, visitorSends,
  type ServerProcess,
} from './fixtures';

/** Ana and Bruno signed in (Bruno's notifications recorded) and a visitor's page, each in its own context. */
async function anaBrunoAndVisitor(server: ServerProcess, newContext: () => Promise<BrowserContext>) {
  const ana = await (await newContext()).newPage();
  const brunoContext = await newContext();
  await recordNotifications(brunoContext);
  const bruno = await brunoContext.newPage();
  const visitor = await (await newContext()).newPage();
  await signIn(ana, server, 'ana@demo.local');
  await signIn(bruno, server, 'bruno@demo.local');
  return { ana, bruno, visitor };
}

test('R-WS-05 ana invites bruno; bruno writes and the customer sees his name; bruno leaves; ana keeps control and finishes', async ({ server, newContext }) => {
  const { ana, bruno, visitor } = await anaBrunoAndVisitor(server, newContext);
  await takeNewConversation(ana, visitor, server, 'Preciso de ajuda com a fatura');

  const options = ana.getByRole('button', { name: 'Opções', exact: true });
  await options.click();
  await ana.getByTestId('invite-button').click();
  // Closed with Esc, focus goes back to the menu that opened it (its item is gone), not to the page.
  await expect(ana.getByTestId('invite-dialog')).toBeVisible();
  await ana.keyboard.press('Escape');
  await expect(ana.getByRole('dialog')).toHaveCount(0);
  await expect(options).toBeFocused();
  await options.click();
  await ana.getByTestId('invite-button').click();
  const dialog = ana.getByTestId('invite-dialog');
  // Bruno is signed in: listed as available, before anyone offline.
  const brunoRow = dialog.locator('label', { hasText: 'Bruno Lima' });
  await expect(brunoRow).toContainText('Disponível');
  await expect(dialog.locator('label').first()).toContainText('Disponível');
  await expect(dialog.locator('label', { hasText: 'Ana Souza' })).toHaveCount(0);
  // One row per colleague: checkbox, avatar, name and status side by side, not stacked.
  const [box, name, status] = await Promise.all([
    brunoRow.getByRole('checkbox').boundingBox(), brunoRow.getByText('Bruno Lima').boundingBox(), brunoRow.getByText('Disponível').boundingBox(),
  ]);
  const middle = (b: { y: number; height: number } | null) => (b ? b.y + b.height / 2 : Number.NaN);
  expect(Math.abs(middle(box) - middle(name))).toBeLessThan(6);
  expect(Math.abs(middle(status) - middle(name))).toBeLessThan(6);
  await expectNoAxeViolations(ana, 'the invite dialog');
  await brunoRow.getByRole('checkbox').check();
  await ana.getByRole('button', { name: 'Convidar', exact: true }).click();
  await expect(ana.getByRole('dialog')).toHaveCount(0);
  await expect(ana.getByTestId('participants')).toContainText('Ana Souza (responsável)');
  await expect(ana.getByTestId('participants')).toContainText('Bruno Lima');
  await expect(messageLog(ana)).toContainText('Bruno Lima foi convidado(a) para a conversa por Ana Souza');
  await expect(visitor.getByText('Bruno Lima entrou na conversa a convite.')).toBeVisible();

  // Bruno is told, and finds it among his active conversations, marked as an invitation, and writes in it.
  await expect.poll(() => shownTo(bruno)).toContain('Você foi convidado(a) para uma conversa: Visitante');
  await bruno.getByRole('tab', { name: /Em atendimento/ }).click();
  const invited = card(bruno, 'Preciso de ajuda com a fatura');
  await expect(invited.getByTestId('card-invited')).toHaveText('Convidado(a)');
  await invited.click();
  // The owner keeps finish and transfer; the invitee may leave.
  await expect(bruno.getByRole('button', { name: 'Finalizar atendimento' })).toHaveCount(0);
  await expect(bruno.getByRole('button', { name: 'Transferir' })).toHaveCount(0);
  await expect(bruno.getByTestId('leave-button')).toBeVisible();
  await expectNoAxeViolations(bruno, 'an invitee’s conversation with the participants');
  const composer = bruno.getByRole('textbox', { name: 'Mensagem' });
  await composer.fill('Oi, aqui é o Bruno do financeiro.');
  await composer.press('Enter');

  // On the widget the customer reads who wrote it.
  const fromBruno = visitor.locator('.msg.out', { hasText: 'Oi, aqui é o Bruno do financeiro.' });
  await expect(fromBruno).toBeVisible();
  await expect(fromBruno.locator('.who')).toHaveText('Bruno Lima');
  await expect(messageLog(ana)).toContainText('Oi, aqui é o Bruno do financeiro.');

  await bruno.getByTestId('leave-button').click();
  await expect(card(bruno, 'Preciso de ajuda com a fatura')).toHaveCount(0);
  await expect(ana.getByTestId('participants')).toHaveCount(0);
  await expect(messageLog(ana)).toContainText('Bruno Lima saiu da conversa');
  await expect(visitor.getByText('Bruno Lima saiu da conversa.')).toBeVisible();

  await ana.getByRole('button', { name: 'Finalizar atendimento' }).click();
  const finish = ana.getByRole('dialog', { name: 'Finalizar atendimento' });
  await finish.getByRole('button', { name: 'Finalizar', exact: true }).click();
  await expect(visitor.getByText('Conversa encerrada.')).toBeVisible();
});

test('R-WS-19 ana returns a conversation to the queue with a note; bruno is notified, takes it and reads the note', async ({ server, newContext }) => {
  const { ana, bruno, visitor } = await anaBrunoAndVisitor(server, newContext);
  await openWidget(visitor, server);
  await visitorSends(visitor, 'Quero falar sobre o boleto');
  await card(ana, 'Quero falar sobre o boleto').click();
  await expect(ana.getByRole('textbox', { name: 'Mensagem' })).toBeEnabled();

  await ana.getByRole('button', { name: 'Opções', exact: true }).click();
  await ana.getByTestId('return-button').click();
  await ana.getByTestId('return-note').fill('Cliente prefere falar com o financeiro');
  await ana.getByRole('button', { name: 'Devolver', exact: true }).click();
  await expect(ana.getByRole('tab', { name: /Em atendimento/ })).toContainText('0');
  await ana.getByRole('tab', { name: /Em espera/ }).click();
  await expect(card(ana, 'Quero falar sobre o boleto')).toBeVisible();

  const shown = () => shownTo(bruno);
  await expect.poll(shown).toContain('Atendimento encaminhado para a fila da equipe: Visitante: Cliente prefere falar com o financeiro');
  await card(bruno, 'Quero falar sobre o boleto').click();
  const banner = bruno.getByTestId('transfer-note-banner');
  await expect(banner).toContainText('Observação de Ana Souza ao encaminhar:');
  await expect(banner).toContainText('Cliente prefere falar com o financeiro');
  await expectNoAxeViolations(bruno, 'the transfer note banner');
  await expect(messageLog(bruno)).toContainText('Devolvida à fila de espera por Ana Souza — Observação: Cliente prefere falar com o financeiro');
  // The customer is told it went back to the queue, never the note.
  await expect(visitor.getByText('Sua conversa voltou para a fila de atendimento.')).toBeVisible();
  await expect(visitor.getByText('Cliente prefere falar com o financeiro')).toHaveCount(0);

  // Answering the customer puts the note away.
  const composer = bruno.getByRole('textbox', { name: 'Mensagem' });
  await composer.fill('Olá, sou do financeiro.');
  await composer.press('Enter');
  await expect(banner).toHaveCount(0);
});

test('R-WS-19 a transfer to bruno carries its note', async ({ server, newContext }) => {
  const { ana, bruno, visitor } = await anaBrunoAndVisitor(server, newContext);
  await takeNewConversation(ana, visitor, server, 'Segunda via, por favor');

  await ana.getByRole('button', { name: 'Transferir' }).click();
  const dialog = ana.getByRole('dialog', { name: 'Transferir' });
  await dialog.getByRole('combobox').selectOption({ label: 'Bruno Lima' });
  await dialog.getByTestId('transfer-note').fill('Já conferi o CPF');
  await dialog.getByRole('button', { name: 'Transferir', exact: true }).click();

  const shown = () => shownTo(bruno);
  await expect.poll(shown).toContain('Atendimento transferido para você: Visitante: Já conferi o CPF');
  await bruno.getByRole('tab', { name: /Em atendimento/ }).click();
  await card(bruno, 'Segunda via, por favor').click();
  await expect(bruno.getByTestId('transfer-note-banner')).toContainText('Já conferi o CPF');
  await bruno.getByRole('button', { name: 'Dispensar observação' }).click();
  await expect(bruno.getByTestId('transfer-note-banner')).toHaveCount(0);
});
