import type { Page } from '@playwright/test';
import { expect, messageLog, openWidget, takeNewConversation, signIn, visitorSends, type ServerProcess } from './fixtures';

/** Finishes the open conversation with the dialog's defaults (no disposition). */
export async function finishOpenConversation(agent: Page): Promise<void> {
  await agent.getByRole('button', { name: 'Finalizar atendimento' }).click();
  const dialog = agent.getByRole('dialog', { name: 'Finalizar atendimento' });
  await dialog.getByRole('button', { name: 'Finalizar', exact: true }).click();
  await expect(dialog).toHaveCount(0);
}

/**
 * A small day of work with known figures for the reports (R-RT-06): Ana (Suporte) answers and
 * finishes one website conversation, and finishes another without a word (abandoned); each person
 * in their own browser. `prefix` keeps the texts apart from other tests' ("Relatório", "Jornada").
 */
export async function aDayOfWork(server: ServerProcess, newPage: () => Promise<Page>, prefix: string): Promise<void> {
  const ana = await newPage();
  await signIn(ana, server, 'ana@demo.local');
  const answered = await newPage();
  await takeNewConversation(ana, answered, server, `${prefix}: meu pedido atrasou`);
  const composer = ana.getByRole('textbox', { name: 'Mensagem' });
  await composer.fill('Olá! Vou verificar o seu pedido.');
  await composer.press('Enter');
  await expect(answered.getByText('Olá! Vou verificar o seu pedido.')).toBeVisible();
  await finishOpenConversation(ana);

  const silent = await newPage();
  await openWidget(silent, server, { name: 'Cliente calado', email: 'calado@example.com' });
  await visitorSends(silent, `${prefix}: alguém aí?`);
  await ana.getByRole('tab', { name: /Em espera/ }).click();
  await ana.locator('[data-conversation-id]', { hasText: `${prefix}: alguém aí?` }).click();
  await expect(messageLog(ana)).toContainText(`${prefix}: alguém aí?`);
  await finishOpenConversation(ana);
}
