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

test('R-NET-02 R-NET-03 R-OPS-02 the sync server is stopped with SIGTERM and restarted: the agent app and the widget come back at once, nothing is lost', async ({ server, newContext }) => {
  const agentContext = await newContext();
  // The close codes the app's socket sees: the server says 1012 "server restarting" before it goes.
  await agentContext.addInitScript(() => {
    const codes: number[] = [];
    Object.assign(window, { socketCloseCodes: codes });
    window.WebSocket = class extends window.WebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        this.addEventListener('close', (event) => codes.push(event.code));
      }
    };
  });
  const agent = await agentContext.newPage();
  const visitor = await (await newContext()).newPage();
  await signIn(agent, server, 'ana@demo.local');
  await takeNewConversation(agent, visitor, server, 'Antes do reinício');
  const composer = agent.getByRole('textbox', { name: 'Mensagem' });

  expect(await server.terminate()).toBe(0);
  expect(await agent.evaluate(() => (window as unknown as { socketCloseCodes: number[] }).socketCloseCodes)).toContain(1012);
  // The customer writes while the server is down: the widget keeps the message until it is back.
  await visitorSends(visitor, 'Durante o reinício');

  await server.start();
  // Back within about a second of the server (not on a backoff grown while it was down), no reload.
  await expect(agent.getByText(OFFLINE_ALERT)).toHaveCount(0, { timeout: 6_000 });
  await expect(composer).toBeEnabled();
  await expect(visitorSent(visitor, 'Durante o reinício')).toBeVisible({ timeout: 6_000 });
  await expect(messageLog(agent)).toContainText('Durante o reinício');

  await composer.fill('Voltamos, pode continuar.');
  await composer.press('Enter');
  await expect(composer).toHaveValue('');
  await expect(visitor.getByText('Voltamos, pode continuar.')).toBeVisible();
  // Each message once on both sides (trace lines aside).
  await expect(messageLog(agent).locator('[data-message-id]:not(.system)')).toHaveCount(3);
  await expect(visitor.locator('.msg.in:not(.pending)')).toHaveCount(2);
});
