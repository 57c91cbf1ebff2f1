import { expect, recordNotifications, shownNotifications, signIn, test } from './fixtures';

test('R-WS-12 a colleague\'s chat message alerts like a customer\'s: a notification and the title count, none for my own or for the room I am reading', async ({ server, newContext }) => {
  const anaContext = await newContext();
  const brunoContext = await newContext();
  await Promise.all([recordNotifications(anaContext), recordNotifications(brunoContext)]);
  const ana = await anaContext.newPage();
  const bruno = await brunoContext.newPage();
  await Promise.all([signIn(ana, server, 'ana@demo.local'), signIn(bruno, server, 'bruno@demo.local')]);
  await expect(bruno).toHaveTitle('Atende');

  // A DM while bruno's chat is closed.
  await ana.getByTestId('chat-toggle').click();
  const anaPanel = ana.getByTestId('chat-panel');
  await anaPanel.getByTestId('colleague-bruno').getByRole('button').click();
  const anaComposer = anaPanel.getByRole('textbox', { name: 'Mensagem para Bruno Lima' });
  await anaComposer.fill('Bruno, pode me ajudar com o pedido 77?');
  await anaComposer.press('Enter');
  await expect(bruno.getByTestId('chat-unread')).toHaveText('1');
  await expect.poll(() => shownNotifications(bruno)).toEqual(['Mensagem de Ana Souza no chat interno: Bruno, pode me ajudar com o pedido 77?']);
  await expect(bruno).toHaveTitle('(1) Atende');

  // Reading the room clears the count; a message arriving while he reads it raises nothing.
  await bruno.getByTestId('chat-toggle').click();
  const brunoPanel = bruno.getByTestId('chat-panel');
  await brunoPanel.getByTestId('colleague-ana').getByRole('button').click();
  await expect(bruno).toHaveTitle('Atende');
  await anaComposer.fill('É o do cliente Marcos.');
  await anaComposer.press('Enter');
  await expect(brunoPanel.getByRole('log')).toContainText('É o do cliente Marcos.');

  // The team's room, while bruno reads the DM: news again.
  await anaPanel.getByTestId('chat-back').click();
  await anaPanel.getByRole('button', { name: /Suporte/ }).click();
  const teamComposer = anaPanel.getByRole('textbox', { name: /Mensagem para/ });
  await teamComposer.fill('Equipe, reunião às 15h.');
  await teamComposer.press('Enter');
  await expect.poll(() => shownNotifications(bruno)).toEqual([
    'Mensagem de Ana Souza no chat interno: Bruno, pode me ajudar com o pedido 77?',
    'Ana Souza no chat da equipe Suporte: Equipe, reunião às 15h.',
  ]);
  await expect(bruno).toHaveTitle('(1) Atende');

  // Ana's own messages never alert her.
  expect(await shownNotifications(ana)).toEqual([]);
});
