import { card, expect, messageLog, signIn, takeNewConversation, test, visitorSends } from './fixtures';

const OFFLINE_ALERT = 'Perda de conexão. Você está offline. Aguarde um instante para realizar o envio de mensagens';

test('R-NET-04 R-NET-05 reload while offline starts from the local store: lists, the open tab and conversation, history, draft and the offline alert', async ({ server, newContext }) => {
  const agentContext = await newContext();
  const agent = await agentContext.newPage();
  const visitor = await (await newContext()).newPage();
  await signIn(agent, server, 'ana@demo.local');
  await takeNewConversation(agent, visitor, server, 'Meu boleto venceu');
  await visitorSends(visitor, 'Podem gerar outro?');
  await expect(messageLog(agent)).toContainText('Podem gerar outro?');

  const composer = agent.getByRole('textbox', { name: 'Mensagem' });
  await composer.fill('Rascunho ainda não enviado');
  // The app shell is cached for offline start-up; wait until it is ready before cutting the network.
  await agent.waitForFunction(async () => (await navigator.serviceWorker?.getRegistration())?.active !== undefined);
  // The draft is written to the local store shortly after typing.
  await expect(agent.locator('form[data-draft]')).toHaveAttribute('data-draft', 'saved');

  await agentContext.setOffline(true);
  await agent.reload();

  await expect(agent.getByRole('alert').filter({ hasText: OFFLINE_ALERT })).toBeVisible();
  await expect(agent.getByLabel('E-mail')).toHaveCount(0);
  await expect(agent.getByTestId('agent-name')).toHaveText('Ana Souza');
  // Nothing to wait for offline: the last saved state, said as such, never an endless "Sincronizando…".
  await expect(agent.getByRole('status').filter({ hasText: 'Sem conexão: mostrando o que está salvo neste computador.' })).toBeVisible();
  await expect(agent.getByText(/Sincronizando/)).toHaveCount(0);
  // The tab and the conversation the agent had open come back by themselves.
  await expect(agent.getByRole('tab', { name: /Em atendimento/ })).toHaveAttribute('aria-selected', 'true');
  await expect(card(agent, 'Podem gerar outro?')).toBeVisible();
  await expect(messageLog(agent)).toContainText('Meu boleto venceu');
  await expect(messageLog(agent)).toContainText('Podem gerar outro?');
  await expect(composer).toHaveValue('Rascunho ainda não enviado');
  await expect(composer).toBeDisabled();
  await expect(agent.getByText('Perda de Conexão', { exact: true })).toBeVisible();
});
