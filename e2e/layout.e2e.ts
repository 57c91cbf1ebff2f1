import { card, expect, openWidget, signIn, test, visitorSends } from './fixtures';

/**
 * issue 9 point 1, the workstation's layout: the channel rail narrows the lists, the contact
 * panel shows who the conversation is with and collapses, and each window's address is routed.
 */
test('issue 9: the channel rail opens each channel\'s contacts and "Conversas" returns to the lists; the contact panel shows the contact and collapses, remembered after a reload', async ({ server, newContext }) => {
  const agent = await (await newContext()).newPage();
  await agent.setViewportSize({ width: 1280, height: 720 });
  await signIn(agent, server, 'ana@demo.local');
  const visitor = await (await newContext()).newPage();
  await openWidget(visitor, server, { name: 'Maria Oliveira', email: 'maria@example.com' });
  await visitorSends(visitor, 'Pelo chat do site');
  await expect(card(agent, 'Pelo chat do site')).toBeVisible();

  // A channel of the rail shows that channel's contacts in place of the lists (R-CT-03); "Conversas" returns.
  const rail = agent.getByRole('navigation', { name: 'Canais' });
  await rail.getByRole('button', { name: 'WhatsApp' }).click();
  await expect(rail.getByRole('button', { name: 'WhatsApp' })).toHaveAttribute('aria-pressed', 'true');
  await expect(agent.getByRole('heading', { name: 'Contatos: WhatsApp' })).toBeVisible();
  await expect(card(agent, 'Pelo chat do site')).toHaveCount(0);
  await rail.getByRole('button', { name: 'Chat do site' }).click();
  await expect(agent.getByRole('heading', { name: 'Contatos: Chat do site' })).toBeVisible();
  await expect(agent.locator('[data-contact-id]', { hasText: 'Maria Oliveira' })).toBeVisible();
  await rail.getByRole('button', { name: 'Conversas' }).click();
  await expect(rail.getByRole('button', { name: 'Conversas' })).toHaveAttribute('aria-pressed', 'true');
  await expect(card(agent, 'Pelo chat do site')).toBeVisible();

  const panel = agent.getByRole('complementary', { name: 'Contato' });
  await expect(panel).toContainText('Selecione um atendimento para ver o contato.');
  await card(agent, 'Pelo chat do site').click();
  await expect(panel.getByTestId('contact-name')).toHaveText('Maria Oliveira');
  await expect(panel).toContainText('maria@example.com');

  await panel.getByRole('button', { name: 'Recolher painel do contato' }).click();
  const expand = panel.getByRole('button', { name: 'Expandir painel do contato' });
  await expect(expand).toHaveAttribute('aria-expanded', 'false');
  await expect(panel.getByTestId('contact-name')).toBeHidden();
  await agent.reload();
  await expect(agent.locator('[data-sync-state="synced"]')).toBeVisible();
  await expect(expand).toHaveAttribute('aria-expanded', 'false');
  await expand.click();
  await expect(panel.getByRole('button', { name: 'Recolher painel do contato' })).toHaveAttribute('aria-expanded', 'true');
  await expect(panel.getByTestId('contact-name')).toHaveText('Maria Oliveira');
});

test('R-DT-03 issue 9: window addresses are routed; an address the app does not know leads to the workstation, an unknown board to the agents board', async ({ server, newContext }) => {
  const carla = await (await newContext()).newPage();
  await signIn(carla, server, 'carla@demo.local');
  await carla.goto(`${server.url}/#/conversation/not-a-conversation`);
  await expect(carla).toHaveURL(/#\/$/);
  await expect(carla.getByRole('tab', { name: /Em espera/ })).toBeVisible();

  await carla.goto(`${server.url}/#/supervisor/unknown`);
  await expect(carla).toHaveURL(/#\/supervisor\/agents$/);
  await expect(carla.getByRole('heading', { name: 'Painel de supervisão' })).toBeVisible();
  await expect(carla.getByRole('button', { name: 'Agentes', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await carla.getByRole('button', { name: 'Filas', exact: true }).click();
  await expect(carla).toHaveURL(/#\/supervisor\/queues$/);
  await carla.goBack();
  await expect(carla).toHaveURL(/#\/supervisor\/agents$/);
  await expect(carla.getByRole('table', { name: 'Agentes' })).toBeVisible();
});

test('R-WS-03 issue 9: the virtual message list follows new messages at the bottom, and leaves an agent who scrolled up where they are', async ({ server, newContext }) => {
  const agent = await (await newContext()).newPage();
  await agent.setViewportSize({ width: 1280, height: 720 });
  await signIn(agent, server, 'ana@demo.local');
  const visitor = await (await newContext()).newPage();
  await openWidget(visitor, server);
  const long = Array.from({ length: 30 }, (_, i) => `linha ${i + 1}`).join('\n');
  await visitorSends(visitor, long);
  await card(agent, 'linha 1').click();
  const log = agent.getByRole('log', { name: 'Histórico de mensagens' });
  await expect(log.getByText(/linha 30$/)).toBeInViewport();

  await visitorSends(visitor, 'Chegou agora');
  await expect(log.getByText('Chegou agora')).toBeInViewport();

  await log.evaluate((el) => el.scrollTo({ top: 0 }));
  await expect(log.getByText(/^linha 1/)).toBeInViewport();
  await visitorSends(visitor, 'Mais uma');
  await expect(log.getByText('Mais uma')).toHaveCount(1);
  await expect(log.getByText(/^linha 1/)).toBeInViewport();
  await log.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(log.getByText('Mais uma')).toBeInViewport();
});
