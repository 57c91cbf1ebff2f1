import { expect, openWidget, signIn, test, visitorSends } from './fixtures';

test('R-CH-02 R-WS-01 R-WS-02 R-WS-03 R-WS-04 visitor writes from /demo/, agent takes it, replies, typing shows both ways', async ({ server, newContext }) => {
  const agent = await (await newContext()).newPage();
  const visitor = await (await newContext()).newPage();
  await signIn(agent, server, 'ana@demo.local');
  await expect(agent.getByTestId('agent-name')).toHaveText('Ana Souza');

  await openWidget(visitor, server);
  await visitorSends(visitor, 'Olá, meu pedido atrasou');

  const card = agent.locator('[data-conversation-id]', { hasText: 'Olá, meu pedido atrasou' });
  await expect(card).toBeVisible();
  await expect(card).toContainText('Suporte');
  await expect(card).toContainText(/esperando há \d\d:\d\d/);
  await expect(agent.getByRole('tab', { name: /Em espera/ })).toContainText('1');

  await card.click();
  await expect(agent.getByRole('tab', { name: /Em atendimento/ })).toHaveAttribute('aria-selected', 'true');
  await expect(agent.getByTestId('protocol')).toHaveText(/^\d{8}-\d{6}$/);
  await expect(agent.getByRole('log', { name: 'Histórico de mensagens' })).toContainText('Olá, meu pedido atrasou');

  // Typing, customer → agent.
  await visitor.getByRole('textbox', { name: 'Mensagem' }).pressSequentially('Ainda');
  await expect(agent.getByText(/está digitando/)).toBeVisible();

  // Typing, agent → customer; then the reply with Enter (Shift+Enter keeps a new line).
  const composer = agent.getByRole('textbox', { name: 'Mensagem' });
  await composer.pressSequentially('Olá! Vou verificar');
  await expect(visitor.getByText('Atendente digitando…')).toBeVisible();
  await composer.press('Shift+Enter');
  await composer.pressSequentially('seu pedido.');
  await composer.press('Enter');
  await expect(composer).toHaveValue('');

  await expect(visitor.getByText('Olá! Vou verificar')).toBeVisible();
  await expect(agent.getByRole('log', { name: 'Histórico de mensagens' })).toContainText('seu pedido.');
});
