import {
  card, expect, messageLog, openWidget, recordNotifications, recordSounds, shownNotifications, signIn, soundsPlayed, takeNewConversation, test, visitorSends, visitorSent,
} from './fixtures';

test('R-WS-04 R-WS-06 predefined messages by title or text; finishing with a disposition and note ends the conversation', async ({ server, newContext }) => {
  const agent = await (await newContext()).newPage();
  const visitor = await (await newContext()).newPage();
  await signIn(agent, server, 'ana@demo.local');
  await takeNewConversation(agent, visitor, server, 'Preciso de ajuda');
  const composer = agent.getByRole('textbox', { name: 'Mensagem' });
  const picker = agent.getByRole('button', { name: 'Mensagens predefinidas' });
  const search = agent.getByRole('searchbox', { name: 'Buscar por título ou texto' });

  // By title, accents and case ignored as in message search; the {agente} placeholder becomes the agent's name.
  await picker.click();
  await search.fill('SAUDACAO');
  await expect(agent.getByRole('dialog', { name: 'Mensagens predefinidas' }).getByRole('option')).toHaveCount(1);
  await agent.getByRole('option', { name: /Saudação/ }).click();
  await expect(composer).toHaveValue('Olá! Meu nome é Ana Souza. Como posso ajudar?');
  await composer.press('Enter');
  await expect(visitor.getByText('Olá! Meu nome é Ana Souza. Como posso ajudar?')).toBeVisible();

  // By words of the text.
  await picker.click();
  await search.fill('verificando');
  await agent.getByRole('option', { name: /Aguarde/ }).click();
  await expect(composer).toHaveValue('Um momento, por favor, estou verificando.');
  await composer.fill('');

  // Finish with disposition and note (read first: the modal dialog hides the rest of the page from the accessibility tree).
  const finished = await agent.getByRole('tabpanel').locator('[data-conversation-id]').getAttribute('data-conversation-id');
  await agent.getByRole('button', { name: 'Finalizar atendimento' }).click();
  const dialog = agent.getByRole('dialog', { name: 'Finalizar atendimento' });
  await dialog.getByLabel('Motivo de contato').selectOption({ label: 'Dúvida resolvida' });
  await dialog.getByLabel('Descrição do atendimento').fill('Cliente orientado sobre o pedido.');
  await dialog.getByRole('button', { name: 'Finalizar', exact: true }).click();
  await expect(dialog).toHaveCount(0);
  await expect(agent.getByRole('tab', { name: /Em atendimento/ })).toContainText('0');
  await expect(agent.locator(`[data-conversation-id="${finished}"]`)).toHaveCount(0);
  await expect(agent.getByRole('log', { name: 'Histórico de mensagens' })).toHaveCount(0);

  // The server finished it: the customer's next message opens a new waiting conversation.
  await visitorSends(visitor, 'Mais uma pergunta');
  await agent.getByRole('tab', { name: /Em espera/ }).click();
  const next = card(agent, 'Mais uma pergunta');
  await expect(next).toBeVisible();
  expect(await next.getAttribute('data-conversation-id')).not.toBe(finished);
});

test('R-WS-05 R-NET-04 transfer to a colleague; drafts are kept per conversation when switching', async ({ server, newContext }) => {
  const ana = await (await newContext()).newPage();
  const bruno = await (await newContext()).newPage();
  const first = await (await newContext()).newPage();
  const second = await (await newContext()).newPage();
  await Promise.all([signIn(ana, server, 'ana@demo.local'), signIn(bruno, server, 'bruno@demo.local')]);
  await takeNewConversation(ana, first, server, 'Conversa A');
  await ana.getByRole('tab', { name: /Em espera/ }).click();
  await takeNewConversation(ana, second, server, 'Conversa B');
  const composer = ana.getByRole('textbox', { name: 'Mensagem' });

  // Draft in A, switch to B and back.
  await card(ana, 'Conversa A').click();
  await expect(messageLog(ana)).toContainText('Conversa A');
  await composer.fill('Rascunho da conversa A');
  await card(ana, 'Conversa B').click();
  await expect(messageLog(ana)).toContainText('Conversa B');
  await expect(composer).toHaveValue('');
  await composer.fill('Rascunho da B');
  await card(ana, 'Conversa A').click();
  await expect(messageLog(ana)).toContainText('Conversa A');
  await expect(composer).toHaveValue('Rascunho da conversa A');
  await card(ana, 'Conversa B').click();
  await expect(composer).toHaveValue('Rascunho da B');

  // Transfer B to Bruno: it leaves Ana's list and lands in Bruno's "Em atendimento".
  await ana.getByRole('button', { name: 'Transferir' }).click();
  const dialog = ana.getByRole('dialog', { name: 'Transferir' });
  await dialog.getByRole('combobox').selectOption({ label: 'Bruno Lima' });
  await dialog.getByRole('button', { name: 'Transferir' }).click();
  await expect(card(ana, 'Conversa B')).toHaveCount(0);
  await expect(ana.getByRole('tab', { name: /Em atendimento/ })).toContainText('1');
  await bruno.getByRole('tab', { name: /Em atendimento/ }).click();
  await expect(bruno.getByRole('tab', { name: /Em atendimento/ })).toContainText('1');
  await card(bruno, 'Conversa B').click();
  await expect(messageLog(bruno)).toContainText('Conversa B');
  await bruno.getByRole('textbox', { name: 'Mensagem' }).fill('Aqui é o Bruno');
  await bruno.getByRole('button', { name: 'Enviar' }).click();
  await expect(second.getByText('Aqui é o Bruno')).toBeVisible();
  await expect(visitorSent(second, 'Conversa B')).toBeVisible();
});

test('R-WS-10 R-WS-11 notifications for new conversations, switchable; toggles persist across reload; English and Spanish in the menu', async ({ server, newContext }) => {
  const context = await newContext();
  await recordNotifications(context);
  await recordSounds(context);
  const agent = await context.newPage();
  const visitor = await (await newContext()).newPage();
  const shown = () => shownNotifications(agent);
  await signIn(agent, server, 'ana@demo.local');
  // Armed by the first click, silent until an alert: a running context would keep the audio service busy.
  await expect.poll(() => soundsPlayed(agent)).toEqual({ states: ['suspended'], tones: 0 });
  const sound = agent.getByRole('checkbox', { name: 'Alertas sonoros' });
  const notifications = agent.getByRole('checkbox', { name: 'Notificações' });
  await expect(sound).toBeChecked();
  await expect(notifications).toBeChecked();

  await openWidget(visitor, server);
  await visitorSends(visitor, 'Alguém aí?');
  await expect(card(agent, 'Alguém aí?')).toBeVisible();
  await expect.poll(shown).toEqual(['Novo atendimento em espera: Visitante: Alguém aí?']);
  // The alert's tone played, then the context went quiet again.
  await expect.poll(() => soundsPlayed(agent)).toEqual({ states: ['suspended'], tones: 1 });

  await sound.uncheck();
  await notifications.uncheck();
  await agent.reload();
  await expect(sound).not.toBeChecked();
  await expect(notifications).not.toBeChecked();
  await sound.check();
  await agent.reload();
  await expect(sound).toBeChecked();
  await expect(notifications).not.toBeChecked();

  await agent.getByTestId('agent-name').click();
  await agent.getByRole('menuitemradio', { name: 'English' }).click();
  await expect(agent.getByRole('tab', { name: /Waiting/ })).toBeVisible();
  await expect(agent.getByRole('tab', { name: /In service/ })).toBeVisible();
  await expect(agent.getByRole('checkbox', { name: 'Sound alerts' })).toBeChecked();
  await agent.reload();
  await expect(agent.getByRole('tab', { name: /Waiting/ })).toBeVisible();
  await expect(agent.locator('html')).toHaveAttribute('lang', 'en');

  // Switched off: a new waiting conversation shows up but raises no notification.
  const other = await (await newContext()).newPage();
  await openWidget(other, server);
  await visitorSends(other, 'Segunda conversa');
  // Once the card names the contact, the alert for it has been decided.
  await expect(card(agent, 'Segunda conversa')).toContainText('Visitante');
  expect(await shown()).toEqual([]);

  // Spanish too (issue 9: pt-BR, en, es).
  await agent.getByTestId('agent-name').click();
  await agent.getByRole('menuitemradio', { name: 'Español' }).click();
  await expect(agent.getByRole('tab', { name: /En espera/ })).toBeVisible();
  await expect(agent.getByRole('tab', { name: /En atención/ })).toBeVisible();
  await expect(agent.locator('html')).toHaveAttribute('lang', 'es');
});
