import {
  card, expect, messageLog, openWidget, signIn, test, visitorSends, visitorSent,
} from './fixtures';

/**
 * R-DT-07: in a browser the desktop module falls back to web windows. The same app document
 * opens with another hash, reads the same local replica and stays live (R-SV-05, R-DT-03).
 */
test('R-SV-05 R-DT-03 R-DT-07 a supervisor opens the board window from the top bar; it follows the local store live', async ({ server, newContext }) => {
  const carla = await (await newContext()).newPage();
  await signIn(carla, server, 'carla@demo.local');
  const [board] = await Promise.all([
    carla.waitForEvent('popup'),
    carla.getByRole('button', { name: 'Abrir painel de supervisão' }).click(),
  ]);
  await expect(board).toHaveURL(/#\/supervisor\/agents$/);
  await expect(board.getByRole('heading', { name: 'Painel de supervisão' })).toBeVisible();

  // Agents: presence from the socket, live.
  const agents = board.getByRole('table', { name: 'Agentes' });
  await expect(agents.getByRole('row', { name: /Carla Mendes/ })).toContainText('Disponível');
  await expect(agents.getByRole('row', { name: /Ana Souza/ })).toContainText('Offline');
  const ana = await (await newContext()).newPage();
  await signIn(ana, server, 'ana@demo.local');
  await expect(agents.getByRole('row', { name: /Ana Souza/ })).toContainText('Disponível');
  await expect(agents.getByRole('row', { name: /Ana Souza/ })).toContainText('0 / 5');

  // Queues: a visitor's new conversation shows up without a reload.
  await board.getByRole('button', { name: 'Filas', exact: true }).click();
  await expect(board).toHaveURL(/#\/supervisor\/queues$/);
  const suporte = board.getByRole('table', { name: 'Filas' }).getByRole('row', { name: /Suporte/ });
  await expect(suporte.getByTestId('queue-waiting')).toHaveText('0');
  const visitor = await (await newContext()).newPage();
  await openWidget(visitor, server);
  await visitorSends(visitor, 'Alguém pode me ajudar?');
  await expect(suporte.getByTestId('queue-waiting')).toHaveText('1');

  // Conversations: Ana takes it; the board names her as its agent.
  await board.getByRole('button', { name: 'Atendimentos', exact: true }).click();
  const row = board.getByRole('table', { name: 'Atendimentos' }).getByRole('row', { name: /Visitante/ });
  await expect(row).toContainText('Na fila');
  await expect(row).toContainText('Suporte');
  await card(ana, 'Alguém pode me ajudar?').click();
  await expect(row).toContainText('Ana Souza');
  await board.getByRole('button', { name: 'Filas', exact: true }).click();
  await expect(suporte.getByTestId('queue-waiting')).toHaveText('0');
  await board.getByRole('button', { name: 'Agentes', exact: true }).click();
  await expect(agents.getByRole('row', { name: /Ana Souza/ })).toContainText('1 / 5');

  // The workstation window behind it keeps working; agents have no board button.
  await expect(carla.locator('[data-sync-state="synced"]')).toBeVisible();
  await expect(ana.getByRole('button', { name: 'Abrir painel de supervisão' })).toHaveCount(0);
});

test('R-DT-03 R-DT-02 R-DT-07 an agent pops a conversation out into its own window; the waiting count is the app badge', async ({ server, newContext }) => {
  const context = await newContext();
  // Record what the app sets as the app badge (navigator.setAppBadge, where browsers support it).
  await context.addInitScript(() => {
    const badges: number[] = [];
    Object.assign(window, { appBadges: badges });
    Object.defineProperty(Navigator.prototype, 'setAppBadge', { configurable: true, value: async (n = 0) => void badges.push(n) });
    Object.defineProperty(Navigator.prototype, 'clearAppBadge', { configurable: true, value: async () => void badges.push(0) });
  });
  const ana = await context.newPage();
  const visitor = await (await newContext()).newPage();
  const lastBadge = () => ana.evaluate(() => (window as unknown as { appBadges: number[] }).appBadges.at(-1));
  await signIn(ana, server, 'ana@demo.local');
  await expect.poll(lastBadge).toBe(0);

  await openWidget(visitor, server);
  await visitorSends(visitor, 'Abra em outra janela');
  await expect.poll(lastBadge).toBe(1);
  await card(ana, 'Abra em outra janela').click();
  await expect(ana.getByRole('textbox', { name: 'Mensagem' })).toBeEnabled();
  await expect.poll(lastBadge).toBe(0);

  const [popout] = await Promise.all([
    ana.waitForEvent('popup'),
    ana.getByRole('button', { name: 'Abrir em nova janela' }).click(),
  ]);
  await expect(popout).toHaveURL(/#\/conversation\/conversation%3A/);
  await expect(messageLog(popout)).toContainText('Abra em outra janela');
  await expect(popout.getByRole('button', { name: 'Abrir em nova janela' })).toHaveCount(0);
  // No workstation lists in the pop-out: only the conversation.
  await expect(popout.getByRole('tab')).toHaveCount(0);

  // Live both ways: the customer writes, the agent answers from the pop-out.
  await visitorSends(visitor, 'Segunda mensagem');
  await expect(messageLog(popout)).toContainText('Segunda mensagem');
  const composer = popout.getByRole('textbox', { name: 'Mensagem' });
  await expect(composer).toBeEnabled();
  await composer.fill('Respondendo da janela separada');
  await composer.press('Enter');
  await expect(visitor.getByText('Respondendo da janela separada')).toBeVisible();
  await expect(messageLog(ana)).toContainText('Respondendo da janela separada');
  await expect(visitorSent(visitor, 'Segunda mensagem')).toBeVisible();
});

test('R-DT-02 R-DT-07 clicking a notification brings its conversation forward (the web fallback of the shell’s notification click)', async ({ server, newContext }) => {
  const context = await newContext();
  await context.addInitScript(() => {
    const shown: Array<{ title: string; onclick: (() => void) | null }> = [];
    class RecordingNotification {
      static permission = 'granted';
      static requestPermission = async () => 'granted';
      onclick: (() => void) | null = null;
      constructor(readonly title: string) {
        shown.push(this);
      }
    }
    Object.assign(window, { Notification: RecordingNotification, shownNotifications: shown });
  });
  const ana = await context.newPage();
  const visitor = await (await newContext()).newPage();
  await signIn(ana, server, 'ana@demo.local');
  await openWidget(visitor, server);
  await visitorSends(visitor, 'Primeira pergunta');
  await card(ana, 'Primeira pergunta').click();
  await expect(ana.getByRole('textbox', { name: 'Mensagem' })).toBeEnabled();
  // The agent moves on to another conversation, then looks at the waiting list.
  const other = await (await newContext()).newPage();
  await ana.getByRole('tab', { name: /Em espera/ }).click();
  await openWidget(other, server);
  await visitorSends(other, 'Outra conversa');
  await card(ana, 'Outra conversa').click();
  await expect(messageLog(ana)).toContainText('Outra conversa');
  await ana.getByRole('tab', { name: /Em espera/ }).click();

  await visitorSends(visitor, 'Segunda pergunta');
  const titles = () => ana.evaluate(() => (window as unknown as { shownNotifications: Array<{ title: string }> }).shownNotifications.map((n) => n.title));
  await expect.poll(titles).toContain('Nova mensagem de Visitante');
  await ana.evaluate(() => {
    const shown = (window as unknown as { shownNotifications: Array<{ title: string; onclick: (() => void) | null }> }).shownNotifications;
    shown.find((n) => n.title === 'Nova mensagem de Visitante')?.onclick?.();
  });
  await expect(ana.getByRole('tab', { name: /Em atendimento/ })).toHaveAttribute('aria-selected', 'true');
  await expect(messageLog(ana)).toContainText('Segunda pergunta');
  await expect(messageLog(ana)).not.toContainText('Outra conversa');
});
