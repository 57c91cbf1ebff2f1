import { expectNoAxeViolations } from './axe';
import { expect, signIn, test } from './fixtures';

test('R-WS-12 ana and bruno talk in the internal chat: a DM, bruno\'s unread badge, his reply back; colleagues show bruno online', async ({ server, newContext }) => {
  const ana = await (await newContext()).newPage();
  const bruno = await (await newContext()).newPage();
  await Promise.all([signIn(ana, server, 'ana@demo.local'), signIn(bruno, server, 'bruno@demo.local')]);

  // The icon at the right of the top bar opens the panel; bruno, connected, reads as online.
  await ana.getByTestId('chat-toggle').click();
  const anaPanel = ana.getByTestId('chat-panel');
  await expect(anaPanel).toBeVisible();
  await expect(ana.getByTestId('chat-toggle')).toHaveAttribute('aria-expanded', 'true');
  const brunoRow = anaPanel.getByTestId('colleague-bruno');
  await expect(brunoRow).toHaveAttribute('data-status', 'online');
  await expect(brunoRow).toContainText('Bruno Lima');
  await expect(brunoRow).toContainText('Disponível');
  await expectNoAxeViolations(ana, 'the internal chat panel');

  await brunoRow.getByRole('button').click();
  await expect(anaPanel.getByRole('heading', { name: 'Bruno Lima' })).toBeVisible();
  const anaComposer = anaPanel.getByRole('textbox', { name: 'Mensagem para Bruno Lima' });
  await anaComposer.fill('Bruno, você pode ver o pedido 123?');
  await anaComposer.press('Enter');
  await expect(anaPanel.getByRole('log')).toContainText('Bruno, você pode ver o pedido 123?');
  await expect(anaComposer).toHaveValue('');

  // Bruno has not opened the chat: the toggle counts the message, and names it for screen readers.
  await expect(bruno.getByTestId('chat-unread')).toHaveText('1');
  await expect(bruno.getByTestId('chat-toggle')).toHaveAccessibleName('Chat interno, 1 mensagem não lida');
  await bruno.getByTestId('chat-toggle').click();
  const brunoPanel = bruno.getByTestId('chat-panel');
  const anaRow = brunoPanel.getByTestId('colleague-ana');
  await expect(anaRow).toContainText('1');
  await anaRow.getByRole('button').click();
  await expect(brunoPanel.getByRole('log')).toContainText('Bruno, você pode ver o pedido 123?');
  // Read while shown: the badge goes.
  await expect(bruno.getByTestId('chat-unread')).toHaveCount(0);
  await expectNoAxeViolations(bruno, 'a chat room');

  const brunoComposer = brunoPanel.getByRole('textbox', { name: 'Mensagem para Ana Souza' });
  await brunoComposer.fill('Vejo sim, Ana.');
  await brunoPanel.getByRole('button', { name: 'Enviar' }).click();

  // Ana has the room open: the reply shows there, with its author's name.
  await expect(anaPanel.getByRole('log')).toContainText('Vejo sim, Ana.');
  await expect(anaPanel.getByRole('log').getByText('Bruno Lima')).toBeVisible();

  // Internal talk never appears among customer conversations.
  await expect(ana.getByText('Vejo sim, Ana.')).toHaveCount(1);
  await expect(ana.getByRole('tab', { name: /Em atendimento/ })).toContainText('0');
  await expect(ana.getByRole('tab', { name: /Em espera/ })).toContainText('0');

  // Keyboard: back to the lists and the team's room.
  await anaPanel.getByTestId('chat-back').press('Enter');
  await expect(anaPanel.getByTestId('colleague-bruno')).toBeVisible();
  await expect(anaPanel.getByRole('button', { name: /Suporte/ })).toBeVisible();
});

test('R-WS-12 offline, the chat still reads from the replica and a message waits in the outbox until the connection is back', async ({ server, newContext }) => {
  const anaContext = await newContext();
  const ana = await anaContext.newPage();
  const bruno = await (await newContext()).newPage();
  await Promise.all([signIn(ana, server, 'ana@demo.local'), signIn(bruno, server, 'bruno@demo.local')]);

  await bruno.getByTestId('chat-toggle').click();
  await bruno.getByTestId('chat-panel').getByTestId('colleague-ana').getByRole('button').click();
  await bruno.getByTestId('chat-panel').getByRole('textbox', { name: 'Mensagem para Ana Souza' }).fill('Antes de cair a rede');
  await bruno.getByTestId('chat-panel').getByRole('textbox', { name: 'Mensagem para Ana Souza' }).press('Enter');
  await expect(ana.getByTestId('chat-unread')).toHaveText('1');

  await anaContext.setOffline(true);
  await ana.getByTestId('chat-toggle').click();
  const panel = ana.getByTestId('chat-panel');
  // Nothing live is known without a connection.
  await expect(panel.getByTestId('colleague-bruno')).toHaveAttribute('data-status', 'offline');
  await panel.getByTestId('colleague-bruno').getByRole('button').click();
  await expect(panel.getByRole('log')).toContainText('Antes de cair a rede');
  const composer = panel.getByRole('textbox', { name: 'Mensagem para Bruno Lima' });
  await composer.fill('Escrito sem rede');
  await composer.press('Enter');
  await expect(panel.getByRole('log').locator('.queued')).toContainText('Enviando…');

  await anaContext.setOffline(false);
  await expect(bruno.getByTestId('chat-panel').getByRole('log')).toContainText('Escrito sem rede');
  await expect(panel.getByRole('log').locator('.queued')).toHaveCount(0);
  await expect(panel.getByRole('log').getByText('Escrito sem rede')).toHaveCount(1);
});
