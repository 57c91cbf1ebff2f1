import { expect, messageLog, signIn, takeNewConversation, test, visitorSends, visitorSent } from './fixtures';

const OFFLINE_ALERT = 'Perda de conexão. Você está offline. Aguarde um instante para realizar o envio de mensagens';

test('R-NET-02 R-NET-03 the sync server is killed and restarted: the agent goes offline, reconnects by itself and keeps working', async ({ server, newContext }) => {
  const agent = await (await newContext()).newPage();
  const visitor = await (await newContext()).newPage();
  await signIn(agent, server, 'ana@demo.local');
  await takeNewConversation(agent, visitor, server, 'Antes da queda');
  const composer = agent.getByRole('textbox', { name: 'Mensagem' });

  await server.kill();
  await expect(agent.getByRole('alert').filter({ hasText: OFFLINE_ALERT })).toBeVisible();
  await expect(composer).toBeDisabled();
  await expect(agent.getByText('Perda de Conexão', { exact: true })).toBeVisible();

  await server.start();
  // Back by itself (backoff with jitter, first retries within a few seconds), no reload.
  await expect(agent.getByText(OFFLINE_ALERT)).toHaveCount(0, { timeout: 20_000 });
  await expect(composer).toBeEnabled();

  await visitorSends(visitor, 'Depois da volta');
  await expect(visitorSent(visitor, 'Depois da volta')).toBeVisible({ timeout: 20_000 });
  await expect(messageLog(agent)).toContainText('Depois da volta');
  await expect(messageLog(agent).locator('[data-message-id]:not(.system)')).toHaveCount(2); // trace lines aside

  await composer.fill('Estamos de volta, como posso ajudar?');
  await composer.press('Enter');
  await expect(composer).toHaveValue('');
  await expect(visitor.getByText('Estamos de volta, como posso ajudar?')).toBeVisible();
});
