import { expect, messageLog, signIn, takeNewConversation, test, visitorSends, visitorSent } from './fixtures';

const OFFLINE_ALERT = 'Perda de conexão. Você está offline. Aguarde um instante para realizar o envio de mensagens';

test('R-NET-01 R-NET-02 R-NET-03 offline agent: banner, disabled composer and one status control saying so; 5 visitor messages arrive once, in order, within 5 s of reconnecting', async ({ server, newContext }) => {
  const agentContext = await newContext();
  const agent = await agentContext.newPage();
  const visitor = await (await newContext()).newPage();
  await signIn(agent, server, 'ana@demo.local');
  await takeNewConversation(agent, visitor, server, 'Primeira mensagem');
  // A long message makes the history taller than its viewport, so scrolling can be shown offline.
  const lines = Array.from({ length: 30 }, (_, i) => `linha ${i + 1}`).join('\n');
  await visitorSends(visitor, lines);
  const log = messageLog(agent);
  await expect(log).toContainText('linha 30');
  const composer = agent.getByRole('textbox', { name: 'Mensagem' });
  await expect(composer).toBeEnabled();

  await agentContext.setOffline(true);
  await expect(agent.getByRole('alert').filter({ hasText: OFFLINE_ALERT })).toBeVisible();
  await expect(composer).toBeDisabled();
  await expect(agent.getByText('Perda de Conexão', { exact: true })).toBeVisible();
  await expect(agent.getByRole('button', { name: 'Enviar' })).toBeDisabled();
  // One status control, and it agrees with the connection: no "Disponível" while offline.
  const status = agent.getByRole('combobox', { name: 'Status' });
  await expect(status).toBeDisabled();
  await expect(status.locator('option:checked')).toHaveText('Sem conexão');

  // Reading keeps working: the history is there and scrolls; the lists switch.
  await expect(log).toContainText('Primeira mensagem');
  await expect(log.getByText('linha 30')).toBeInViewport();
  await expect(log.getByText('Primeira mensagem')).not.toBeInViewport();
  await log.hover();
  await agent.mouse.wheel(0, -5_000);
  await expect(log.getByText('Primeira mensagem')).toBeInViewport();
  await agent.mouse.wheel(0, 5_000);
  await expect(log.getByText(/linha 30$/)).toBeInViewport();
  await agent.getByRole('tab', { name: /Em espera/ }).click();
  await agent.getByRole('tab', { name: /Em atendimento/ }).click();
  await expect(agent.getByRole('tabpanel').locator('[data-conversation-id]', { hasText: 'Visitante' })).toBeVisible();

  const texts = ['offline 1', 'offline 2', 'offline 3', 'offline 4', 'offline 5'];
  for (const text of texts) {
    await visitorSends(visitor, text);
    await expect(visitorSent(visitor, text)).toBeVisible();
  }
  await expect(log).not.toContainText('offline 1');

  await agentContext.setOffline(false);
  // What people wrote (lifecycle trace lines, direction 'system', are not messages that arrive).
  const rows = log.locator('[data-message-id]:not(.system)');
  await expect(rows, 'all 5 once, in order, within 5 s').toHaveText(['Primeira mensagem', 'linha 30', ...texts].map((t) => new RegExp(`${t}$`)), { timeout: 5_000 });
  for (const text of texts) await expect(rows.filter({ hasText: text })).toHaveCount(1);
  await expect(agent.getByText(OFFLINE_ALERT)).toHaveCount(0);
  await expect(composer).toBeEnabled();
  await expect(agent.getByText('Perda de Conexão', { exact: true })).toHaveCount(0);
  await expect(status).toBeEnabled();
  await expect(status.locator('option:checked')).toHaveText('Disponível');
});
